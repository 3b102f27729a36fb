/**
 * P4: wall time to take N contracts through their whole life in sandbox mode, all the way to the
 * destruction of their records, next to N trivial workflows skipped through the same span with
 * as many timers, in the same run on the same time-skipping server.
 *
 * The contracts (plus, 1 seat) are issued by an Austrian issuer (ISSUER_COUNTRY=AT) to Austrian
 * business customers: § 132 BAO keeps every record 7 years, so a contract of 2027 is gone on
 * 01.01.2035 (a DE issuer keeps ledger entries 10 years, to 2038).
 *  1. 01.03.2027: N customers with a token each, N contracts through POST /v1/contracts.
 *  2. Each is cancelled at once with `deleteData: true` (the customer's own token).
 *  3. The clock moves to 02.03. and to the 1st of every month until the latest end; at each step
 *     every open invoice is paid by bank transfer (so no dunning), as the retention story does.
 *  4. The day after the end (+1): the contracts have ended and their personal data is deleted;
 *     their workflows keep the records (retention phase).
 *  5. One skip to 02.01.2035 06:00: every record is destroyed and every workflow completes.
 * Timed: from the first contract request until the last workflow has completed.
 *
 * Baseline: N workflows of bench/baseline.workflow.ts timelineWorkflow, each with one timer just
 * before every instant the contracts' clock was moved to (shifted 8 years, after the contracts)
 * and a no-op activity after each, on a second worker in the same process; started, then moved
 * through the same steps; timed from the first start until all completed.
 *
 *   npm run bench -- P4 [--contracts N (default 100)] [--concurrency C (default 20)]
 */
import { performance } from 'node:perf_hooks';
import type { BaselineActivities, timelineWorkflow } from './baseline.workflow';
import type { BenchPlatform } from './helpers';
import { advanceTo, api, Bench, createContract, createCustomer, customerToken, expectStatus, settle, sleep, times, waitUntil } from './helpers';
import { log, machineLine, parseBenchArgs, printTable, ratio, seconds } from './report';

/** The retention periods follow the issuer's country (src/domain/retention.ts): an Austrian one. */
const AUSTRIAN_ISSUER = { ISSUER_COUNTRY: 'AT', ISSUER_VAT_ID: 'ATU12345678', ISSUER_POSTAL_CODE: '1010', ISSUER_CITY: 'Wien' };
const START = '2027-03-01T09:00:00Z';
/** AT records of 2027 are kept through 31.12.2034; the day after, at the latest 04:00 (billing slot). */
const DESTROYED_BY = '2035-01-02T06:00:00Z';
/** The baseline runs after the contracts, 8 years later, through the same steps. */
const BASELINE_SHIFT_YEARS = 8;

const shift = (instant: string) => {
  const date = new Date(instant);
  date.setUTCFullYear(date.getUTCFullYear() + BASELINE_SHIFT_YEARS);
  return date.toISOString();
};
const firstOfMonthsAfter = (from: string, through: string): string[] => {
  const days: string[] = [];
  const date = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
  for (date.setUTCMonth(date.getUTCMonth() + 1); date.toISOString().slice(0, 10) <= through; date.setUTCMonth(date.getUTCMonth() + 1)) days.push(date.toISOString().slice(0, 10));
  return days;
};
const dayAfter = (day: string, days = 1) => new Date(new Date(`${day}T00:00:00Z`).getTime() + days * 86_400_000).toISOString().slice(0, 10);

/** Pays every open invoice of the contracts by bank transfer, booked on `day`; returns how many. */
async function payOpenInvoices(p: BenchPlatform, contractIds: readonly string[], day: string, concurrency: number): Promise<number> {
  let paid = 0;
  await times(contractIds.length, concurrency, async (i) => {
    const list = expectStatus(await api(p.url, 'GET', `/v1/contracts/${contractIds[i]}/invoices`), 'list invoices');
    for (const invoice of list.body.items as { id: string; number: string; status: string; openAmount: unknown }[]) {
      if (invoice.status !== 'open') continue;
      const body = { reference: invoice.number, amount: invoice.openAmount, bookedOn: day };
      expectStatus(await api(p.url, 'POST', '/v1/bank-transfers', body, { 'idempotency-key': `bench-${invoice.id}-${day}` }), 'bank transfer', 201);
      paid++;
    }
  });
  return paid;
}

/** Polls until every workflow has completed; when it is so. */
async function allCompleted(p: BenchPlatform, workflowIds: readonly string[]): Promise<number> {
  const open = new Set(workflowIds);
  await waitUntil('every workflow completed', async () => {
    for (const id of [...open]) {
      const status = (await p.client.workflow.getHandle(id).describe()).status.name;
      if (status === 'COMPLETED') open.delete(id);
      else if (status !== 'RUNNING') throw new Error(`${id} is ${status}`);
    }
    if (open.size > 0) await sleep(1000);
    return open.size === 0;
  });
  return performance.now();
}

Bench.run('lifetime', async (bench) => {
  const args = parseBenchArgs(process.argv.slice(2), 'npm run bench -- P4');
  const n = args.contracts ?? 100;
  const { concurrency } = args;
  const p = await bench.platform({ sandbox: true, extra: AUSTRIAN_ISSUER, bundles: ['bench/baseline.workflow.ts'] });
  let noops = 0;
  const noop: BaselineActivities = { async baselineNoop() { noops++; } };
  const { taskQueue } = await bench.baselineWorker(p, p.bundles[0] as { code: string }, noop);

  // 1.-2. Contracts of 01.03.2027, cancelled with data deletion at once.
  await advanceTo(p.url, START);
  const started = performance.now();
  const contracts: { id: string; endsOn: string }[] = [];
  await times(n, concurrency, async (i) => {
    const customerId = await createCustomer(p.url, `Bench Praxis ${i + 1}`, `bench-lifetime-${i + 1}@example.org`, 'AT');
    const token = await customerToken(p.url, customerId);
    const { contract } = await createContract(p.url, { plan: 'plus', seats: 1 }, `bench-${bench.id}-${i}`, token);
    const cancelled = expectStatus(await api(p.url, 'POST', `/v1/contracts/${contract.id}/cancellation`, { confirm: true, deleteData: true }, {}, token), 'cancel');
    contracts[i] = { id: contract.id as string, endsOn: cancelled.body.cancellation.endsOn as string };
  });
  const createdAt = performance.now();
  await settle(p.url);
  const ids = contracts.map((c) => c.id);
  const lastEnd = contracts.map((c) => c.endsOn).sort().at(-1) as string;
  log(`${n} contracts created and cancelled in ${seconds((createdAt - started) / 1000)}; the last ends on ${lastEnd}`);

  // 3.-4. Month by month to the day after the last end, every open invoice paid.
  const steps = ['2027-03-02', ...firstOfMonthsAfter(START, dayAfter(lastEnd)), dayAfter(lastEnd, 2)].map((day) => `${day}T05:00:00Z`);
  let payments = 0;
  for (const step of steps) {
    await advanceTo(p.url, step);
    payments += await payOpenInvoices(p, ids, step.slice(0, 10), concurrency);
  }
  await settle(p.url);
  const monthsAt = performance.now();
  const ended = await p.prisma.contract.count({ where: { id: { in: ids }, status: 'ended' } });
  log(`${steps.length} steps through ${steps.at(-1)}: ${payments} invoices paid, ${ended} of ${n} contracts ended; skipping to ${DESTROYED_BY}`);

  // 5. The skip to the destruction.
  steps.push(DESTROYED_BY);
  await advanceTo(p.url, DESTROYED_BY);
  const contractsDone = await allCompleted(p, ids.map((id) => `contract-${id}`));
  const destroyed = await p.prisma.retentionDestruction.count();
  const invoices = await p.prisma.invoice.count();
  log(`all ${n} contract workflows completed; ${destroyed} records destroyed (${invoices} invoices)`);

  // Baseline: as many timers, the same steps, 8 years later.
  await advanceTo(p.url, shift(START));
  const fireAt = steps.map((step) => new Date(new Date(shift(step)).getTime() - 3_600_000).toISOString());
  const baselineIds = Array.from({ length: n }, (_, i) => `timeline-${bench.id}-${i}`);
  const baselineStarted = performance.now();
  await times(n, concurrency, (i) => p.client.workflow.start<typeof timelineWorkflow>('timelineWorkflow', { workflowId: baselineIds[i] as string, taskQueue, args: [{ fireAt }] }));
  await settle(p.url);
  const baselineCreatedAt = performance.now();
  for (const step of steps.slice(0, -1)) await advanceTo(p.url, shift(step));
  const baselineMonthsAt = performance.now();
  await advanceTo(p.url, shift(DESTROYED_BY));
  const baselineDone = await allCompleted(p, baselineIds);
  log(`baseline: ${n} workflows completed, ${noops} no-op activities`);

  const s = (ms: number) => seconds(ms / 1000);
  const rows = [
    ['wall time, first request → every workflow completed', s(contractsDone - started), s(baselineDone - baselineStarted), ratio(contractsDone - started, baselineDone - baselineStarted)],
    ['  creation (contracts + cancellations / workflow starts)', s(createdAt - started), s(baselineCreatedAt - baselineStarted), ratio(createdAt - started, baselineCreatedAt - baselineStarted)],
    [`  ${steps.length - 1} steps of 2027 (invoices issued and paid / timers)`, s(monthsAt - createdAt), s(baselineMonthsAt - baselineCreatedAt), ratio(monthsAt - createdAt, baselineMonthsAt - baselineCreatedAt)],
    ['  skip to 02.01.2035 → all completed (destruction / last timer)', s(contractsDone - monthsAt), s(baselineDone - baselineMonthsAt), ratio(contractsDone - monthsAt, baselineDone - baselineMonthsAt)],
    ['wall time per contract / per workflow', s((contractsDone - started) / n), s((baselineDone - baselineStarted) / n), ''],
    ['invoices issued / no-op activities', String(invoices), String(noops), ''],
    ['invoices paid by bank transfer', String(payments), '', ''],
    ['records destroyed (destruction log)', String(destroyed), '', ''],
  ];
  printTable(`P4 lifetime in sandbox mode: ${n} AT contracts from ${START.slice(0, 10)} through their end (${lastEnd}) to the destruction of their records (01.01.2035), 7+ years of clock`, ['metric', 'contracts', 'baseline', 'ratio'], rows, [
    `Baseline: ${n} timelineWorkflow, one timer before each of the ${steps.length} clock steps + a no-op activity after each, same steps 8 years later, second worker in the same process.`,
    machineLine(bench.loadAtStart),
    `Worker: ${p.config.sizing.maxConcurrentActivities} activity slots; PostgreSQL: ${p.database.label}; Temporal: time-skipping test server`,
  ]);
  if (ended !== n) throw new Error(`${ended} of ${n} contracts ended`);
});
