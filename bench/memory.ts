/**
 * P3: worker memory (RSS) per open contract workflow held in the sticky cache, next to the same
 * number of a trivial workflow that only waits (bench/baseline.workflow.ts openWorkflow), in the
 * same run on the same Temporal dev server.
 *
 * This process runs the API only (APP_ROLE=api). The worker is a process of its own
 * (bench/memory-worker.ts, forked with --expose-gc), so its RSS is the worker's alone: first the
 * platform's contract worker (APP_ROLE=worker, WORKER_MAX_CACHED_WORKFLOWS large enough for all),
 * then, after it stopped, a worker of the trivial workflow with the same cache size. Each gets 20
 * workflows to warm up (bundle context, connections, pools), then its RSS is read after a full GC
 * (before), N workflows are opened (contracts: N trial contracts through POST /v1/contracts, which
 * then wait for the end of their trial; baseline: N client.workflow.start), and once the worker
 * reports all of them cached the RSS is read again (after). Per workflow = (after − before) ÷ the
 * workflows cached in between (N, unless the cache count stalls for a minute short of it).
 *
 *   npm run bench -- P3 [--contracts N (default 10000)] [--concurrency C (default 20)]
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { openWorkflow } from './baseline.workflow';
import { Bench, createContract, createCustomer, environment, times, sleep, waitUntil } from './helpers';
import type { MemoryReport, MemoryWorkerMode } from './memory-worker';
import { log, machineLine, mib, parseBenchArgs, perSecond, printTable, ratio, seconds } from './report';

const WARM_UP = 20;
const STALL_MS = 60_000;

/** A forked worker process and its IPC questions. */
class WorkerProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(mode: MemoryWorkerMode, env: Record<string, string>, heapMiB: number): Promise<WorkerProcess> {
    const child = fork(path.join(__dirname, 'memory-worker.js'), [mode], {
      env: { PATH: environment.PATH, ...env },
      execArgv: ['--expose-gc', `--max-old-space-size=${heapMiB}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new WorkerProcess(child);
    await worker.next();
    return worker;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  private next<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the worker process exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (message) => {
        this.child.off('exit', onExit);
        resolve(message as T);
      });
    });
  }

  async ask<T>(question: 'status' | 'measure'): Promise<T> {
    const answer = this.next<T>();
    this.child.send(question);
    return answer;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('stop');
    await Promise.race([exited, sleep(30_000)]);
    this.child.kill('SIGKILL');
  }
}

interface Phase {
  before: MemoryReport;
  after: MemoryReport;
  openSeconds: number;
  cachedSeconds: number;
}

/** Warm-up, RSS before, open N workflows, wait until all are cached, RSS after. */
async function phase(worker: WorkerProcess, n: number, open: (i: number) => Promise<unknown>, concurrency: number, label: string): Promise<Phase> {
  await times(WARM_UP, concurrency, (i) => open(n + i));
  const cachedAtLeast = async (count: number) => (await worker.ask<{ cached: number }>('status')).cached >= count;
  await waitUntil(`${label}: warm-up cached`, () => cachedAtLeast(WARM_UP));
  const before = await worker.ask<MemoryReport>('measure');
  log(`${label}: before ${mib(before.rss)} RSS, ${before.cached} cached; opening ${n}`);
  const started = performance.now();
  let opened = 0;
  await times(n, concurrency, async (i) => {
    await open(i);
    if (++opened % 1000 === 0) log(`${label}: ${opened} opened (${perSecond(opened, (performance.now() - started) / 1000, 'workflows')})`);
  });
  const openSeconds = (performance.now() - started) / 1000;
  // All of them, or as many as the worker holds once the count has not moved for a minute
  // (an eviction must not hang the bench; the figure divides by the workflows really cached).
  let last = { cached: -1, at: performance.now() };
  await waitUntil(`${label}: all cached`, async () => {
    const { cached } = await worker.ask<{ cached: number }>('status');
    if (cached >= n + WARM_UP) return true;
    if (cached !== last.cached) last = { cached, at: performance.now() };
    else if (performance.now() - last.at > STALL_MS) {
      log(`${label}: ${cached} of ${n + WARM_UP} cached, unchanged for ${STALL_MS / 1000} s; measuring those`);
      return true;
    }
    await sleep(1000);
    return false;
  });
  const cachedSeconds = (performance.now() - started) / 1000;
  const after = await worker.ask<MemoryReport>('measure');
  log(`${label}: after ${mib(after.rss)} RSS, ${after.cached} cached`);
  return { before, after, openSeconds, cachedSeconds };
}

Bench.run('memory', async (bench) => {
  const args = parseBenchArgs(process.argv.slice(2), 'npm run bench -- P3');
  const n = args.contracts ?? 10_000;
  const { concurrency } = args;
  const p = await bench.platform({ sandbox: false, extra: { APP_ROLE: 'api' }, bundles: ['workflows/index.ts', 'bench/baseline.workflow.ts'] });
  const [contractBundle, baselineBundle] = p.bundles.map((bundle, i) => {
    const file = path.join(bench.workDir, `bundle-${i}.js`);
    fs.writeFileSync(file, bundle.code);
    return file;
  }) as [string, string];
  const cache = n + WARM_UP + 100;
  // Room for the cache: the SDK's default cache size follows the heap limit, ours is explicit.
  const heapMiB = Math.max(4096, Math.ceil(cache / 2));
  const workerEnv = { ...p.configEnv, APP_ROLE: 'worker', WORKER_MAX_CACHED_WORKFLOWS: String(cache), LOG_LEVEL: 'warn' };

  // 1. The contract worker: N trial contracts (business customers, made in the same calls).
  const contracts = await WorkerProcess.start('contracts', { ...workerEnv, BENCH_BUNDLE_FILE: contractBundle }, heapMiB);
  bench.defer('contract worker process', () => contracts.stop());
  const contractPhase = await phase(
    contracts,
    n,
    async (i) => {
      const customerId = await createCustomer(p.url, `Bench Praxis ${i + 1}`, `bench-memory-${i + 1}@example.org`);
      await createContract(p.url, { customerId, plan: 'plus', trial: true }, `bench-${bench.id}-${i}`);
    },
    concurrency,
    'contract worker',
  );
  await contracts.stop();

  // 2. The baseline worker: N open workflows waiting on a condition.
  const taskQueue = `baseline-bench-${bench.id}`;
  const baseline = await WorkerProcess.start('baseline', { ...workerEnv, BENCH_BUNDLE_FILE: baselineBundle, BENCH_BASELINE_QUEUE: taskQueue }, heapMiB);
  bench.defer('baseline worker process', () => baseline.stop());
  const baselinePhase = await phase(
    baseline,
    n,
    (i) => p.client.workflow.start<typeof openWorkflow>('openWorkflow', { workflowId: `open-${bench.id}-${i}`, taskQueue }),
    concurrency,
    'baseline worker',
  );
  await baseline.stop();

  const opened = (ph: Phase) => ph.after.cached - ph.before.cached;
  const per = (ph: Phase) => (ph.after.rss - ph.before.rss) / opened(ph);
  const perHeap = (ph: Phase) => (ph.after.heapUsed - ph.before.heapUsed) / opened(ph);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rows = [
    ['RSS per open cached workflow', kib(per(contractPhase)), kib(per(baselinePhase)), ratio(per(contractPhase), per(baselinePhase))],
    ['  RSS before (after warm-up, GC)', mib(contractPhase.before.rss), mib(baselinePhase.before.rss), ''],
    ['  RSS after (N more cached)', mib(contractPhase.after.rss), mib(baselinePhase.after.rss), ''],
    ['  workflows in the sticky cache after', String(contractPhase.after.cached), String(baselinePhase.after.cached), ''],
    ['main-thread V8 heap per workflow (activities, Core bridge; not the workflow isolate)', kib(perHeap(contractPhase)), kib(perHeap(baselinePhase)), ''],
    [`time to open ${n} (contracts through the API / starts)`, seconds(contractPhase.openSeconds), seconds(baselinePhase.openSeconds), ratio(contractPhase.openSeconds, baselinePhase.openSeconds)],
    ['  rate', perSecond(n, contractPhase.openSeconds, 'contracts'), perSecond(n, baselinePhase.openSeconds, 'workflows'), ''],
  ];
  printTable(`P3 worker memory: ${n} open workflows cached by one worker process (WORKER_MAX_CACHED_WORKFLOWS=${cache}, --max-old-space-size=${heapMiB})`, ['metric', 'contract workflows', 'baseline', 'ratio'], rows, [
    'Contract workflows: trial contracts (plus) created through POST /v1/contracts, waiting for the end of their trial. Baseline: openWorkflow (waits on a condition) on a worker of its own, same cache size, same server.',
    machineLine(bench.loadAtStart),
    `PostgreSQL: ${p.database.label}; Temporal dev server; the API in the bench process, each worker in a process of its own (RSS of that process)`,
  ]);
});
