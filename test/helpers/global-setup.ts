// jest globalSetup: runs once, in the parent process, before any test file. Environment
// variables set here are inherited by the workers, which is how the results reach the tests:
//   TEST_PG_ADMIN_URL          PostgreSQL server for test databases (checked here)
//   TEST_RUN_ID                names this run's test databases, so teardown drops only those
//   TEST_DB_TEMPLATE           migrated template database copied by createTestDatabase()
//   TEMPORAL_CLI_PATH          `temporal` (dev server), installed into .tools/ if missing
//   TEMPORAL_TEST_SERVER_PATH  `temporal-test-server` (time skipping), idem
//   WORKFLOW_BUNDLE_PATH       var/test/workflow-bundle.js, the workflow code bundled once
// Everything expensive happens once here instead of once per test file.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

import { findRepoRoot } from '../../scripts/migrate';
import { resolveTemporalCli, resolveTemporalTestServer } from '../../scripts/temporal-binaries';
import { ensureTemplateDatabase, testAdminUrl, testRunId } from './database';

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
    const redacted = adminUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    throw new Error(
      `PostgreSQL does not answer at TEST_PG_ADMIN_URL=${redacted}: ${(error as Error).message}\n` +
        'Start a server (e.g. `.ci/run` sets one up) or point TEST_PG_ADMIN_URL at one ' +
        '(a superuser or CREATEDB role; test databases are created and dropped there).',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
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

export default async function globalSetup(): Promise<void> {
  // Names this run's test databases (inherited by the workers; see global-teardown.ts).
  process.env.TEST_RUN_ID = testRunId();
  const adminUrl = testAdminUrl();
  process.env.TEST_PG_ADMIN_URL = adminUrl;
  await timed('PostgreSQL answers', () => checkPostgres(adminUrl));
  // Independent and each a few seconds: run side by side.
  await Promise.all([
    timed('migrated template database ready', async () => {
      const name = await ensureTemplateDatabase(adminUrl);
      process.env.TEST_DB_TEMPLATE = name;
    }),
    timed('Temporal binaries resolved', resolveTemporal),
    timed('workflow bundle built', bundleWorkflows),
  ]);
}
