/**
 * P1: contracts created per second through the REST API, next to raw StartWorkflow calls on the
 * same Temporal dev server in the same run.
 *
 * The platform runs as `npm start` runs it (API + contract worker in one process) on
 * `temporal server start-dev` with a fresh database. N business customers and a customer token
 * each are made first. Then, with C concurrent HTTP clients, every customer creates one contract
 * with `POST /v1/contracts` under its own token (trial, so no start-day invoice is rendered in
 * the background; the answer comes once the workflow's first activity stored the row), and again
 * N paid contracts (plus, 3 seats) whose start-day invoices are rendered and mailed while the
 * creation goes on. Baseline: N `client.workflow.start` of a workflow that only waits
 * (bench/baseline.workflow.ts openWorkflow, run by a second worker in the same process) with the
 * same C concurrent callers. Ratio: contracts/s ÷ starts/s.
 *
 *   npm run bench -- P1 [--contracts N (default 300)] [--concurrency C (default 20)]
 */
import { performance } from 'node:perf_hooks';
import type { BaselineActivities, openWorkflow } from './baseline.workflow';
import { Bench, createContract, createCustomer, customerToken, times } from './helpers';
import { log, machineLine, millis, parseBenchArgs, perSecond, printTable, ratio, seconds } from './report';

/** p50 and p99 of durations in ms. */
function percentiles(values: readonly number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

interface Timing {
  seconds: number;
  latencies: number[];
  retries: number;
}

/** Runs `task` for 0…n-1 with `concurrency` callers; wall time and each call's duration. */
async function timeCalls(n: number, concurrency: number, task: (i: number) => Promise<number | void>): Promise<Timing> {
  const latencies: number[] = [];
  let retries = 0;
  const started = performance.now();
  await times(n, concurrency, async (i) => {
    const t0 = performance.now();
    retries += (await task(i)) ?? 0;
    latencies.push(performance.now() - t0);
  });
  return { seconds: (performance.now() - started) / 1000, latencies, retries };
}

Bench.run('create', async (bench) => {
  const args = parseBenchArgs(process.argv.slice(2), 'npm run bench -- P1');
  const n = args.contracts ?? 300;
  const { concurrency } = args;
  const p = await bench.platform({ sandbox: false, bundles: ['bench/baseline.workflow.ts'] });
  const noop: BaselineActivities = { async baselineNoop() {} };
  const { taskQueue } = await bench.baselineWorker(p, p.bundles[0] as { code: string }, noop);

  // Customers and their tokens first (2N: trial and paid contracts each get their own customer).
  const customers: { id: string; token: string }[] = [];
  const made = await timeCalls(2 * n, concurrency, async (i) => {
    const id = await createCustomer(p.url, `Bench Praxis ${i + 1}`, `bench-create-${i + 1}@example.org`);
    customers[i] = { id, token: await customerToken(p.url, id) };
  });
  log(`${2 * n} customers and tokens made in ${seconds(made.seconds)}`);
  // Warm-up: the API routes, the workflow bundle's context, the baseline worker.
  await createContract(p.url, { plan: 'plus', trial: true }, `bench-${bench.id}-warm-up`, (customers[0] as { token: string }).token);
  await p.client.workflow.start<typeof openWorkflow>('openWorkflow', { workflowId: `open-${bench.id}-warm-up`, taskQueue });

  const trial = await timeCalls(n, concurrency, async (i) => {
    const customer = customers[i] as { token: string };
    return (await createContract(p.url, { plan: 'plus', trial: true }, `bench-${bench.id}-trial-${i}`, customer.token)).retries;
  });
  log(`${n} trial contracts created in ${seconds(trial.seconds)}`);
  const baseline = await timeCalls(n, concurrency, async (i) => {
    await p.client.workflow.start<typeof openWorkflow>('openWorkflow', { workflowId: `open-${bench.id}-${i}`, taskQueue });
  });
  log(`${n} baseline workflows started in ${seconds(baseline.seconds)}`);
  const paid = await timeCalls(n, concurrency, async (i) => {
    const customer = customers[n + i] as { token: string };
    return (await createContract(p.url, { plan: 'plus', seats: 3 }, `bench-${bench.id}-paid-${i}`, customer.token)).retries;
  });
  log(`${n} paid contracts created in ${seconds(paid.seconds)}`);

  const b = percentiles(baseline.latencies);
  const rows = [trial, paid].flatMap((t, index) => {
    const l = percentiles(t.latencies);
    const what = index === 0 ? 'trial contracts' : 'paid contracts (plus, 3 seats; start-day invoices rendered meanwhile)';
    return [
      [`${what}: created/s ÷ starts/s`, perSecond(n, t.seconds, 'contracts'), perSecond(n, baseline.seconds, 'starts'), ratio(baseline.seconds, t.seconds)],
      [`  p50 of one call (POST / StartWorkflow)`, millis(l.p50), millis(b.p50), ratio(l.p50, b.p50)],
      [`  p99 of one call`, millis(l.p99), millis(b.p99), ratio(l.p99, b.p99)],
      [`  retries after 503 CONTRACT_PENDING`, String(t.retries), '', ''],
    ];
  });
  printTable(`P1 contract creation: ${n} contracts through POST /v1/contracts, ${concurrency} concurrent clients, Temporal dev server`, ['metric', 'figure', 'baseline', 'ratio'], rows, [
    'Baseline: the same number of client.workflow.start calls of a workflow that only waits (openWorkflow), same server, same concurrency. Ratio for rates: figure ÷ baseline (below 1 = slower).',
    machineLine(bench.loadAtStart),
    `Worker: ${p.config.sizing.maxConcurrentActivities} activity slots, database pool ${p.config.sizing.databasePoolSize}; PostgreSQL: ${p.database.label}; customers and tokens made first (${perSecond(2 * n, made.seconds, 'customers')} with token)`,
  ]);
});
