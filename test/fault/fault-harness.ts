/**
 * The fault-injection tier's platform (docs/fault-injection.md): every part that a fault hits is
 * a process of its own, on loopback, so that a test can kill it and start it again.
 *  - Temporal: `temporal server start-dev` with a SQLite file under var/test/fault/, on fixed
 *    free ports (a restart keeps the address), the contract search attributes registered;
 *  - the worker: the production entry point `node dist/src/main.js` with APP_ROLE=worker (no
 *    listening port: metrics off), restarted when it exits, as `restart: unless-stopped` does;
 *  - the API: the platform with APP_ROLE=api in this jest process, on 127.0.0.1;
 *  - PostgreSQL: a fresh database on the test server, or one given by the test (its own
 *    embedded server, which it stops);
 *  - mail: the SMTP sink, every message kept with its Message-ID;
 *  - letters: the local print partner's drop folder, or PINGEN_* settings the test gives (a mock).
 * Everything is stopped by `stop()`, which the tests call in afterAll, whatever happened.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { findRepoRoot } from '../../scripts/migrate';
import { loadConfig } from '../../src/config/config';
import { createPrismaClient } from '../../src/database/prisma-client';
import type { PrismaClient } from '../../src/database/prisma-client';
import { startSmtpSink } from '../../src/mail/smtp-sink';
import { startPlatform } from '../../src/platform/platform';
import type { RunningPlatform } from '../../src/platform/platform';
import { ensureSearchAttributes } from '../../src/temporal/search-attribute-registration';
import { createTestDatabase } from '../helpers/database';
import { apiClient } from '../helpers/platform';
import { freePort } from '../helpers/ports';

export const FAULT_TOKEN = 'fault-operator-token-0123456789';
const root = findRepoRoot(__dirname);
const MAIN = path.join(root, 'dist', 'src', 'main.js');

/** Seconds since `started`, one decimal (for the timings the tests print). */
export function secondsSince(started: number): string {
  return ((Date.now() - started) / 1000).toFixed(1);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Progress lines on stderr, so a slow or failing fault test shows where it was. */
export function note(test: string, message: string): void {
  process.stderr.write(`[fault:${test}] ${message}\n`);
}

/** A child process with its output in a log file; `exited` resolves on exit (never rejects). */
class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv, logFile: string, onLine?: (line: string) => void) {
    const log = fs.createWriteStream(logFile, { flags: 'a' });
    this.process = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      if (!onLine) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    this.process.stdout?.on('data', onData);
    this.process.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => this.process.once('exit', () => log.end(() => resolve())));
  }
  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.process.kill(signal);
    const timer = setTimeout(() => this.running && this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, describe?: () => Promise<string> | string, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs / 1000} s${describe ? `: ${await describe()}` : ''}`);
    await sleep(intervalMs);
  }
}

/** The Temporal dev server on fixed ports and a SQLite file, so that it can be killed and started again. */
export class DevServer {
  private child: Child | null = null;
  private starts = 0;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly httpPort: number,
    private readonly metricsPort: number,
  ) {}

  static async create(dir: string): Promise<DevServer> {
    return new DevServer(dir, await freePort(), await freePort(), await freePort());
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and waits until it answers. */
  async start(): Promise<void> {
    const cli = process.env.TEMPORAL_CLI_PATH;
    if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set (the jest global setup resolves it)');
    this.starts++;
    const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(this.port), '--http-port', String(this.httpPort)];
    args.push('--metrics-port', String(this.metricsPort), '--db-filename', path.join(this.dir, 'temporal.sqlite'), '--log-level', 'error');
    this.child = new Child(cli, args, { PATH: process.env.PATH, HOME: process.env.HOME }, path.join(this.dir, `temporal-${this.starts}.log`));
    await waitFor(
      'Temporal dev server answers',
      async () => {
        if (!this.child?.running) throw new Error('exited');
        const connection = await Connection.connect({ address: this.address, connectTimeout: 1_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          await ensureSearchAttributes(connection, 'default');
          return true;
        } finally {
          await connection.close();
        }
      },
      60_000,
      () => fs.readFileSync(path.join(this.dir, `temporal-${this.starts}.log`), 'utf8').slice(-2000),
      250,
    );
  }

  /** Kills the server (SIGKILL: no clean shutdown of its SQLite state). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.child?.stop(signal);
  }

  get running(): boolean {
    return this.child?.running ?? false;
  }
}

/** The worker as its own process: the production entry point with APP_ROLE=worker. */
export class WorkerProcess {
  private child: Child | null = null;
  private count = 0;
  /** Exits nobody asked for (a crash); the supervisor started it again each time. */
  readonly crashes: string[] = [];
  private supervised = true;
  private closed = false;
  private restarting: Promise<void> | null = null;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
    /** Whether the worker with this pid polls its workflow task queue. */
    private readonly polls: (pid: number) => Promise<boolean>,
  ) {}

  get starts(): number {
    return this.count;
  }

  /** Starts a worker and waits until it polls (its start-up log line). */
  async start(): Promise<void> {
    if (this.closed || this.child?.running) return;
    this.supervised = true;
    const n = ++this.count;
    const logFile = path.join(this.dir, `worker-${n}.log`);
    const child = new Child(process.execPath, [MAIN], this.env, logFile);
    this.child = child;
    void child.exited.then(() => {
      if (!this.supervised || this.child !== child) return;
      // Exited on its own: note it and start again, as the deployment's restart policy does.
      this.crashes.push(`worker ${n} exited (${child.process.exitCode ?? child.process.signalCode}); log ${path.relative(root, logFile)}`);
      this.restarting = this.start().catch((e: unknown) => this.crashes.push(`restart failed: ${(e as Error).message}`)) as Promise<void>;
    });
    await waitFor(
      `worker ${n} polls`,
      async () => {
        if (!child.running) throw new Error(`worker ${n} exited during start-up: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
        return this.polls(child.process.pid as number);
      },
      120_000,
      () => `log ${logFile}`,
      200,
    );
  }

  /** SIGKILL: the worker dies wherever it is (mid-activity, mid-SMTP, mid-transaction). */
  async kill(): Promise<void> {
    this.supervised = false;
    await this.child?.stop('SIGKILL');
  }

  async stop(): Promise<void> {
    this.supervised = false;
    this.closed = true;
    await this.restarting?.catch(() => undefined);
    await this.child?.stop('SIGTERM', 15_000);
  }
}

/** A mail as the sink received it. */
export interface SinkMail {
  messageId: string;
  to: string;
  subject: string;
}

export interface FaultStackOptions {
  /** Names the directory under var/test/fault/ and the log lines. */
  name: string;
  /** A database of the test's own (e.g. on an embedded server it stops); default: a fresh one on the test server. */
  databaseUrl?: string;
  /** Environment of the worker and the API on top of the defaults (e.g. PRINT_PARTNER=pingen). */
  env?: Record<string, string>;
}

/** The running platform of one fault test. */
export interface FaultStack {
  dir: string;
  url: string;
  api: ReturnType<typeof apiClient>;
  prisma: PrismaClient;
  client: Client;
  temporal: DevServer;
  worker: WorkerProcess;
  mails: SinkMail[];
  dropDir: string;
  stop(): Promise<void>;
}

/** Registers the hooks that start a fault stack before a file's tests and stop it after; returns its getter. */
export function faultSuite(options: FaultStackOptions): () => FaultStack {
  let stack: FaultStack | undefined;
  beforeAll(async () => {
    stack = await startFaultStack(options);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);
  return () => {
    if (!stack) throw new Error(`the fault stack ${options.name} is not running`);
    return stack;
  };
}

/** Starts the stack; on a failure half-way everything started so far is stopped again. */
export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const dir = path.join(root, 'var', 'test', 'fault', `${options.name}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    while (cleanups.length > 0) {
      await (cleanups.pop() as () => Promise<unknown>)().catch((e: unknown) => note(options.name, `cleanup: ${(e as Error).message}`));
    }
  };
  try {
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const database = await createTestDatabase();
      cleanups.push(() => database.drop());
      databaseUrl = database.url;
    }
    const mails: SinkMail[] = [];
    const sink = await startSmtpSink({
      port: 0,
      outboxDir: path.join(dir, 'outbox'),
      onMessage: ({ raw, envelope }) => {
        const head = raw.toString('utf8', 0, Math.min(raw.length, 8192));
        const messageId = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? '(none)';
        const subject = /^Subject:\s*(.*)$/im.exec(head)?.[1] ?? '';
        mails.push({ messageId, to: envelope.to.join(','), subject });
      },
    });
    cleanups.push(() => sink.close());

    const temporal = await DevServer.create(dir);
    await temporal.start();
    cleanups.push(() => temporal.kill('SIGTERM'));

    const dropDir = path.join(dir, 'print-partner');
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      OPERATOR_TOKEN: FAULT_TOKEN,
      // The start-day invoice is issued at once; 1st-of-month runs (if the test crosses one) without spread.
      BILLING_SPREAD_MINUTES: '0',
      PRINT_PARTNER_DROP_DIR: dropDir,
      PSP_LOCAL_DATA_DIR: path.join(dir, 'psp'),
      COLLECTION_AGENCY_DROP_DIR: path.join(dir, 'collection-agency'),
      CREDIT_BUREAU_DROP_DIR: path.join(dir, 'credit-bureau'),
      METRICS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      ...options.env,
    };

    // The API in this process (127.0.0.1, port chosen by the system).
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    cleanups.push(() => nativeConnection.close());
    const config = loadConfig({ ...env, APP_ROLE: 'api', PORT: '0' });
    const prisma = createPrismaClient(databaseUrl, { maxConnections: config.sizing.databasePoolSize });
    cleanups.push(() => prisma.$disconnect());
    const platform: RunningPlatform = await startPlatform({ config, prisma, client, nativeConnection, logger: false });
    cleanups.push(() => platform.stop());
    const url = platform.url as string;

    const worker = new WorkerProcess(
      {
        ...env,
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        APP_ROLE: 'worker',
        PRINT_PARTNER_WEBHOOK_URL: `${url}/v1/webhooks/print-partner`,
        PSP_WEBHOOK_URL: `${url}/v1/webhooks/psp`,
      },
      dir,
      (pid) => polling(client, config.temporal.taskQueue, pid),
    );
    cleanups.push(() => worker.stop());
    await worker.start();
    return { dir, url, api: apiClient(url), prisma, client, temporal, worker, mails, dropDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Whether the worker process `pid` polls `taskQueue` for workflow tasks (its identity is `<pid>@<host>`). */
async function polling(client: Client, taskQueue: string, pid: number): Promise<boolean> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return pollers.some((poller) => poller.identity?.startsWith(`${pid}@`));
}

const address = { line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

/** A customer and a contract (plus, 2 seats) through the API; `post`: invoices go out as letters. */
export async function createContract(stack: FaultStack, label: string, delivery: 'email' | 'post'): Promise<{ id: string; workflowId: string; email: string }> {
  const email = `${label}@example.org`;
  const customer = await stack.api('POST', '/v1/customers', {
    token: FAULT_TOKEN,
    body: { type: 'business', name: `Praxis ${label}`, email, address, invoiceDelivery: delivery },
    headers: { 'idempotency-key': `customer-${label}` },
  });
  if (customer.status !== 201) throw new Error(`customer ${label}: ${customer.status} ${JSON.stringify(customer.body)}`);
  const contract = await retryUnavailable(() =>
    stack.api('POST', '/v1/contracts', {
      token: FAULT_TOKEN,
      body: { plan: 'plus', seats: 2, customerId: customer.body.id },
      headers: { 'idempotency-key': `contract-${label}` },
    }),
  );
  if (contract.status !== 201) throw new Error(`contract ${label}: ${contract.status} ${JSON.stringify(contract.body)}`);
  return { id: contract.body.id as string, workflowId: contract.body.workflowId as string, email };
}

/**
 * Repeats a request answered 503 (the API's "not ready yet, retry with the same Idempotency-Key",
 * e.g. CONTRACT_PENDING while no worker runs), as a client should; at most `timeoutMs`.
 */
export async function retryUnavailable<R extends { status: number }>(request: () => Promise<R>, timeoutMs = 120_000): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request();
    if (res.status !== 503 || Date.now() > deadline) return res;
    await sleep(500);
  }
}

/** Runs `task` for every item, `limit` at a time (batch after batch). */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += limit) {
    results.push(...(await Promise.all(items.slice(start, start + limit).map((item, i) => task(item, start + i)))));
  }
  return results;
}

/** Workflows of `workflowIds` that still have activities scheduled or running (nothing is settled until this is empty). */
export async function busyWorkflows(stack: FaultStack, workflowIds: readonly string[]): Promise<string[]> {
  const busy: string[] = [];
  for (const id of workflowIds) {
    const description = await stack.client.workflow.getHandle(id).describe();
    const pending = description.raw.pendingActivities ?? [];
    if (pending.length > 0) busy.push(`${id}: ${pending.map((a) => `${a.activityType?.name}#${a.attempt} ${a.lastFailure?.message ?? ''}`).join(', ')}`);
  }
  return busy;
}

/**
 * Waits until the workflows `ids` have nothing scheduled or running and at least `expected`
 * invoices, distinct mails at the sink and letters exist (a settled state; the exact counts are
 * the test's to assert).
 */
export async function settle(stack: FaultStack, ids: readonly string[], expected: { invoices: number; mails: number; letters: number }, timeoutMs: number): Promise<void> {
  await waitFor(
    'every workflow settled',
    async () => {
      const l = await ledger(stack);
      const reached = l.invoices.length >= expected.invoices && Object.keys(l.sinkByMessageId).length >= expected.mails && l.letters.length >= expected.letters;
      return reached && (await busyWorkflows(stack, ids)).length === 0;
    },
    timeoutMs,
    async () => JSON.stringify({ ledger: await ledger(stack), busy: await busyWorkflows(stack, ids) }),
    2_000,
  );
}

/** What the platform did, counted from the database, the SMTP sink and the print partner. */
export interface Ledger {
  invoices: { number: string; contractId: string; delivery: string }[];
  /** Communications by `template/channel/status`. */
  communications: Record<string, number>;
  /** Communications per contract and template (each should be 1). */
  perContract: Record<string, Record<string, number>>;
  letters: { idempotencyKey: string; status: string; partnerLetterId: string | null }[];
  attention: { contractId: string; step: string; error: string }[];
  /** How often each Message-ID reached the sink. */
  sinkByMessageId: Record<string, number>;
  sinkTotal: number;
}

export async function ledger(stack: FaultStack): Promise<Ledger> {
  const [invoices, communications, letters, attention] = await Promise.all([
    stack.prisma.invoice.findMany({ select: { number: true, contractId: true, delivery: true }, orderBy: { number: 'asc' } }),
    stack.prisma.communication.findMany({ select: { contractId: true, template: true, channel: true, status: true } }),
    stack.prisma.letter.findMany({ select: { idempotencyKey: true, status: true, partnerLetterId: true } }),
    stack.prisma.attentionItem.findMany({ where: { resolvedAt: null }, select: { contractId: true, step: true, error: true } }),
  ]);
  const counted: Record<string, number> = {};
  const perContract: Record<string, Record<string, number>> = {};
  for (const c of communications) {
    const key = `${c.template}/${c.channel}/${c.status}`;
    counted[key] = (counted[key] ?? 0) + 1;
    const mine = (perContract[c.contractId] ??= {});
    mine[`${c.template}/${c.channel}`] = (mine[`${c.template}/${c.channel}`] ?? 0) + 1;
  }
  const sinkByMessageId: Record<string, number> = {};
  for (const mail of stack.mails) sinkByMessageId[mail.messageId] = (sinkByMessageId[mail.messageId] ?? 0) + 1;
  return { invoices, communications: counted, perContract, letters, attention, sinkByMessageId, sinkTotal: stack.mails.length };
}

/** Message-IDs the sink received more than once (a mail sent twice). */
export function duplicateMails(l: Ledger): Record<string, number> {
  return Object.fromEntries(Object.entries(l.sinkByMessageId).filter(([, n]) => n > 1));
}

/** Invoice sequence numbers of `l` (`2026-000007` → 7), sorted. */
export function invoiceSequences(l: Ledger): number[] {
  return l.invoices.map((i) => Number(i.number.split('-')[1])).sort((a, b) => a - b);
}

/** Letters in the local print partner's drop folder (one directory per partner letter id). */
export function droppedLetters(stack: FaultStack): string[] {
  if (!fs.existsSync(stack.dropDir)) return [];
  return fs.readdirSync(stack.dropDir).filter((entry) => fs.existsSync(path.join(stack.dropDir, entry, 'manifest.json')));
}
