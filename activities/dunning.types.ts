/**
 * The dunning activities the contract workflow calls (implemented in dunning.activity.ts).
 * Types only, so the workflow bundle does not pull in the database, documents or partners.
 */
import type { LocalDate } from '../src/domain/calendar';
import type { DunningLadder, DunningLadderStep, DunningStepKind } from '../src/domain/dunning';
import type { ReceivablesSnapshot } from '../src/domain/ledger';

export interface StartDunningInput {
  readonly idempotencyKey: string;
  readonly contractId: string;
  readonly invoiceId: string;
  /** The day the ladder counts from (the due date, or a chargeback's booking day). */
  readonly startedOn: LocalDate;
}

export interface StartDunningResult {
  /** The ladder in force now: the invoice keeps it. */
  readonly ladder: DunningLadder;
  /** The first step's day (mirrored as the invoice's `dunning.nextStepOn`). */
  readonly nextStepOn: LocalDate | null;
}

export interface RunDunningStepInput {
  /** `<workflowId>/dunning/<invoice>/<round>/<step>`: each step once, whatever is retried. */
  readonly idempotencyKey: string;
  readonly contractId: string;
  readonly invoiceId: string;
  readonly ladderStep: DunningLadderStep;
  readonly round: number;
  readonly runOn: LocalDate;
  readonly nextStepOn: LocalDate | null;
  /** Steps of this round that ran before, with their days (letters for the credit-bureau check). */
  readonly earlier: readonly { readonly step: DunningStepKind; readonly runOn: LocalDate }[];
  /** The invoice was disputed in this round (no credit-bureau report). */
  readonly disputed: boolean;
}

export interface RunDunningStepResult {
  readonly feeCents: number;
  readonly interestCents: number;
  readonly flatFeeCents: number;
  /** Set for the handover. */
  readonly handover: { readonly handoverId: string; readonly creditReport: 'sent' | 'withheld'; readonly reason: string | null } | null;
  readonly receivables: ReceivablesSnapshot;
}

export interface RecordDisputeInput {
  readonly invoiceId: string;
  readonly onHold: boolean;
  readonly reason: string | null;
  /** ISO instant (workflow time). */
  readonly at: string;
  readonly nextStepOn: LocalDate | null;
}

export interface DunningActivities {
  /** Reports the payments booked after a handover to the collection agency (each once, by payment id). */
  reportCollectionPayments(input: { readonly contractId: string }): Promise<{ readonly reported: number }>;
  startDunning(input: StartDunningInput): Promise<StartDunningResult>;
  runDunningStep(input: RunDunningStepInput): Promise<RunDunningStepResult>;
  recordDispute(input: RecordDisputeInput): Promise<void>;
}

/** Non-retryable failure types of the dunning activities (each becomes an attention item). */
export const DUNNING_FAILURE_TYPES = {
  /** No Basiszinssatz for a half-year the interest covers: an operator adds it (POST /v1/base-rates), then retries. */
  BASE_RATE_MISSING: 'BASE_RATE_MISSING',
  INVOICE_MISSING: 'INVOICE_MISSING',
} as const;
