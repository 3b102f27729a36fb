/**
 * The open-loop load generator of P5, forked by bench/latency.ts so that it does not share the
 * API's event loop: requests go out at a fixed rate whether or not earlier ones have answered,
 * and each one's latency counts from the instant it was due (no coordinated omission: a stall of
 * the API shows up in the latencies of every request that was due during it).
 *
 * Message in (IPC): { targets: [{ path, token? }], baseUrl, rate, seconds }.
 * Message out: { latencies: number[] (ms, in due order), errors, statuses: { [code]: count }, sentSeconds }.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadRequest {
  baseUrl: string;
  /** Called round-robin. */
  targets: { path: string; token?: string }[];
  rate: number;
  seconds: number;
}

export interface LoadResult {
  latencies: number[];
  errors: number;
  statuses: Record<string, number>;
  /** How long sending took (≈ `seconds` unless the generator itself fell behind). */
  sentSeconds: number;
}

function run(request: LoadRequest): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(request.rate * request.seconds);
  const interval = 1000 / request.rate;
  const latencies: number[] = new Array<number>(total);
  const statuses: Record<string, number> = {};
  let errors = 0;
  let answered = 0;
  const started = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      resolve({ latencies, errors, statuses, sentSeconds: (sentAt - started) / 1000 });
    };
    let sentAt = started;
    const fire = (index: number, due: number) => {
      const target = request.targets[index % request.targets.length] as { path: string; token?: string };
      const done = (status: string) => {
        latencies[index] = performance.now() - due;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (++answered === total) finish();
      };
      const req = http.get(new URL(target.path, request.baseUrl), { agent, headers: target.token ? { authorization: `Bearer ${target.token}` } : {} }, (res) => {
        res.resume();
        res.on('end', () => done(String(res.statusCode)));
        res.on('error', () => {
          errors++;
          done('error');
        });
      });
      req.on('error', () => {
        errors++;
        done('error');
      });
    };
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out now; the due instant is what the latency counts from.
      while (sent < total && started + sent * interval <= now) {
        fire(sent, started + sent * interval);
        sent++;
      }
      sentAt = now;
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
    };
    tick();
  });
}

process.on('message', (message: LoadRequest) => {
  void run(message).then((result) => {
    process.send?.(result, () => process.exit(0));
  });
});
