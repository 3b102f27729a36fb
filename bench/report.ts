/**
 * The benches' arguments and their report: the flags every bench takes, the machine line and the
 * table each prints (metric, figure, baseline, ratio). No set-up here, so the document bench
 * (P6) stays a small build.
 */
import os from 'node:os';

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}


// --- Arguments --------------------------------------------------------------------------------

export interface BenchArgs {
  /** --contracts: the size of the bench (its own default when not given). */
  contracts: number | null;
  /** --concurrency: API clients / starters working side by side. */
  concurrency: number;
  /** --rate: requests per second of the fixed-rate load (P5). */
  rate: number;
  /** --seconds: how long a fixed-rate load (P5) or one measurement (P6) runs. */
  seconds: number | null;
}

export const BENCH_FLAGS = '[--contracts N] [--concurrency C (default 20)] [--rate R (req/s, default 200)] [--seconds S]';

/** The flags every bench takes (`npm run bench` hands the same ones to each). */
export function parseBenchArgs(argv: readonly string[], usage: string): BenchArgs {
  const options: BenchArgs = { contracts: null, concurrency: 20, rate: 200, seconds: null };
  const fail = (message: string): never => {
    console.error(`${message}\nUsage: ${usage} ${BENCH_FLAGS}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split('=', 2) as [string, string | undefined];
    if (flag === '--help' || flag === '-h') fail('');
    const key = flag.replace(/^--/, '') as keyof BenchArgs;
    if (!flag.startsWith('--') || !(key in options)) fail(`Unknown argument ${argv[i]}`);
    const value = Number(inline ?? argv[++i]);
    if (!(value > 0) || (key !== 'seconds' && !Number.isInteger(value))) fail(`${flag} needs a positive ${key === 'seconds' ? 'number' : 'integer'}`);
    options[key] = value;
  }
  return options;
}

// --- Reporting --------------------------------------------------------------------------------

/** nproc, CPU model, RAM, Node, kernel and the load averages at the start and now. */
export function machineLine(loadAtStart: readonly number[]): string {
  const cpuModel = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const load = (values: readonly number[]) => values.map((l) => l.toFixed(2)).join(' ');
  return `Machine: nproc ${os.availableParallelism()}, ${cpuModel}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}; load average (1/5/15 min) at start ${load(loadAtStart)}, at the end ${load(os.loadavg())}`;
}

export const ratio = (figure: number, baseline: number) => `${(figure / baseline).toFixed(figure / baseline < 10 ? 2 : 1)}×`;
export const seconds = (s: number) => `${s.toFixed(s < 10 ? 2 : 1)} s`;
export const millis = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
export const perSecond = (count: number, s: number, unit: string) => `${(count / s).toFixed(count / s < 100 ? 1 : 0)} ${unit}/s`;
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Prints `title`, the notes and the table (metric, figure, baseline, ratio, as the bench names them) to stdout. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[], notes: readonly string[] = []): void {
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: readonly string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log(['', title, ...notes, '', format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format), ''].join('\n'));
}
