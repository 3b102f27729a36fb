/**
 * Activity task queues by concern (docs/deployment.md, "Task queues"). The contract workflows
 * and their database activities share the main queue (TEMPORAL_TASK_QUEUE); activities whose
 * limits differ have queues of their own, each with its own slots and an optional rate limit
 * that the Temporal server enforces across all workers (`maxTaskQueueActivitiesPerSecond`):
 *
 *   mail       notices over SMTP (a mail provider's sending rate)
 *   documents  invoice delivery and dunning steps: PDF/A, Factur-X and XRechnung rendering
 *              (CPU), then mail and the print partner
 *   partners   card charges and prepaid top-ups at the PSP, payment reports to the collection agency
 *
 * Pure types and names: the workflow imports this module (no I/O here).
 */

/** A concern with a task queue of its own. */
export type ActivityConcern = 'mail' | 'documents' | 'partners';

export const ACTIVITY_CONCERNS: readonly ActivityConcern[] = ['mail', 'documents', 'partners'];

/** Task queue per concern, carried in the workflow's input (a workflow cannot read configuration). */
export type ActivityQueues = Readonly<Record<ActivityConcern, string>>;

/** The default name of a concern's queue: `<main queue>-<concern>`. */
export function defaultActivityQueue(mainQueue: string, concern: ActivityConcern): string {
  return `${mainQueue}-${concern}`;
}
