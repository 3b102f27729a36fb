/**
 * Attention items: side effects of a contract that failed for good (non-retryable, or retries
 * exhausted). The contract workflow never fails because a step failed: it parks the step here,
 * keeps every deadline, and lets an operator run it again (docs/attention.md).
 */
import type { BillingCommand } from './billing-run';
import type { PaymentCommand } from './receivables';
import type { DunningCommand } from './dunning-run';
import type { ContractCommand } from './contract-state';

/** Every command the contract workflow carries out as a step. */
export type StepCommand = ContractCommand | BillingCommand | PaymentCommand | DunningCommand;

/** What kind of side effect failed; shown to operators and used as a filter. */
export type AttentionKind = 'mail' | 'fact' | 'downgrade' | 'data-deletion' | 'database-mirror' | 'invoice' | 'invoice-delivery' | 'card-charge' | 'sepa-collection' | 'dunning';

/** Step name of the database mirror (saving the contract row); it has no command of its own. */
export const MIRROR_STEP = 'save-contract';

/** A failed step, as the workflow keeps it (serializable: it crosses continue-as-new). */
export interface AttentionItem {
  /** The command's step (`r12/contract-ended`) or {@link MIRROR_STEP}. */
  readonly step: string;
  readonly kind: AttentionKind;
  /** `<failure type>: <message>` of the last attempt. */
  readonly error: string;
  /** ISO instant of the first failure. */
  readonly since: string;
  /** Failed runs of this step (each run is one Temporal activity with its own bounded retries). */
  readonly attempts: number;
  /** The command to carry out again on retry; null for the mirror (it saves the current state). */
  readonly command: StepCommand | null;
}

/** The attention kind of a command. */
export function attentionKindOf(command: StepCommand | null): AttentionKind {
  if (command === null) return 'database-mirror';
  switch (command.type) {
    case 'notify':
      return 'mail';
    case 'record':
      return 'fact';
    case 'apply-downgrade':
      return 'downgrade';
    case 'delete-personal-data':
      return 'data-deletion';
    case 'issue-invoice':
      return 'invoice';
    case 'deliver-invoice':
      return 'invoice-delivery';
    case 'charge-card':
    case 'top-up':
      return 'card-charge';
    case 'collect-sepa':
      return 'sepa-collection';
    case 'start-dunning':
    case 'dunning-step':
    case 'report-collection-payments':
      return 'dunning';
  }
}

/** Items after `step` failed at `now` with `error`: a new item, or the same one with one more attempt. */
export function raiseAttention(items: readonly AttentionItem[], step: string, command: StepCommand | null, error: string, now: Date): AttentionItem[] {
  const existing = items.find((i) => i.step === step);
  if (existing) return items.map((i) => (i.step === step ? { ...i, error, attempts: i.attempts + 1 } : i));
  return [...items, { step, kind: attentionKindOf(command), error, since: now.toISOString(), attempts: 1, command }];
}

/** Items after `step` succeeded. */
export function resolveAttention(items: readonly AttentionItem[], step: string): AttentionItem[] {
  return items.filter((i) => i.step !== step);
}
