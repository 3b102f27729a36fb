/**
 * What the benchmarks share: arguments, the set-up (a fresh database on the local PostgreSQL or an
 * embedded one, the SMTP sink, the Temporal test server or dev server, the platform's
 * configuration), HTTP calls to the API, the sandbox clock, polling, cleanup and the table every
 * bench prints (metric, figure, baseline, ratio).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client as TemporalClient } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { loadConfig } from '../src/config/config';
import type { AppConfig } from '../src/config/config';
import type { SandboxControl } from '../src/app/clock';
import { createPrismaClient } from '../src/database/prisma-client';
import type { PrismaClient } from '../src/database/prisma-client';
import { startSmtpSink } from '../src/mail/smtp-sink';
import { startPlatform } from '../src/platform/platform';
import type { RunningPlatform } from '../src/platform/platform';
import { connectTimeSkippingClock, type TimeSkippingClock } from '../src/sandbox/time-skipping-clock';
import { createTimeSkippingControl } from '../src/sandbox/time-skipping-control';
import { ensureSearchAttributes } from '../src/temporal/search-attribute-registration';
import { CONTRACT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { applyMigrations, findRepoRoot } from '../scripts/migrate';
import { resolveTemporalCli, resolveTemporalTestServer } from '../scripts/temporal-binaries';
import { apiClient } from '../test/helpers/platform';
import { log } from './report';

export const OPERATOR_TOKEN = 'bench-operator-token-0123456789';
const DEFAULT_PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

// A bench tool, like scripts/: its own knobs (BENCH_PG_ADMIN_URL, TEST_PG_ADMIN_URL) and the two
// sizing keys it hands to loadConfig.
// eslint-disable-next-line no-restricted-properties
export const environment: NodeJS.ProcessEnv = process.env;

const POLL_MS = 100;
/** Real time a bench waits for one phase before it gives up. */
const PHASE_TIMEOUT_MS = 60 * 60_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- Concurrency and polling ------------------------------------------------------------------

export async function pool<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index] as T, index);
      }
    }),
  );
}

/** `task(0)` … `task(n − 1)` with at most `limit` running at a time. */
export function times(n: number, limit: number, task: (i: number) => Promise<unknown>): Promise<void> {
  return pool(
    Array.from({ length: n }, (_, i) => i),
    limit,
    task,
  );
}

export async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  log(`${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = PHASE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

// --- HTTP -------------------------------------------------------------------------------------

export interface ApiResponse {
  status: number;
  body: any;
}

/** Short API calls: fetch (keep-alive), as the operator unless `token` names another bearer. */
export async function api(baseUrl: string, method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}, token = OPERATOR_TOKEN): Promise<ApiResponse> {
  const { status, body: answer } = await apiClient(baseUrl)(method, pathname, { token, body, headers });
  return { status, body: answer };
}

export function expectStatus(res: ApiResponse, what: string, status = 200): ApiResponse {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** An operator-created business customer; `country` AT gets a Vienna address. */
export async function createCustomer(baseUrl: string, name: string, email: string, country: 'DE' | 'AT' = 'DE'): Promise<string> {
  const address = country === 'AT' ? { line1: 'Stephansplatz 1', postalCode: '1010', city: 'Wien', country } : { line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country };
  const res = await api(baseUrl, 'POST', '/v1/customers', { type: 'business', name, email, address });
  return expectStatus(res, 'create customer', 201).body.id as string;
}

/** A customer token (POST /v1/customers/{id}/tokens as the operator). */
export async function customerToken(baseUrl: string, customerId: string): Promise<string> {
  return expectStatus(await api(baseUrl, 'POST', `/v1/customers/${customerId}/tokens`), 'create token', 201).body.token as string;
}

/**
 * POST /v1/contracts; a 503 CONTRACT_PENDING (the workflow's first activity waited longer than
 * the API) or 409 is retried with the same Idempotency-Key, as the API asks. Returns the
 * contract and how many retries it took.
 */
export async function createContract(baseUrl: string, body: Record<string, unknown>, idempotencyKey: string, token = OPERATOR_TOKEN): Promise<{ contract: any; retries: number }> {
  const headers = { 'idempotency-key': idempotencyKey };
  let created = await api(baseUrl, 'POST', '/v1/contracts', body, headers, token);
  let retries = 0;
  for (; (created.status === 503 || created.status === 409) && retries < 20; retries++) {
    await sleep(500);
    created = await api(baseUrl, 'POST', '/v1/contracts', body, headers, token);
  }
  return { contract: expectStatus(created, 'create contract', 201).body, retries };
}

/** The clock advance can take minutes: node:http, its own connection, no client timeout (fetch gives up after 300 s). */
export function advance(baseUrl: string, body: { to: string } | { by: string }): Promise<ApiResponse> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL('/v1/sandbox/clock/advance', baseUrl),
      { method: 'POST', agent: false, headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json', 'content-length': payload.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: response.statusCode ?? 0, body: json });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Advances by PT0S until the sandbox reports every workflow settled (its settle gives up after 60 s). */
export async function settle(baseUrl: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await advance(baseUrl, { by: 'PT0S' });
    if (res.status === 200) return;
    if (attempt >= 10) throw new Error(`the sandbox did not settle: ${res.status} ${JSON.stringify(res.body)}`);
    log(`settle: ${res.status} ${String(res.body?.detail ?? res.body?.title ?? '')} — again`);
  }
}

/** Moves the sandbox clock to `to` and settles until it answers 200. */
export async function advanceTo(baseUrl: string, to: string): Promise<void> {
  const res = await advance(baseUrl, { to });
  if (res.status !== 200) {
    log(`advance to ${to}: ${res.status} ${String(res.body?.detail ?? '').slice(0, 200)} — settling`);
    await settle(baseUrl);
  }
}

// --- Processes --------------------------------------------------------------------------------

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in seconds, or null when it is not readable (gone, another container). */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Children of this process whose command name contains `name` (the Temporal servers). */
export function childPids(name: string): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && comm.includes(name)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Resident set size of a process in bytes (VmRSS), or null when it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

// --- Set-up -----------------------------------------------------------------------------------

type Cleanup = { label: string; run: () => Promise<void> | void };

async function pgAnswers(url: string): Promise<boolean> {
  const client = new PgClient({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  const answered = await client.connect().then(() => client.query('SELECT 1')).then(
    () => true,
    () => false,
  );
  await client.end().catch(() => undefined);
  return answered;
}

/** One statement on the admin database (CREATE / DROP DATABASE). */
async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new PgClient({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end().catch(() => undefined));
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The SDK gives a spawned server 5 s to open its port, which a busy machine can exceed. */
async function retryServerStart(start: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3 || !/did not start within/i.test((error as Error).message)) throw error;
      log(`the Temporal server did not start in time (attempt ${attempt} of 3); again`);
    }
  }
}

export interface BenchDatabase {
  /** The bench's own database. */
  url: string;
  name: string;
  /** Where it runs (password masked). */
  label: string;
}

/** One bench process: its id, work directory, set-up steps and their cleanup (last first). */
export class Bench {
  readonly id = randomBytes(4).toString('hex');
  readonly root = findRepoRoot(__dirname);
  readonly workDir: string;
  readonly loadAtStart = os.loadavg();
  private readonly cleanups: Cleanup[] = [];
  private cleaning: Promise<void> | null = null;

  constructor(readonly name: string) {
    this.workDir = path.join(this.root, 'var', 'bench', `${name}-${this.id}`);
  }

  defer(label: string, run: () => Promise<void> | void): void {
    this.cleanups.push({ label, run });
  }

  cleanUp(): Promise<void> {
    return (this.cleaning ??= (async () => {
      const keepAlive = setInterval(() => undefined, 1000);
      // A step that gives up (a server gone, a connection closed under a retry) must not end the
      // process before the database is dropped and the servers are stopped.
      process.on('uncaughtException', (error) => log(`during cleanup: ${error.message}`));
      process.on('unhandledRejection', (error) => log(`during cleanup: ${(error as Error)?.message ?? String(error)}`));
      while (this.cleanups.length > 0) {
        const step = this.cleanups.pop() as Cleanup;
        try {
          await Promise.race([Promise.resolve().then(step.run), sleep(20_000).then(() => log(`cleanup: ${step.label} did not finish in 20 s; going on`))]);
        } catch (error) {
          log(`cleanup: ${step.label}: ${(error as Error).message}`);
        }
      }
      clearInterval(keepAlive);
    })());
  }

  /** Runs `main` with the work directory made, cleans up at the end or on SIGINT/SIGTERM, and exits. */
  static run(name: string, main: (bench: Bench) => Promise<void>): void {
    const bench = new Bench(name);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log(`${signal}: cleaning up`);
        void bench.cleanUp().then(() => process.exit(130));
      });
    }
    const body = async () => {
      try {
        fs.mkdirSync(bench.workDir, { recursive: true });
        fs.chmodSync(bench.workDir, 0o755); // an embedded PostgreSQL started as root runs as `postgres`
        bench.defer('work directory', () => fs.rmSync(bench.workDir, { recursive: true, force: true }));
        await main(bench);
      } finally {
        await bench.cleanUp();
      }
    };
    body().then(
      () => process.exit(process.exitCode ?? 0),
      (error: unknown) => {
        console.error((error as Error).stack ?? error);
        process.exit(1);
      },
    );
  }

  /**
   * A fresh database with the migrations applied, on the server at BENCH_PG_ADMIN_URL /
   * TEST_PG_ADMIN_URL / the local default, or on an embedded PostgreSQL when nothing answers there.
   */
  async database(): Promise<BenchDatabase> {
    let adminUrl = environment.BENCH_PG_ADMIN_URL || environment.TEST_PG_ADMIN_URL || DEFAULT_PG_ADMIN_URL;
    let label = adminUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    if (!(await pgAnswers(adminUrl))) {
      if (environment.BENCH_PG_ADMIN_URL || environment.TEST_PG_ADMIN_URL) throw new Error(`PostgreSQL does not answer at ${label}`);
      const server = await timed('embedded PostgreSQL started', () =>
        startEmbeddedPostgres({ dataDir: path.join(this.workDir, 'postgres'), durable: false, maxConnections: 200, log }),
      );
      this.defer('embedded PostgreSQL', () => server.stop());
      adminUrl = server.url;
      label = `embedded PostgreSQL 17 on 127.0.0.1:${server.port} (nothing answered at ${DEFAULT_PG_ADMIN_URL})`;
    }
    const name = `vw_bench_${this.id}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    this.defer('database', () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = withDatabase(adminUrl, name);
    await timed('migrations applied', () => applyMigrations(url));
    return { url, name, label };
  }

  /** The in-process SMTP sink; `received()` counts the messages it took. */
  async smtpSink(): Promise<{ url: string; received: () => number }> {
    let received = 0;
    const sink = await startSmtpSink({ port: 0, outboxDir: path.join(this.workDir, 'outbox'), onMessage: () => void received++ });
    this.defer('SMTP sink', () => sink.close());
    return { url: `smtp://127.0.0.1:${sink.port}`, received: () => received };
  }

  /** The time-skipping test server (sandbox mode). */
  timeSkippingServer(): Promise<TestWorkflowEnvironment> {
    return timed('Temporal time-skipping test server started', async () => {
      const executable = await resolveTemporalTestServer({ log });
      const env = await retryServerStart(() =>
        TestWorkflowEnvironment.createTimeSkipping(executable ? { server: { executable: { type: 'existing-path', path: executable } } } : {}),
      );
      this.defer('Temporal test server', () => env.teardown());
      return env;
    });
  }

  /** `temporal server start-dev` (in memory) with the contract search attributes, as `npm start` runs it. */
  devServer(): Promise<TestWorkflowEnvironment> {
    return timed('Temporal dev server started', async () => {
      const cli = await resolveTemporalCli({ log });
      const env = await retryServerStart(() =>
        TestWorkflowEnvironment.createLocal({
          server: {
            ...(cli ? { executable: { type: 'existing-path', path: cli } } : {}),
            ip: '127.0.0.1',
            ui: false,
            namespace: 'default',
            searchAttributes: [...CONTRACT_SEARCH_ATTRIBUTES],
          },
        }),
      );
      this.defer('Temporal dev server', () => env.teardown());
      await ensureSearchAttributes(env.connection, 'default');
      return env;
    });
  }

  /** Bundles a workflow module once (the contract workflows: `workflows/index.ts`). */
  bundle(relativePath: string): Promise<{ code: string }> {
    return timed(`${relativePath} bundled`, () => bundleWorkflowCode({ workflowsPath: path.join(this.root, relativePath), logger: new DefaultLogger('WARN') }));
  }

  /**
   * The platform's configuration keys, as loadConfig reads them in production: this bench's
   * database, SMTP sink, Temporal server and task queue; drop folders in the work directory; rate
   * limits off (the benches send more than a client may); `extra` keys on top.
   * WORKER_MAX_CONCURRENT_ACTIVITIES and DATABASE_POOL_SIZE come from the environment when set.
   */
  configEnv(options: { databaseUrl: string; smtpUrl: string; temporalAddress: string; extra?: Record<string, string> }): Record<string, string> {
    const fromEnv = (key: string) => (environment[key] ? { [key]: environment[key] } : {});
    return {
      OPERATOR_TOKEN,
      PORT: '0',
      DATABASE_URL: options.databaseUrl,
      SMTP_URL: options.smtpUrl,
      MAIL_FROM: 'Vertragswerk Bench <billing@bench.example>',
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: `contracts-bench-${this.id}`,
      PRINT_PARTNER_DROP_DIR: path.join(this.workDir, 'print-partner'),
      PSP_LOCAL_DATA_DIR: path.join(this.workDir, 'psp'),
      COLLECTION_AGENCY_DROP_DIR: path.join(this.workDir, 'collection-agency'),
      CREDIT_BUREAU_DROP_DIR: path.join(this.workDir, 'credit-bureau'),
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      ...fromEnv('WORKER_MAX_CONCURRENT_ACTIVITIES'),
      ...fromEnv('DATABASE_POOL_SIZE'),
      ...options.extra,
    };
  }

  /**
   * A fresh database, the SMTP sink, a Temporal server (the time-skipping test server in sandbox
   * mode, else the dev server) and the workflow bundles side by side; then the platform (API and
   * contract worker unless `extra.APP_ROLE` says otherwise), as `npm start` / `npm run
   * start:sandbox` run it, on this process's Temporal runtime (warnings only).
   */
  async platform(options: { sandbox: boolean; extra?: Record<string, string>; bundles?: readonly string[] }): Promise<BenchPlatform> {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
    const [database, sink, env, contractBundle, ...bundles] = await Promise.all([
      this.database(),
      this.smtpSink(),
      options.sandbox ? this.timeSkippingServer() : this.devServer(),
      this.bundle('workflows/index.ts'),
      ...(options.bundles ?? []).map((file) => this.bundle(file)),
    ]);
    const temporalPid = childPids('temporal')[0] ?? null;
    const configEnv = this.configEnv({
      databaseUrl: database.url,
      smtpUrl: sink.url,
      temporalAddress: env.address,
      extra: { ...(options.sandbox ? { SANDBOX: 'true' } : {}), ...options.extra },
    });
    const config = loadConfig(configEnv);
    const prisma = createPrismaClient(database.url, { maxConnections: config.sizing.databasePoolSize });
    this.defer('Prisma', () => prisma.$disconnect());
    let sandbox: SandboxControl | undefined;
    let clock: Awaited<ReturnType<typeof connectTimeSkippingClock>> | null = null;
    if (options.sandbox) {
      // Its own connection without keepalive pings: advances here take minutes (time-skipping-clock.ts).
      clock = await connectTimeSkippingClock(env.address);
      const connection = clock;
      this.defer('clock connection', () => connection.close());
      sandbox = createTimeSkippingControl(clock.clock, prisma, env.client);
    }
    const platform = await timed(`platform started (${config.role === 'all' ? 'API + contract worker' : config.role})`, () =>
      startPlatform({ config, prisma, client: env.client, nativeConnection: env.nativeConnection, sandbox, workflowBundle: contractBundle, logger: false }),
    );
    this.defer('platform', () => platform.stop());
    // A plain client: the test environment's own client unlocks time skipping while it waits for
    // a result, which would fire every timer (the contracts' too) at once.
    const client = new TemporalClient({ connection: env.connection, namespace: config.temporal.namespace });
    return { url: platform.url as string, env, client, config, configEnv, prisma, database, sink, platform, bundles, clock, temporalPid };
  }

  /** A worker of `bundle` on a task queue of its own, in this process, on the platform's connection and activity slots. */
  async baselineWorker(p: BenchPlatform, bundle: { code: string }, activities: object): Promise<{ taskQueue: string; worker: Worker }> {
    const taskQueue = `baseline-bench-${this.id}`;
    const worker = await Worker.create({
      connection: p.env.nativeConnection,
      namespace: p.config.temporal.namespace,
      taskQueue,
      activities,
      maxConcurrentActivityTaskExecutions: p.config.sizing.maxConcurrentActivities,
      workflowBundle: bundle,
    });
    const running = worker.run();
    this.defer('baseline worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    });
    return { taskQueue, worker };
  }
}

/** What Bench.platform started. */
export interface BenchPlatform {
  /** The API's base URL. */
  url: string;
  env: TestWorkflowEnvironment;
  /** A plain client on the server (no time-skipping unlock while waiting for results). */
  client: TemporalClient;
  config: AppConfig;
  /** The keys the configuration was loaded from (a worker in another process loads the same). */
  configEnv: Record<string, string>;
  prisma: PrismaClient;
  database: BenchDatabase;
  sink: { url: string; received: () => number };
  platform: RunningPlatform;
  /** The extra bundles, in the order asked for. */
  bundles: { code: string }[];
  /** The sandbox clock's connection (sandbox mode only). */
  clock: { clock: TimeSkippingClock; close: () => Promise<void> } | null;
  /** The Temporal server's process id, when it is a child of this process. */
  temporalPid: number | null;
}


