/**
 * P5: latency of `GET /v1/contracts/{id}` under a fixed request rate, next to the same load on a
 * bare route (`GET /health/live`: public, answers `{status:'ok'}` and touches nothing) of the
 * same API process in the same run.
 *
 * The platform runs as `npm start` runs it (API + contract worker in one process, Temporal dev
 * server, fresh database, rate limits off). K paid contracts (plus, 3 seats) of K customers are
 * created and their start-day invoices rendered and mailed before the load starts. An open-loop
 * generator in a process of its own (bench/load.ts) sends R requests/s for S seconds, round-robin
 * over the contracts, each with its customer's token; latency counts from the instant a request
 * was due. Both routes get 2 s of warm-up at the same rate first.
 *
 *   npm run bench -- P5 [--rate R (default 200)] [--seconds S (default 10)] [--contracts K (default 50)]
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { LoadRequest, LoadResult } from './load';
import { Bench, createContract, createCustomer, customerToken, times, sleep, waitUntil } from './helpers';
import { log, machineLine, millis, parseBenchArgs, printTable, ratio } from './report';

const WARM_UP_SECONDS = 2;

function load(request: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the load generator exited with ${code}`))));
    child.send(request);
  });
}

interface Summary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  answered: number;
  ok: number;
  sentSeconds: number;
  cpuSeconds: number;
  statuses: Record<string, number>;
}

async function measure(baseUrl: string, targets: LoadRequest['targets'], rate: number, seconds: number): Promise<Summary> {
  const cpu = process.cpuUsage();
  const result = await load({ baseUrl, targets, rate, seconds });
  const used = process.cpuUsage(cpu);
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    answered: sorted.length,
    ok: result.statuses['200'] ?? 0,
    sentSeconds: result.sentSeconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    statuses: result.statuses,
  };
}

Bench.run('latency', async (bench) => {
  const args = parseBenchArgs(process.argv.slice(2), 'npm run bench -- P5');
  const k = args.contracts ?? 50;
  const { rate } = args;
  const seconds = args.seconds ?? 10;
  const p = await bench.platform({ sandbox: false });

  const contracts: LoadRequest['targets'] = [];
  await times(k, args.concurrency, async (i) => {
    const customerId = await createCustomer(p.url, `Bench Praxis ${i + 1}`, `bench-latency-${i + 1}@example.org`);
    const token = await customerToken(p.url, customerId);
    const { contract } = await createContract(p.url, { plan: 'plus', seats: 3 }, `bench-${bench.id}-${i}`, token);
    contracts[i] = { path: `/v1/contracts/${contract.id}`, token };
  });
  // The start-day invoices are rendered and mailed before the load, so the worker is idle.
  let last = -1;
  await waitUntil('the start-day invoice mails', async () => {
    const now = p.sink.received();
    const quiet = now >= k && now === last;
    last = now;
    if (!quiet) await sleep(2000);
    return quiet;
  });
  log(`${k} contracts created, their start-day invoices mailed; load: ${rate} req/s for ${seconds} s per route`);

  const bare: LoadRequest['targets'] = [{ path: '/health/live' }];
  await measure(p.url, contracts, rate, WARM_UP_SECONDS);
  await measure(p.url, bare, rate, WARM_UP_SECONDS);
  const contract = await measure(p.url, contracts, rate, seconds);
  const health = await measure(p.url, bare, rate, seconds);

  const cpu = (s: Summary) => `${((s.cpuSeconds / s.sentSeconds) * 100).toFixed(0)} % of a core`;
  const rows = [
    ['p50 latency', millis(contract.p50), millis(health.p50), ratio(contract.p50, health.p50)],
    ['p90 latency', millis(contract.p90), millis(health.p90), ratio(contract.p90, health.p90)],
    ['p99 latency', millis(contract.p99), millis(health.p99), ratio(contract.p99, health.p99)],
    ['max latency', millis(contract.max), millis(health.max), ratio(contract.max, health.max)],
    ['answered 200 / sent', `${contract.ok} / ${contract.answered}`, `${health.ok} / ${health.answered}`, ''],
    ['CPU of the API process (API + idle worker) during the load', cpu(contract), cpu(health), ratio(contract.cpuSeconds, health.cpuSeconds)],
    ['  per request', millis((contract.cpuSeconds * 1000) / contract.answered), millis((health.cpuSeconds * 1000) / health.answered), ratio(contract.cpuSeconds / contract.answered, health.cpuSeconds / health.answered)],
  ];
  printTable(`P5 GET /v1/contracts/{id} at a fixed rate: ${rate} req/s for ${seconds} s, open loop (latency from the due instant), ${k} contracts round-robin with their customers' tokens`, ['metric', 'figure', 'baseline', 'ratio'], rows, [
    `Baseline: GET /health/live (public, no database) at the same rate on the same API process, right after. Statuses: contract ${JSON.stringify(contract.statuses)}, health ${JSON.stringify(health.statuses)}.`,
    machineLine(bench.loadAtStart),
    `PostgreSQL: ${p.database.label}; Temporal dev server; rate limits off (RATE_LIMIT_PER_MINUTE=0, RATE_LIMIT_PER_IP_PER_MINUTE=0); load generator: bench/load.ts in its own process`,
  ]);
});
