/**
 * The invoice run at scale, next to a baseline measured in the same run on the same server:
 * N contracts (plus, 3 seats, created on 15.01.2027 through the REST API) are billed on
 * 01.02.2027 in sandbox mode with BILLING_SPREAD_MINUTES=0, so every run falls on one instant
 * (00:00 Berlin). The clock is advanced with POST /v1/sandbox/clock/advance to 04:00 Berlin and
 * the bench times how long it takes until all N February invoices exist with both documents
 * (PDF/A-3 with Factur-X, XRechnung) and their mail sent.
 *
 * The baseline: N trivial workflows (bench/baseline.workflow.ts: one timer for one instant, one
 * no-op activity) on a second worker in the same process, with the same worker settings, on
 * its own task queue, skipped the same way (to 20.01.2027 00:00 Berlin, advance to 04:00); timed
 * until all N completed. The ratio (invoice run time ÷ baseline time) says what an invoice
 * costs on top of "a timer fires and an activity runs", independent of the machine's speed.
 *
 *   npm run bench                       (N = 1000)
 *   npm run bench -- --contracts 300
 *   npm run bench -- --contracts 300 --concurrency 20   (API clients creating the contracts)
 *
 * Everything is set up like test/helpers/platform.ts startTestPlatform('sandbox') and thrown
 * away at the end: a fresh database (migrations applied with `prisma migrate deploy`) on the
 * server at BENCH_PG_ADMIN_URL / TEST_PG_ADMIN_URL / postgresql://postgres@127.0.0.1:5432/postgres,
 * or on an embedded PostgreSQL when nothing answers there; the SMTP sink; the time-skipping
 * test server; the platform (API + worker). WORKER_MAX_CONCURRENT_ACTIVITIES and
 * DATABASE_POOL_SIZE are taken from the environment when set (config defaults otherwise).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { loadConfig } from '../src/config/config';
import type { AppConfig } from '../src/config/config';
import { createPrismaClient } from '../src/database/prisma-client';
import { startSmtpSink } from '../src/mail/smtp-sink';
import { startPlatform } from '../src/platform/platform';
import { createTimeSkippingControl } from '../src/sandbox/time-skipping-control';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { applyMigrations, findRepoRoot } from '../scripts/migrate';
import { resolveTemporalTestServer } from '../scripts/temporal-binaries';
import type { BaselineActivities, baselineWorkflow } from './baseline.workflow';

const OPERATOR_TOKEN = 'bench-operator-token-0123456789';
const DEFAULT_PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** 15.01.2027 10:00 Berlin: the contracts start (and get their start-day invoice). */
const START_AT = '2027-01-15T09:00:00Z';
const START_DAY = '2027-01-15';
/** Baseline: every timer fires at 20.01.2027 00:00 Berlin; the clock is advanced to 04:00. */
const BASELINE_FIRE_AT = '2027-01-19T23:00:00Z';
const BASELINE_ADVANCE_TO = '2027-01-20T03:00:00Z';
/** The invoice run: 01.02.2027 00:00 Berlin (spread 0); the clock is advanced to 04:00. */
const RUN_DAY = '2027-02-01';
const RUN_ADVANCE_TO = '2027-02-01T03:00:00Z';

// A bench tool, like scripts/: its own knobs (BENCH_PG_ADMIN_URL, TEST_PG_ADMIN_URL) and the two
// sizing keys it hands to loadConfig.
// eslint-disable-next-line no-restricted-properties
const environment: NodeJS.ProcessEnv = process.env;

const POLL_MS = 100;
/** How long the bench waits for the advance to answer once every invoice is done (its settle gives up after 60 s). */
const ADVANCE_ANSWER_WAIT_MS = 120_000;
/** Real time the bench waits for one phase before it gives up. */
const PHASE_TIMEOUT_MS = 60 * 60_000;

type Cleanup = { label: string; run: () => Promise<void> | void };

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function usage(): never {
  console.error('Usage: npm run bench -- [--contracts N (default 1000)] [--concurrency C (API clients creating contracts, default 20)]');
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { contracts: number; concurrency: number } {
  const options = { contracts: 1000, concurrency: 20 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split('=', 2) as [string, string | undefined];
    if (flag === '--help' || flag === '-h') usage();
    if (flag !== '--contracts' && flag !== '--concurrency') {
      console.error(`Unknown argument ${argv[i]}`);
      usage();
    }
    const value = Number(inline ?? argv[++i]);
    if (!Number.isInteger(value) || value < 1) {
      console.error(`${flag} needs a positive integer`);
      usage();
    }
    if (flag === '--contracts') options.contracts = value;
    else options.concurrency = value;
  }
  return options;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pool<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<unknown>): Promise<void> {
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

// --- HTTP -------------------------------------------------------------------------------------

interface ApiResponse {
  status: number;
  body: any;
}

/** Short API calls: fetch (keep-alive). */
async function api(baseUrl: string, method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const response = await fetch(`${baseUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

/** The clock advance can take minutes: node:http, its own connection, no client timeout (fetch gives up after 300 s). */
function advance(baseUrl: string, body: { to: string } | { by: string }): Promise<ApiResponse> {
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
async function settle(baseUrl: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await advance(baseUrl, { by: 'PT0S' });
    if (res.status === 200) return;
    if (attempt >= 10) throw new Error(`the sandbox did not settle: ${res.status} ${JSON.stringify(res.body)}`);
    log(`settle: ${res.status} ${String(res.body?.detail ?? res.body?.title ?? '')} — again`);
  }
}

// --- CPU accounting ---------------------------------------------------------------------------

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in seconds, or null when it is not readable (gone, another container). */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Children of this process whose command name contains `name` (the Temporal test server). */
function childPids(name: string): number[] {
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

interface CpuReport {
  wallSeconds: number;
  /** This process: API, worker (activities, workflow thread, Temporal core), polling. */
  benchCpuSeconds: number;
  /** Share of the wall time the main thread's event loop was busy (API + activities + Prisma). */
  eventLoopUtilization: number;
  temporalServerCpuSeconds: number | null;
  postgresCpuSeconds: number | null;
}

/** Samples CPU time of this process, the test server and the PostgreSQL backends of the bench database. */
class CpuSampler {
  private readonly startedAt = performance.now();
  private readonly cpu = process.cpuUsage();
  private readonly elu = performance.eventLoopUtilization();
  private readonly temporalStart: number | null;
  private readonly backends = new Map<number, { first: number; last: number }>();
  private timer: NodeJS.Timeout | null = null;
  private postgresReadable = true;

  constructor(
    private readonly monitor: PgClient,
    private readonly database: string,
    private readonly temporalPid: number | null,
  ) {
    this.temporalStart = temporalPid === null ? null : processCpuSeconds(temporalPid);
  }

  async start(): Promise<this> {
    await this.sample(true);
    this.timer = setInterval(() => void this.sample(false).catch(() => undefined), 1000);
    return this;
  }

  private async sample(initial: boolean): Promise<void> {
    if (!this.postgresReadable) return;
    const { rows } = await this.monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [this.database]);
    let readable = rows.length === 0;
    for (const { pid } of rows) {
      const seconds = processCpuSeconds(pid);
      if (seconds === null) continue;
      readable = true;
      const known = this.backends.get(pid);
      // A backend first seen after the start did all its work inside the window.
      if (known) known.last = seconds;
      else this.backends.set(pid, { first: initial ? seconds : 0, last: seconds });
    }
    if (!readable) this.postgresReadable = false;
  }

  async stop(): Promise<CpuReport> {
    if (this.timer) clearInterval(this.timer);
    await this.sample(false).catch(() => undefined);
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const cpu = process.cpuUsage(this.cpu);
    const temporalEnd = this.temporalPid === null ? null : processCpuSeconds(this.temporalPid);
    let postgres = 0;
    for (const { first, last } of this.backends.values()) postgres += last - first;
    return {
      wallSeconds,
      benchCpuSeconds: (cpu.user + cpu.system) / 1e6,
      eventLoopUtilization: performance.eventLoopUtilization(this.elu).utilization,
      temporalServerCpuSeconds: this.temporalStart !== null && temporalEnd !== null ? temporalEnd - this.temporalStart : null,
      // No backend at all (the pool closed its idle connections): nothing ran there.
      postgresCpuSeconds: this.postgresReadable ? postgres : null,
    };
  }
}

// --- Milestones -------------------------------------------------------------------------------

/** When counters first reached 1, 10 %, 50 %, 90 % and 100 % of their target (ms after t0). */
class Milestones {
  private readonly reached = new Map<string, number>();
  constructor(
    private readonly t0: number,
    private readonly target: number,
  ) {}

  observe(name: string, count: number, at = performance.now()): void {
    const marks: [string, number][] = [
      ['first', 1],
      ['10%', Math.ceil(this.target * 0.1)],
      ['50%', Math.ceil(this.target * 0.5)],
      ['90%', Math.ceil(this.target * 0.9)],
      ['all', this.target],
    ];
    for (const [mark, threshold] of marks) {
      const key = `${name}:${mark}`;
      if (count >= threshold && !this.reached.has(key)) this.reached.set(key, at - this.t0);
    }
  }

  mark(name: string, at = performance.now()): void {
    if (!this.reached.has(name)) this.reached.set(name, at - this.t0);
  }

  has(name: string): boolean {
    return this.reached.has(name);
  }

  /** Seconds after t0. */
  get(name: string): number {
    const ms = this.reached.get(name);
    if (ms === undefined) throw new Error(`milestone ${name} not reached`);
    return ms / 1000;
  }

  /** Items per second between the 10 % and the 90 % mark (the steady part of the run). */
  steadyRate(name: string): number {
    const span = this.get(`${name}:90%`) - this.get(`${name}:10%`);
    const items = Math.ceil(this.target * 0.9) - Math.ceil(this.target * 0.1);
    return span > 0 ? items / span : Number.POSITIVE_INFINITY;
  }
}

// --- Setup ------------------------------------------------------------------------------------

async function pgAnswers(url: string): Promise<boolean> {
  const client = new PgClient({ connectionString: url, connectionTimeoutMillis: 3_000 });
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

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new PgClient({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The SDK gives a spawned server 5 s to open its port, which a busy machine can exceed. */
async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const executable = await resolveTemporalTestServer({ log });
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping(executable ? { server: { executable: { type: 'existing-path', path: executable } } } : {});
    } catch (error) {
      if (attempt >= 3 || !/did not start within/i.test((error as Error).message)) throw error;
      log(`the Temporal test server did not start in time (attempt ${attempt} of 3); again`);
    }
  }
}

/**
 * The sandbox clock's own connection to the test server: no keepalive pings and no retries.
 * The environment's default connection pings every 30 s; the test server (grpc-java) allows one
 * ping per 5 minutes and closes the connection ("too_many_pings") on the third, so an advance
 * whose work takes longer than about 90 s loses its `unlockTimeSkippingWithSleep` call, which the
 * retry interceptor then sends again with the full duration: the clock never arrives, and the
 * advance never answers (seen with 1,000 contracts). Only `sleep` and `currentTimeMs` of the
 * environment are used by createTimeSkippingControl.
 */
async function clockOf(env: TestWorkflowEnvironment): Promise<{ env: TestWorkflowEnvironment; close: () => Promise<void> }> {
  const connection = await Connection.connect({
    address: env.address,
    channelArgs: { 'grpc.keepalive_time_ms': -1, 'grpc.keepalive_permit_without_calls': 0 },
    interceptors: [],
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  } as Parameters<typeof Connection.connect>[0]);
  const testService = connection.testService;
  if (!testService) throw new Error('no test service on the clock connection');
  const clock = {
    async sleep(ms: number) {
      await testService.unlockTimeSkippingWithSleep({ duration: msToTs(ms) });
    },
    async currentTimeMs() {
      return tsToMs((await testService.getCurrentTime({})).time);
    },
  };
  return { env: clock as unknown as TestWorkflowEnvironment, close: () => connection.close() };
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  log(`${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = PHASE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

// --- The bench --------------------------------------------------------------------------------

interface InvoiceCounts {
  invoices: number;
  documents: number;
  mails: number;
}

async function countInvoices(monitor: PgClient, issuedOn: string): Promise<InvoiceCounts> {
  const { rows } = await monitor.query<{ invoices: string; documents: string; mails: string }>(
    `SELECT (SELECT count(*) FROM invoices WHERE issued_on = $1) AS invoices,
            (SELECT count(*) FROM invoice_documents d JOIN invoices i ON i.id = d.invoice_id WHERE i.issued_on = $1) AS documents,
            (SELECT count(*) FROM communications c JOIN invoices i ON i.id = c.invoice_id WHERE i.issued_on = $1 AND c.status = 'sent') AS mails`,
    [issuedOn],
  );
  const row = rows[0] as { invoices: string; documents: string; mails: string };
  return { invoices: Number(row.invoices), documents: Number(row.documents), mails: Number(row.mails) };
}

async function main(): Promise<void> {
  const { contracts: n, concurrency } = parseArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const root = findRepoRoot(__dirname);
  const id = randomBytes(4).toString('hex');
  const workDir = path.join(root, 'var', 'bench', `invoice-run-${id}`);
  const cleanups: Cleanup[] = [];
  let cleaning: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      const keepAlive = setInterval(() => undefined, 1000);
      // A step that gives up (a server gone, a connection closed under a retry) must not end the
      // process before the database is dropped and the servers are stopped.
      process.on('uncaughtException', (error) => log(`during cleanup: ${error.message}`));
      process.on('unhandledRejection', (error) => log(`during cleanup: ${(error as Error)?.message ?? String(error)}`));
      while (cleanups.length > 0) {
        const step = cleanups.pop() as Cleanup;
        try {
          await Promise.race([Promise.resolve().then(step.run), sleep(20_000).then(() => log(`cleanup: ${step.label} did not finish in 20 s; going on`))]);
        } catch (error) {
          log(`cleanup: ${step.label}: ${(error as Error).message}`);
        }
      }
      clearInterval(keepAlive);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanUp().then(() => process.exit(130));
    });
  }

  const loadAverage = os.loadavg();
  try {
    fs.mkdirSync(workDir, { recursive: true });
    fs.chmodSync(workDir, 0o755); // an embedded PostgreSQL started as root runs as `postgres`
    cleanups.push({ label: 'work directory', run: () => fs.rmSync(workDir, { recursive: true, force: true }) });

    // 1. PostgreSQL: a fresh database with the migrations applied.
    let adminUrl = environment.BENCH_PG_ADMIN_URL || environment.TEST_PG_ADMIN_URL || DEFAULT_PG_ADMIN_URL;
    let postgresLabel = adminUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    if (!(await pgAnswers(adminUrl))) {
      if (environment.BENCH_PG_ADMIN_URL || environment.TEST_PG_ADMIN_URL) throw new Error(`PostgreSQL does not answer at ${postgresLabel}`);
      const server = await timed('embedded PostgreSQL started', () =>
        startEmbeddedPostgres({ dataDir: path.join(workDir, 'postgres'), durable: false, maxConnections: 200, log }),
      );
      cleanups.push({ label: 'embedded PostgreSQL', run: () => server.stop() });
      adminUrl = server.url;
      postgresLabel = `embedded PostgreSQL 17 on 127.0.0.1:${server.port} (nothing answered at ${DEFAULT_PG_ADMIN_URL})`;
    }
    const database = `vw_bench_${id}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${database}`);
    cleanups.push({ label: 'database', run: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) });
    const databaseUrl = withDatabase(adminUrl, database);

    // 2.-4. Migrations, Temporal test server and the two workflow bundles, side by side.
    let mailsReceived = 0;
    const sink = await startSmtpSink({ port: 0, outboxDir: path.join(workDir, 'outbox'), onMessage: () => void mailsReceived++ });
    cleanups.push({ label: 'SMTP sink', run: () => sink.close() });
    const [, env, contractBundle, baselineBundle] = await Promise.all([
      timed('migrations applied', () => applyMigrations(databaseUrl)),
      timed('Temporal time-skipping test server started', async () => {
        const started = await startTimeSkippingServer();
        cleanups.push({ label: 'Temporal test server', run: () => started.teardown() });
        return started;
      }),
      timed('contract workflows bundled', () => bundleWorkflowCode({ workflowsPath: path.join(root, 'workflows', 'index.ts'), logger: new DefaultLogger('WARN') })),
      timed('baseline workflow bundled', () => bundleWorkflowCode({ workflowsPath: path.join(root, 'bench', 'baseline.workflow.ts'), logger: new DefaultLogger('WARN') })),
    ]);
    const temporalPid = childPids('temporal')[0] ?? null;

    // 5. The platform in sandbox mode, as startTestPlatform('sandbox') starts it.
    const fromEnv = (key: string) => (environment[key] ? { [key]: environment[key] } : {});
    const base = loadConfig({
      OPERATOR_TOKEN,
      PORT: '0',
      SANDBOX: 'true',
      BILLING_SPREAD_MINUTES: '0',
      ...fromEnv('WORKER_MAX_CONCURRENT_ACTIVITIES'),
      ...fromEnv('DATABASE_POOL_SIZE'),
    });
    const config: AppConfig = {
      ...base,
      printPartner: { ...base.printPartner, local: { ...base.printPartner.local, dropDir: path.join(workDir, 'print-partner') } },
      databaseUrl,
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'Vertragswerk Bench <billing@bench.example>' },
      temporal: { address: env.address, namespace: 'default', taskQueue: `contracts-bench-${id}` },
    };
    const prisma = createPrismaClient(databaseUrl, { maxConnections: config.sizing.databasePoolSize });
    cleanups.push({ label: 'Prisma', run: () => prisma.$disconnect() });
    const clock = await clockOf(env);
    cleanups.push({ label: 'clock connection', run: () => clock.close() });
    const platform = await timed('platform started (API + contract worker)', () =>
      startPlatform({
        config,
        prisma,
        client: env.client,
        nativeConnection: env.nativeConnection,
        sandbox: createTimeSkippingControl(clock.env, prisma, env.client),
        workflowBundle: contractBundle,
        logger: false,
      }),
    );
    cleanups.push({ label: 'platform', run: () => platform.stop() });
    const url = platform.url as string;

    // The baseline worker: same process, same connection, same activity slots, its own task queue.
    const baselineQueue = `baseline-bench-${id}`;
    let noops = 0;
    let onNoop: (count: number, at: number) => void = () => undefined;
    const baselineActivities: BaselineActivities = {
      async baselineNoop() {
        noops++;
        onNoop(noops, performance.now());
      },
    };
    const baselineWorker = await Worker.create({
      connection: env.nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue: baselineQueue,
      activities: baselineActivities,
      maxConcurrentActivityTaskExecutions: config.sizing.maxConcurrentActivities,
      workflowBundle: baselineBundle,
    });
    const baselineRun = baselineWorker.run();
    cleanups.push({
      label: 'baseline worker',
      run: async () => {
        if (baselineWorker.getState() === 'RUNNING') baselineWorker.shutdown();
        await baselineRun.catch(() => undefined);
      },
    });

    // A plain client: the test environment's own client unlocks time skipping while it waits
    // for a result, which would fire every timer (the contracts' too) at once.
    const temporal = new TemporalClient({ connection: env.connection, namespace: config.temporal.namespace });
    const monitor = new PgClient({ connectionString: databaseUrl });
    await monitor.connect();
    cleanups.push({ label: 'monitor connection', run: () => monitor.end() });

    // 6. N customers and contracts on 15.01.2027, through the API; their start-day invoices.
    const expectOk = (res: ApiResponse, what: string, status = 200) => {
      if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
      return res;
    };
    expectOk(await advance(url, { to: START_AT }), 'advance to 15.01.');
    const createStarted = performance.now();
    let pendingRetries = 0;
    await pool(
      Array.from({ length: n }, (_, i) => i),
      concurrency,
      async (i) => {
        const customer = expectOk(
          await api(url, 'POST', '/v1/customers', {
            type: 'business',
            name: `Bench Praxis ${i + 1}`,
            email: `bench-${i + 1}@example.org`,
            address: { line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
          }),
          'create customer',
          201,
        );
        // While the start-day invoices of the contracts before it occupy the activity slots, a
        // contract's first activity can wait longer than the API waits for it (503
        // CONTRACT_PENDING): retried with the same Idempotency-Key, as the API asks.
        const key = { 'idempotency-key': `bench-${id}-contract-${i + 1}` };
        const body = { customerId: customer.body.id, plan: 'plus', seats: 3 };
        let created = await api(url, 'POST', '/v1/contracts', body, key);
        for (let attempt = 1; (created.status === 503 || created.status === 409) && attempt < 20; attempt++) {
          pendingRetries++;
          await sleep(500);
          created = await api(url, 'POST', '/v1/contracts', body, key);
        }
        expectOk(created, 'create contract', 201);
      },
    );
    const createSeconds = (performance.now() - createStarted) / 1000;
    log(`${n} customers and contracts created through the API in ${createSeconds.toFixed(1)} s (${concurrency} clients; ${pendingRetries} retries after 503 CONTRACT_PENDING / 409)`);
    await waitUntil('the start-day invoices', async () => {
      const counts = await countInvoices(monitor, START_DAY);
      return counts.invoices === n && counts.documents === 2 * n && counts.mails === n;
    });
    const startDaySeconds = (performance.now() - createStarted) / 1000;
    await settle(url);
    log(`start-day invoices issued, rendered and mailed ${startDaySeconds.toFixed(1)} s after the first contract was requested; settled`);

    // 7. Baseline: N workflows, each with a timer for 20.01. 00:00 Berlin and a no-op activity.
    const baselineIds = Array.from({ length: n }, (_, i) => `baseline-${id}-${i + 1}`);
    await pool(baselineIds, concurrency, (workflowId) =>
      temporal.workflow.start<typeof baselineWorkflow>('baselineWorkflow', { workflowId, taskQueue: baselineQueue, args: [{ fireAt: BASELINE_FIRE_AT }] }),
    );
    // Every workflow has run up to its timer before the clock moves.
    await pool(baselineIds, concurrency, async (workflowId) => {
      await waitUntil(`${workflowId} armed`, async () => (await temporal.workflow.getHandle(workflowId).query<boolean>('armed').catch(() => false)) === true, 60_000);
    });
    const communicationsBefore = await monitor.query<{ count: string }>('SELECT count(*) FROM communications');
    log(`baseline: ${n} workflows armed; skipping to 20.01.2027 04:00 Berlin`);

    const baselineCpu = await new CpuSampler(monitor, database, temporalPid).start();
    const baseline = new Milestones(performance.now(), n);
    onNoop = (count, at) => baseline.observe('activities', count, at);
    let completed = 0;
    // Result long-polls, at most 100 open at a time; all complete at about the same instant.
    const results = pool(baselineIds, 100, async (workflowId) => {
      await temporal.workflow.getHandle(workflowId).result();
      completed++;
      baseline.observe('completed', completed);
    });
    const baselineAdvance = advance(url, { to: BASELINE_ADVANCE_TO }).then((res) => {
      baseline.mark('advance returned');
      return res;
    });
    await results;
    const baselineCpuReport = await baselineCpu.stop();
    const baselineAdvanceResult = await baselineAdvance;
    if (baselineAdvanceResult.status !== 200) {
      log(`baseline advance answered ${baselineAdvanceResult.status}: ${JSON.stringify(baselineAdvanceResult.body)}`);
      await settle(url);
    }
    const communicationsAfter = await monitor.query<{ count: string }>('SELECT count(*) FROM communications');
    if (communicationsAfter.rows[0]?.count !== communicationsBefore.rows[0]?.count) {
      log('note: contract workflows sent mail during the baseline skip; the baseline is not isolated');
    }
    log(`baseline: ${n} workflows completed ${baseline.get('completed:all').toFixed(2)} s after the skip`);

    // 8. The invoice run: 01.02.2027 00:00 Berlin for every contract, advance to 04:00.
    const before = await countInvoices(monitor, RUN_DAY);
    if (before.invoices !== 0) throw new Error(`${before.invoices} invoices of ${RUN_DAY} exist before the skip`);
    const mailsBefore = mailsReceived;
    log(`invoice run: skipping to 01.02.2027 04:00 Berlin (${n} contracts due at 00:00)`);
    const runCpu = await new CpuSampler(monitor, database, temporalPid).start();
    const runStarted = performance.now();
    const run = new Milestones(runStarted, n);
    let runAdvance: ApiResponse | null = null;
    const runAdvancing = advance(url, { to: RUN_ADVANCE_TO }).then((res) => {
      run.mark('advance returned');
      runAdvance = res;
    });
    let lastProgress = performance.now();
    await waitUntil('the invoice run', async () => {
      const counts = await countInvoices(monitor, RUN_DAY);
      const at = performance.now();
      run.observe('invoices', counts.invoices, at);
      run.observe('documents', Math.floor(counts.documents / 2), at);
      run.observe('mails', counts.mails, at);
      run.observe('smtp', mailsReceived - mailsBefore, at);
      const done = counts.invoices >= n && counts.documents >= 2 * n && counts.mails >= n;
      if (done) run.mark('done', at);
      if (at - lastProgress > 10_000) {
        lastProgress = at;
        log(`  +${((at - runStarted) / 1000).toFixed(0)} s: ${counts.invoices} invoices, ${counts.documents} documents, ${counts.mails} mails sent`);
      }
      return done;
    });
    const runCpuReport = await runCpu.stop();
    await Promise.race([runAdvancing, sleep(ADVANCE_ANSWER_WAIT_MS)]);
    const advanceAnswer = runAdvance as ApiResponse | null;
    let advanceNote = '';
    if (!advanceAnswer) {
      const serverNow = new Date(await clock.env.currentTimeMs()).toISOString();
      advanceNote = `no answer ${ADVANCE_ANSWER_WAIT_MS / 1000} s after the last invoice (server clock ${serverNow})`;
      log(`invoice run: the advance did not answer; ${advanceNote}`);
    } else if (advanceAnswer.status !== 200) {
      log(`invoice run advance answered ${advanceAnswer.status}: ${String(advanceAnswer.body?.detail ?? JSON.stringify(advanceAnswer.body)).slice(0, 200)} — settling`);
      await settle(url);
      run.mark('settled');
    }

    // 9. Checks: every number once, no gap; one invoice per contract.
    const { rows: numbering } = await monitor.query<{ count: string; min: number; max: number; contracts: string }>(
      'SELECT count(*) AS count, min(sequence) AS min, max(sequence) AS max, count(DISTINCT contract_id) AS contracts FROM invoices WHERE year = 2027',
    );
    const numbers = numbering[0] as { count: string; min: number; max: number; contracts: string };
    const gapless = Number(numbers.count) === 2 * n && numbers.min === 1 && numbers.max === 2 * n && Number(numbers.contracts) === n;
    const { rows: febRows } = await monitor.query<{ gross: number; count: string }>('SELECT gross_cents AS gross, count(*) AS count FROM invoices WHERE issued_on = $1 GROUP BY gross_cents', [RUN_DAY]);

    // 10. The table.
    const s = (seconds: number) => `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
    const rate = (count: number, seconds: number, unit: string) => `${(count / seconds).toFixed(count / seconds < 100 ? 1 : 0)} ${unit}/s`;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
    const cores = os.cpus().length;
    const cpuCell = (seconds: number | null, wall: number) => (seconds === null ? 'n/a' : `${seconds.toFixed(1)} core-s (${((seconds / wall) * 100).toFixed(0)} %)`);
    const perItem = (seconds: number) => seconds / n;
    const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
    const runDone = run.get('done');
    const baselineDone = baseline.get('completed:all');
    const rows: string[][] = [
      ['skip → first invoice mailed / first workflow completed', s(run.get('mails:first')), s(baseline.get('completed:first')), ratio(run.get('mails:first'), baseline.get('completed:first'))],
      ['skip → all invoices issued (rows) / all no-op activities ran', s(run.get('invoices:all')), s(baseline.get('activities:all')), ratio(run.get('invoices:all'), baseline.get('activities:all'))],
      ['skip → all documents stored (PDF/A-3 + XRechnung)', s(run.get('documents:all')), '', ''],
      ['skip → all N done: mailed (invoice run time) / completed (baseline time)', s(runDone), s(baselineDone), ratio(runDone, baselineDone)],
      ['throughput (N ÷ the time above)', rate(n, runDone, 'invoices'), rate(n, baselineDone, 'workflows'), ''],
      ['steady rate, 10 % → 90 % (mailed / completed)', `${run.steadyRate('mails').toFixed(1)} invoices/s`, `${baseline.steadyRate('completed').toFixed(0)} workflows/s`, ''],
      advanceNote
        ? ['skip → advance answered (sandbox settled)', advanceNote, s(baseline.get('advance returned')), '']
        : [
            'skip → advance answered (sandbox settled)',
            run.has('settled') ? `${s(run.get('settled'))} (first answer ${advanceAnswer?.status} after ${s(run.get('advance returned'))})` : s(run.get('advance returned')),
            s(baseline.get('advance returned')),
            ratio(run.has('settled') ? run.get('settled') : run.get('advance returned'), baseline.get('advance returned')),
          ],
      ['CPU of the bench process (API, both workers, Temporal core)', cpuCell(runCpuReport.benchCpuSeconds, runCpuReport.wallSeconds), cpuCell(baselineCpuReport.benchCpuSeconds, baselineCpuReport.wallSeconds), ''],
      ['  main thread event loop busy', `${(runCpuReport.eventLoopUtilization * 100).toFixed(0)} %`, `${(baselineCpuReport.eventLoopUtilization * 100).toFixed(0)} %`, ''],
      ['  main thread busy per invoice / per workflow', ms(perItem(runCpuReport.eventLoopUtilization * runCpuReport.wallSeconds)), ms(perItem(baselineCpuReport.eventLoopUtilization * baselineCpuReport.wallSeconds)), ''],
      ['  bench process CPU per invoice / per workflow', ms(perItem(runCpuReport.benchCpuSeconds)), ms(perItem(baselineCpuReport.benchCpuSeconds)), ''],
      ['CPU of the Temporal test server', cpuCell(runCpuReport.temporalServerCpuSeconds, runCpuReport.wallSeconds), cpuCell(baselineCpuReport.temporalServerCpuSeconds, baselineCpuReport.wallSeconds), ''],
      ['CPU of the PostgreSQL backends of the bench database', cpuCell(runCpuReport.postgresCpuSeconds, runCpuReport.wallSeconds), cpuCell(baselineCpuReport.postgresCpuSeconds, baselineCpuReport.wallSeconds), ''],
    ];
    const header = ['metric', 'invoice run', 'baseline', 'ratio'];
    const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => (row[column] ?? '').length)));
    const format = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
    const cpuModel = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
    const lines = [
      '',
      `Invoice run: ${n} contracts (plus, 3 seats) billed on ${RUN_DAY} 00:00 Berlin in sandbox mode (BILLING_SPREAD_MINUTES=0), clock advanced to 04:00.`,
      `Baseline: ${n} workflows (one timer for one instant + one no-op activity), second worker in the same process, same settings, own task queue.`,
      `Machine: nproc ${cores}, ${cpuModel}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}; load average (1/5/15 min) at start ${loadAverage.map((l) => l.toFixed(2)).join(' ')}, at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      `Worker: ${config.sizing.maxConcurrentActivities} activity slots per worker, database pool ${config.sizing.databasePoolSize}; PostgreSQL: ${postgresLabel}; Temporal: time-skipping test server`,
      '',
      format(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.map(format),
      '',
      `Set-up: ${n} customers + contracts through the API in ${s(createSeconds)} (${rate(n, createSeconds, 'contracts')}, ${concurrency} clients, ${pendingRetries} retries after 503 CONTRACT_PENDING); start-day invoices all mailed after ${s(startDaySeconds)}.`,
      `Checks: ${numbers.count} invoices in 2027, numbers ${numbers.min}…${numbers.max} ${gapless ? 'without a gap, one run per contract per day' : 'NOT gapless or not one per contract!'}; ` +
        `February gross amounts: ${febRows.map((r) => `${r.count} × ${(r.gross / 100).toFixed(2)} €`).join(', ')}; SMTP sink received ${mailsReceived - mailsBefore} invoice mails in the run.`,
      '',
    ];
    console.log(lines.join('\n'));
    if (!gapless) process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
