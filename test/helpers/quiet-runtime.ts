import { promisify } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker state changes and bundle statistics drown test output; warnings and errors stay.
Runtime.install({ logger: new DefaultLogger('WARN') });

/**
 * The Temporal client retries failed gRPC calls from a timer; a retry that fires after a test
 * file closed its connection throws "Channel has been shut down" synchronously from that timer
 * and fails the file (or the run) although every test passed. Timers swallow exactly that error.
 */
const realSetTimeout = globalThis.setTimeout as unknown as (callback: (...args: unknown[]) => unknown, ms?: number, ...args: unknown[]) => ReturnType<typeof setTimeout>;
function isRetryAfterShutdown(error: unknown): boolean {
  return error instanceof Error && error.message === 'Channel has been shut down' && /grpc-retry/.test(error.stack ?? '');
}
const guardedSetTimeout = ((callback: unknown, ms?: number, ...args: unknown[]) => {
  if (typeof callback !== 'function') return realSetTimeout(callback as (...a: unknown[]) => unknown, ms, ...args);
  return realSetTimeout(
    (...callArgs: unknown[]) => {
      try {
        return (callback as (...a: unknown[]) => unknown)(...callArgs);
      } catch (error) {
        if (isRetryAfterShutdown(error)) return undefined;
        throw error;
      }
    },
    ms,
    ...args,
  );
}) as typeof setTimeout;
Object.assign(guardedSetTimeout, globalThis.setTimeout);
// `util.promisify(setTimeout)` keeps working.
Object.defineProperty(guardedSetTimeout, promisify.custom, { value: (globalThis.setTimeout as unknown as Record<symbol, unknown>)[promisify.custom] });
globalThis.setTimeout = guardedSetTimeout;
