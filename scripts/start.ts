/**
 * `npm start`: the whole platform on embedded defaults, for development and demos.
 *  - Temporal dev server (SQLite in var/temporal.sqlite, Web UI on port+1000, search attributes registered)
 *  - PostgreSQL: DATABASE_URL if set, else embedded PGlite (var/pglite) over the wire protocol
 *  - migrations applied, mail to a local SMTP sink writing .eml files to var/outbox (unless SMTP_URL is set)
 *  - worker and API on PORT (default 3000)
 * `npm run start:sandbox`: the same on the time-skipping test server with the sandbox clock;
 * its database and Temporal state are fresh every time and thrown away together on exit.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { loadConfig } from '../src/config/config';
import type { AppConfig } from '../src/config/config';
import { createPrismaClient } from '../src/database/prisma-client';
import { startSmtpSink } from '../src/mail/smtp-sink';
import { startPlatform } from '../src/platform/platform';
import { createTimeSkippingControl } from '../src/sandbox/time-skipping-control';
import { ensureSearchAttributes } from '../src/temporal/search-attribute-registration';
import { CONTRACT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { applyMigrations, findRepoRoot } from './migrate';
import { resolveTemporalCli, resolveTemporalTestServer } from './temporal-binaries';

type Cleanup = (() => Promise<void> | void) & { label?: string };

/** Longest wait for one cleanup step, so Ctrl-C always ends the process. */
const CLEANUP_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  // This script owns Ctrl-C: the Temporal runtime must not shut workers down on its own, or the
  // process ends before the Temporal server child and the embedded database are stopped.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
  const sandbox = process.argv.includes('--sandbox');
  const logger = new Logger(sandbox ? 'Sandbox' : 'Start');
  const base = loadConfig();
  const root = findRepoRoot(__dirname);
  const varDir = path.join(root, 'var');
  const cleanups: Cleanup[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.log('stopping: API and worker, database, Temporal server, mail sink');
    // NOTE: some cleanups wait on native callbacks that hold no event-loop handle; without this
    // timer Node would exit half-way and leave the Temporal server child running.
    const keepAlive = setInterval(() => undefined, 1000);
    for (const [index, cleanup] of [...cleanups.entries()].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn(`cleanup step ${index} did not finish within ${CLEANUP_TIMEOUT_MS} ms; going on`);
          resolve();
        }, CLEANUP_TIMEOUT_MS);
      });
      await Promise.race([Promise.resolve().then(cleanup), timeout]).catch((e: unknown) => logger.warn(`cleanup step ${index}: ${(e as Error).message}`));
      clearTimeout(timer);
    }
    clearInterval(keepAlive);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    let sandboxDir: string | null = null;
    if (sandbox) {
      fs.mkdirSync(path.join(varDir, 'sandbox'), { recursive: true });
      sandboxDir = fs.mkdtempSync(path.join(varDir, 'sandbox', 'run-'));
    }
    if (sandboxDir) {
      const dir = sandboxDir;
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    }

    // 1. Database
    const databaseUrl = await prepareDatabase(base, sandboxDir, varDir, cleanups, logger);
    await applyMigrations(databaseUrl);
    logger.log('migrations applied');

    // 2. Mail
    let smtpUrl = base.mail.smtpUrl;
    if (!smtpUrl) {
      const outboxDir = sandboxDir ? path.join(sandboxDir, 'outbox') : path.join(varDir, 'outbox');
      const sink = await startSmtpSink({ port: 0, outboxDir });
      cleanups.push(() => sink.close());
      smtpUrl = `smtp://127.0.0.1:${sink.port}`;
      logger.log(`mail: local SMTP sink ${smtpUrl}, messages written to ${outboxDir}`);
    } else {
      logger.log(`mail: SMTP ${smtpUrl}`);
    }

    // 3. Temporal
    let env: TestWorkflowEnvironment;
    let temporalUi: string | null = null;
    if (sandbox) {
      const testServer = await resolveTemporalTestServer();
      env = await TestWorkflowEnvironment.createTimeSkipping(
        testServer ? { server: { executable: { type: 'existing-path', path: testServer } } } : {},
      );
    } else {
      const cli = await resolveTemporalCli();
      fs.mkdirSync(varDir, { recursive: true });
      const port = base.dev.temporalDevPort;
      env = await TestWorkflowEnvironment.createLocal({
        server: {
          ...(cli ? { executable: { type: 'existing-path', path: cli } } : {}),
          ip: '127.0.0.1',
          port,
          ui: true,
          uiPort: port + 1000,
          dbFilename: path.join(varDir, 'temporal.sqlite'),
          namespace: base.temporal.namespace,
          searchAttributes: [...CONTRACT_SEARCH_ATTRIBUTES],
        },
      });
      temporalUi = `http://127.0.0.1:${port + 1000}`;
      // A dev database from an older version may lack newer attributes.
      const added = await ensureSearchAttributes(env.connection, base.temporal.namespace);
      if (added.length > 0) logger.log(`search attributes registered: ${added.join(', ')}`);
    }
    cleanups.push(() => env.teardown());

    // 4. Worker and API
    const config: AppConfig = { ...base, databaseUrl, mail: { ...base.mail, smtpUrl }, sandbox, temporal: { ...base.temporal, address: env.address } };
    const prisma = createPrismaClient(databaseUrl);
    cleanups.push(() => prisma.$disconnect());
    const platform = await startPlatform({
      config,
      prisma,
      client: env.client,
      nativeConnection: env.nativeConnection,
      sandbox: sandbox ? createTimeSkippingControl(env, prisma) : undefined,
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
  } catch (error) {
    logger.error((error as Error).stack ?? String(error));
    await stop(1);
  }
}

async function prepareDatabase(config: AppConfig, sandboxDir: string | null, varDir: string, cleanups: Cleanup[], logger: Logger): Promise<string> {
  if (config.databaseUrl && !sandboxDir) {
    logger.log('database: DATABASE_URL');
    return config.databaseUrl;
  }
  if (config.databaseUrl && sandboxDir) {
    // Sandbox on an external server: a fresh database, dropped on exit.
    const name = `vw_sandbox_${randomBytes(4).toString('hex')}`;
    await adminQuery(config.databaseUrl, `CREATE DATABASE ${name}`);
    cleanups.push(() => adminQuery(config.databaseUrl as string, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = new URL(config.databaseUrl);
    url.pathname = `/${name}`;
    logger.log(`database: fresh sandbox database ${name}`);
    return url.toString();
  }
  const dataDir = sandboxDir ? path.join(sandboxDir, 'pglite') : path.join(varDir, 'pglite');
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // One PGlite backend; pglite-socket multiplexes up to 10 client connections onto it.
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 10 });
  await server.start();
  cleanups.push(async () => {
    await server.stop();
    await db.close();
  });
  const conn = server.getServerConn();
  logger.log(`database: embedded PGlite in ${dataDir} on ${conn}`);
  return `postgresql://postgres:postgres@${conn}/postgres?sslmode=disable`;
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
