import { createLogger } from '../../src/observability/logger';

/** A log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A root logger that writes into `lines` (the destination stream a test reads). */
export function capturingLogger() {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const log = createLogger(
    { level: 'info', format: 'json' },
    {
      write(text: string) {
        raw.push(text);
        lines.push(JSON.parse(text) as LogLine);
      },
    },
  );
  return { log, lines, raw };
}

/** The value of one sample in a Prometheus text exposition (`name{labels} value`), 0 when absent. */
export function sample(exposition: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (wanted.every(([key, value]) => found[key] === value) && Object.keys(found).length === wanted.length) return Number(match[3]);
  }
  return 0;
}
