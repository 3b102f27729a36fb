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
import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import type { BaselineActivities, baselineWorkflow } from './baseline.workflow';
import type { ApiResponse } from './helpers';
import { advance, Bench, createContract, createCustomer, expectStatus, pool, times, processCpuSeconds, settle, sleep, waitUntil } from './helpers';
import { log, machineLine, parseBenchArgs, perSecond, printTable, ratio, seconds } from './report';

/** 15.01.2027 10:00 Berlin: the contracts start (and get their start-day invoice). */
const START_AT = '2027-01-15T09:00:00Z';
const START_DAY = '2027-01-15';
/** Baseline: every timer fires at 20.01.2027 00:00 Berlin; the clock is advanced to 04:00. */
const BASELINE_FIRE_AT = '2027-01-19T23:00:00Z';
const BASELINE_ADVANCE_TO = '2027-01-20T03:00:00Z';
/** The invoice run: 01.02.2027 00:00 Berlin (spread 0); the clock is advanced to 04:00. */
const RUN_DAY = '2027-02-01';
const RUN_ADVANCE_TO = '2027-02-01T03:00:00Z';

/** How long the bench waits for the advance to answer once every invoice is done (its settle gives up after 60 s). */
const ADVANCE_ANSWER_WAIT_MS = 120_000;
// --- CPU accounting ---------------------------------------------------------------------------

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

function main(bench: Bench): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), 'npm run bench -- P2');
  return invoiceRun(bench, args.contracts ?? 1000, args.concurrency);
}

async function invoiceRun(bench: Bench, n: number, concurrency: number): Promise<void> {
  const { id, loadAtStart } = bench;
  // 1.-5. A fresh database, the SMTP sink, the Temporal test server and the platform in sandbox
  // mode, as startTestPlatform('sandbox') starts it; every run of a day at 00:00 local.
  const p = await bench.platform({ sandbox: true, extra: { BILLING_SPREAD_MINUTES: '0' }, bundles: ['bench/baseline.workflow.ts'] });
  const { url, config, sink, temporalPid, client: temporal } = p;
  const { url: databaseUrl, name: database, label: postgresLabel } = p.database;
  const clock = p.clock as NonNullable<typeof p.clock>;

  // The baseline worker: same process, same connection, same activity slots, its own task queue.
  let noops = 0;
  let onNoop: (count: number, at: number) => void = () => undefined;
  const baselineActivities: BaselineActivities = {
    async baselineNoop() {
      noops++;
      onNoop(noops, performance.now());
    },
  };
  const { taskQueue: baselineQueue } = await bench.baselineWorker(p, p.bundles[0] as { code: string }, baselineActivities);

  const monitor = new PgClient({ connectionString: databaseUrl });
  await monitor.connect();
  bench.defer('monitor connection', () => monitor.end());

  // 6. N customers and contracts on 15.01.2027, through the API; their start-day invoices.
  expectStatus(await advance(url, { to: START_AT }), 'advance to 15.01.');
  const createStarted = performance.now();
  let pendingRetries = 0;
  await times(n, concurrency, async (i) => {
    const customerId = await createCustomer(url, `Bench Praxis ${i + 1}`, `bench-${i + 1}@example.org`);
    // While the start-day invoices of the contracts before it occupy the activity slots, a
    // contract's first activity can wait longer than the API waits for it (503
    // CONTRACT_PENDING): retried with the same Idempotency-Key, as the API asks.
    const { retries } = await createContract(url, { customerId, plan: 'plus', seats: 3 }, `bench-${id}-contract-${i + 1}`);
    pendingRetries += retries;
  });
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
  const mailsBefore = sink.received();
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
    run.observe('smtp', sink.received() - mailsBefore, at);
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
    const serverNow = new Date(await clock.clock.currentTimeMs()).toISOString();
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
  const s = seconds;
  const rate = perSecond;
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
  printTable(
    `P2 invoice run: ${n} contracts (plus, 3 seats) billed on ${RUN_DAY} 00:00 Berlin in sandbox mode (BILLING_SPREAD_MINUTES=0), clock advanced to 04:00`,
    ['metric', 'invoice run', 'baseline', 'ratio'],
    rows,
    [
      `Baseline: ${n} workflows (one timer for one instant + one no-op activity), second worker in the same process, same settings, own task queue.`,
      machineLine(loadAtStart),
      `Worker: ${config.sizing.maxConcurrentActivities} activity slots per worker, database pool ${config.sizing.databasePoolSize}; PostgreSQL: ${postgresLabel}; Temporal: time-skipping test server`,
    ],
  );
  console.log(
    [
      `Set-up: ${n} customers + contracts through the API in ${s(createSeconds)} (${rate(n, createSeconds, 'contracts')}, ${concurrency} clients, ${pendingRetries} retries after 503 CONTRACT_PENDING); start-day invoices all mailed after ${s(startDaySeconds)}.`,
      `Checks: ${numbers.count} invoices in 2027, numbers ${numbers.min}…${numbers.max} ${gapless ? 'without a gap, one run per contract per day' : 'NOT gapless or not one per contract!'}; ` +
        `February gross amounts: ${febRows.map((r) => `${r.count} × ${(r.gross / 100).toFixed(2)} €`).join(', ')}; SMTP sink received ${sink.received() - mailsBefore} invoice mails in the run.`,
      '',
    ].join('\n'),
  );
  if (!gapless) process.exitCode = 1;
}

Bench.run('invoice-run', main);
