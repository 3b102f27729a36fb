import { WorkflowNotFoundError } from '@temporalio/client';

/** The contract's workflow has completed (or never existed): an update or signal to it cannot land. */
export function isWorkflowGone(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || (error instanceof Error && /workflow execution already completed/i.test(error.message));
}
