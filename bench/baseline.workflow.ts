/**
 * The baselines of the benches. baselineWorkflow, of bench/invoice-run.ts: the least a Temporal workflow woken by a timer can do.
 * One timer (armed for an absolute instant, like a contract's invoice run) and one no-op
 * activity; bundled on its own (bundleWorkflowCode) for a second worker on its own task queue.
 */
import { condition, defineQuery, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export interface BaselineActivities {
  /** Does nothing; counts its calls in the bench process. */
  baselineNoop(): Promise<void>;
}

const { baselineNoop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30s' });

/** Answered once the workflow has run up to its timer (the bench waits for all before skipping). */
export const armedQuery = defineQuery<boolean>('armed');

export async function baselineWorkflow(input: { fireAt: string }): Promise<void> {
  setHandler(armedQuery, () => true);
  const delay = new Date(input.fireAt).getTime() - Date.now();
  if (delay > 0) await sleep(delay);
  await baselineNoop();
}

/** Ends an open baseline workflow. */
export const finishSignal = defineSignal('finish');

/**
 * The baseline of P1 and P3: an open workflow that does nothing but wait (on a condition, no
 * timer) until it is signalled; what a cached workflow costs the worker at the least.
 */
export async function openWorkflow(): Promise<void> {
  let finished = false;
  setHandler(armedQuery, () => true);
  setHandler(finishSignal, () => void (finished = true));
  await condition(() => finished);
}

/**
 * The baseline of P4: one timer for each instant in `fireAt` (absolute, like a contract's invoice
 * runs and retention dates), a no-op activity after each, then done.
 */
export async function timelineWorkflow(input: { fireAt: readonly string[] }): Promise<void> {
  setHandler(armedQuery, () => true);
  for (const at of input.fireAt) {
    const delay = new Date(at).getTime() - Date.now();
    if (delay > 0) await sleep(delay);
    await baselineNoop();
  }
}
