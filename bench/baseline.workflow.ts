/**
 * The baseline of bench/invoice-run.ts: the least a Temporal workflow woken by a timer can do.
 * One timer (armed for an absolute instant, like a contract's invoice run) and one no-op
 * activity; bundled on its own (bundleWorkflowCode) for a second worker on its own task queue.
 */
import { defineQuery, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

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
