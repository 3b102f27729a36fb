/**
 * `npm run bench`: the benchmarks P1–P6 of issue 11 one after the other, each in a process of its
 * own (so one's memory and Temporal runtime do not colour the next), each printing its table:
 * metric, figure, baseline measured in the same run, ratio.
 *
 *   npm run bench                                  (P1–P6, each at its default size)
 *   npm run bench -- P1 P5                         (some of them)
 *   npm run bench -- P3 --contracts 2000           (flags go to every bench picked)
 *
 * | P1 | bench/create.ts      | contracts created/s through POST /v1/contracts ÷ raw StartWorkflow/s (dev server); N = 300 |
 * | P2 | bench/invoice-run.ts | monthly invoice run over N contracts ÷ one-timer-one-no-op-activity workflows; N = 1000 |
 * | P3 | bench/memory.ts      | worker RSS per open cached contract workflow ÷ per waiting trivial workflow; N = 10,000 |
 * | P4 | bench/lifetime.ts    | 100 contracts through 7+ years to destruction in sandbox mode ÷ trivial workflows with as many timers |
 * | P5 | bench/latency.ts     | p50/p99 of GET /v1/contracts/{id} at a fixed rate ÷ GET /health/live; 200 req/s for 10 s |
 * | P6 | bench/documents.ts   | invoice PDFs and e-invoices per second on one core ÷ a one-line PDF/A-3b |
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_FLAGS, log, parseBenchArgs, seconds } from './report';

const BENCHES: Record<string, { file: string; what: string; node?: string[] }> = {
  P1: { file: 'create.js', what: 'contract creation through the REST API' },
  P2: { file: 'invoice-run.js', what: 'monthly invoice run' },
  P3: { file: 'memory.js', what: 'worker memory per open contract workflow' },
  P4: { file: 'lifetime.js', what: 'contracts through 7 years to destruction (sandbox)' },
  P5: { file: 'latency.js', what: 'GET /v1/contracts/{id} latency at a fixed rate' },
  P6: { file: 'documents.js', what: 'document rendering per core' },
};

function runOne(name: string, flags: readonly string[]): Promise<number> {
  const bench = BENCHES[name] as { file: string; what: string };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, bench.file), ...flags], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const picked = argv.filter((a) => /^p[1-6]$/i.test(a)).map((a) => a.toUpperCase());
  const flags = argv.filter((a) => !/^p[1-6]$/i.test(a));
  // Checked here once, so a typo fails before the first bench has run for minutes.
  parseBenchArgs(flags, `npm run bench -- [P1 … P6]`);
  const names = picked.length > 0 ? [...new Set(picked)].sort() : Object.keys(BENCHES);
  const results: string[] = [];
  for (const name of names) {
    log(`${name}: ${(BENCHES[name] as { what: string }).what} ${flags.join(' ')}`);
    console.log(`\n=== ${name} ===`);
    const started = performance.now();
    const code = await runOne(name, flags);
    results.push(`${name} ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds((performance.now() - started) / 1000)}`);
    if (code !== 0) process.exitCode = 1;
  }
  console.log(`\nBenches: ${results.join('; ')}`);
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: npm run bench -- [P1 … P6] ${BENCH_FLAGS}`);
} else {
  void main();
}
