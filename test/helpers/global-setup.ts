// jest globalSetup: runs once, in the parent process, before any test file. Environment
// variables set here are inherited by the workers, which is how the results reach the tests:
//   TEST_PG_ADMIN_URL          PostgreSQL server for test databases (checked here). Chosen as:
//                              TEST_PG_EMBEDDED=1: an embedded PostgreSQL 17 started here;
//                              else TEST_PG_ADMIN_URL if set; else the server at the default URL
//                              (127.0.0.1:5432) if it answers; else the embedded one. The embedded
//                              server keeps its data in var/test/postgres (so the migrated template
//                              database is reused by the next run), runs without fsync and is
//                              stopped by global-teardown.ts.
//   TEST_RUN_ID                names this run's test databases, so teardown drops only those
//   TEST_DB_TEMPLATE           migrated template database copied by createTestDatabase()
//   TEMPORAL_CLI_PATH          `temporal` (dev server), installed into .tools/ if missing
//   TEMPORAL_TEST_SERVER_PATH  `temporal-test-server` (time skipping), idem
//   WORKFLOW_BUNDLE_PATH       var/test/workflow-bundle.js, the workflow code bundled once
// Everything expensive happens once here instead of once per test file.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

import { EmbeddedPostgresBusyError, startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/embedded-postgres';
import { findRepoRoot } from '../../scripts/migrate';
import { resolveTemporalCli, resolveTemporalTestServer } from '../../scripts/temporal-binaries';
import { DEFAULT_TEST_PG_ADMIN_URL, ensureTemplateDatabase, testRunId } from './database';

const root = findRepoRoot(__dirname);

function log(message: string): void {
  process.stderr.write(`[global-setup] ${message}\n`);
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await fn();
  log(`${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/** Fails early, with a hint, when no PostgreSQL answers at TEST_PG_ADMIN_URL. */
async function checkPostgres(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at TEST_PG_ADMIN_URL=${redact(adminUrl)}: ${(error as Error).message}\n` +
        'Point TEST_PG_ADMIN_URL at a running server (a superuser or CREATEDB role; test databases ' +
        'are created and dropped there), or unset it (or set TEST_PG_EMBEDDED=1) for the embedded one.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Read by global-teardown.ts (globals set here are visible there, not in the workers). */
export interface EmbeddedTestPostgres {
  server: EmbeddedPostgres;
  /** A per-run data directory to delete after stopping (var/test/postgres was busy). */
  removeDataDir: boolean;
}
const slot = globalThis as unknown as { __vwEmbeddedTestPostgres?: EmbeddedTestPostgres };
/** The embedded server this process's global setup started (for the teardown), if any. */
export function takeEmbeddedTestPostgres(): EmbeddedTestPostgres | undefined {
  const embedded = slot.__vwEmbeddedTestPostgres;
  slot.__vwEmbeddedTestPostgres = undefined;
  return embedded;
}

async function startEmbedded(): Promise<EmbeddedTestPostgres> {
  const options = { log, durable: false, maxConnections: 200 } as const;
  const shared = path.join(root, 'var', 'test', 'postgres');
  try {
    return { server: await startEmbeddedPostgres({ ...options, dataDir: shared }), removeDataDir: false };
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresBusyError)) throw error;
    // Another jest run uses var/test/postgres: a private cluster for this run (no cached template).
    const own = path.join(root, 'var', 'test', `postgres-${process.pid}`);
    log(`${error.message}; using ${path.relative(root, own)} for this run`);
    return { server: await startEmbeddedPostgres({ ...options, dataDir: own }), removeDataDir: true };
  }
}

/** Picks the PostgreSQL server (see the top of this file) and exports TEST_PG_ADMIN_URL. */
async function choosePostgres(): Promise<string> {
  const embeddedWanted = process.env.TEST_PG_EMBEDDED === '1';
  const configured = process.env.TEST_PG_ADMIN_URL;
  if (!embeddedWanted && configured) {
    await checkPostgres(configured);
    log(`postgres: TEST_PG_ADMIN_URL (${redact(configured)})`);
    return configured;
  }
  if (!embeddedWanted && (await answers(DEFAULT_TEST_PG_ADMIN_URL))) {
    log(`postgres: the server at ${DEFAULT_TEST_PG_ADMIN_URL}`);
    return DEFAULT_TEST_PG_ADMIN_URL;
  }
  const started = Date.now();
  const embedded = await startEmbedded();
  slot.__vwEmbeddedTestPostgres = embedded;
  const { server } = embedded;
  log(
    `postgres: embedded PostgreSQL 17 in ${path.relative(root, server.dataDir)} on 127.0.0.1:${server.port} ` +
      `(${embeddedWanted ? 'TEST_PG_EMBEDDED=1' : `nothing answers at ${DEFAULT_TEST_PG_ADMIN_URL}`}; ` +
      `${server.initialised ? 'new cluster, ' : ''}${((Date.now() - started) / 1000).toFixed(1)} s; log ${path.relative(root, server.logFile)})`,
  );
  return server.url;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function resolveTemporal(): Promise<void> {
  const cli = await resolveTemporalCli({ log });
  const testServer = await resolveTemporalTestServer({ log });
  if (cli) process.env.TEMPORAL_CLI_PATH = cli;
  if (testServer) process.env.TEMPORAL_TEST_SERVER_PATH = testServer;
  log(`temporal: ${cli ?? '(none: the SDK will try to download it)'}`);
  log(`temporal-test-server: ${testServer ?? '(none: the SDK will try to download it)'}`);
}

async function bundleWorkflows(): Promise<void> {
  const workflowsPath = path.join(root, 'workflows', 'index.ts');
  if (!existsSync(workflowsPath)) {
    log('workflows/index.ts does not exist yet: no workflow bundle (WORKFLOW_BUNDLE_PATH unset)');
    return;
  }
  // Imported lazily: loading @temporalio/worker costs time that suites without workflows
  // should not pay when the file is missing.
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  // WARN: webpack's per-module report at INFO would bury the test output.
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const outFile = path.join(root, 'var', 'test', 'workflow-bundle.js');
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  process.env.WORKFLOW_BUNDLE_PATH = outFile;
}

/**
 * The Temporal client retries failed gRPC calls from a timer; a retry that fires after a test
 * file closed its connection throws "Channel has been shut down" from that timer, which would
 * take the whole (in-band) jest process down after the file's tests have already passed. That one
 * error is logged and ignored; every other uncaught exception still ends the run.
 */
function ignoreRetriesAfterTeardown(): void {
  process.on('uncaughtException', (error) => {
    if (error instanceof Error && error.message === 'Channel has been shut down' && /grpc-retry/.test(error.stack ?? '')) {
      log('ignored a Temporal client retry after its connection was closed (Channel has been shut down)');
      return;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

export default async function globalSetup(): Promise<void> {
  ignoreRetriesAfterTeardown();
  // Names this run's test databases (inherited by the workers; see global-teardown.ts).
  process.env.TEST_RUN_ID = testRunId();
  const adminUrl = await timed('PostgreSQL ready', choosePostgres);
  process.env.TEST_PG_ADMIN_URL = adminUrl;
  // Independent and each a few seconds: run side by side.
  try {
    await Promise.all([
      timed('migrated template database ready', async () => {
        const name = await ensureTemplateDatabase(adminUrl);
        process.env.TEST_DB_TEMPLATE = name;
      }),
      timed('Temporal binaries resolved', resolveTemporal),
      timed('workflow bundle built', bundleWorkflows),
    ]);
  } catch (error) {
    // jest runs no global teardown when the setup fails: stop the embedded server here.
    await takeEmbeddedTestPostgres()?.server.stop();
    throw error;
  }
}
