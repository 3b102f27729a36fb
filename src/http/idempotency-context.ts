/**
 * The Idempotency-Key of the request being handled, for code below the controller that passes it
 * on to another system: a contract command sends its workflow update with an update id derived
 * from it, so a retried request whose first attempt did reach the workflow (the answer was lost,
 * or the API gave up waiting while a worker restarted) gets that update's result instead of
 * running the command twice (Temporal keeps one outcome per update id).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

const storage = new AsyncLocalStorage<{ readonly scopedKey: string }>();

/** Runs `handle` with `scopedKey` (caller + key, as the idempotency records store it) as the request's key. */
export function withIdempotencyKey<T>(scopedKey: string, handle: () => Promise<T>): Promise<T> {
  return storage.run({ scopedKey }, handle);
}

/** A stable id for `what` (e.g. an update's name) under the current request's key; undefined without a key. */
export function idempotentIdFor(what: string): string | undefined {
  const context = storage.getStore();
  if (!context) return undefined;
  return `${what}-${createHash('sha256').update(`${what}\n${context.scopedKey}`).digest('hex').slice(0, 32)}`;
}
