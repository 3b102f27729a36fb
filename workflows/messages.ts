/**
 * Messages of the contract workflow, declared once: the workflow registers handlers for them
 * and the API sends them. Customer commands are Updates with validators, so a rule violation
 * comes back synchronously (HTTP 409) and leaves no trace in the history.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CancellationChannel, ContractState, PaymentMethodType } from '../src/domain/contract';
import type { PlanId } from '../src/domain/plans';
import type { AttentionItem } from '../src/domain/attention';
import type { BillingState } from '../src/domain/billing-run';
import { defineSignal } from '@temporalio/workflow';
import type { ReceivablesSnapshot } from '../src/domain/ledger';
import type { PaymentsState } from '../src/domain/receivables';

/** Body of the `cancel` update. */
export interface CancelRequest {
  /** ISO instant the notice arrived; omitted for online cancellations (then: now). */
  readonly receivedAt?: string;
  readonly deleteData: boolean;
  readonly channel: CancellationChannel;
  readonly reason: string | null;
}

/** Body of the `changePlan` update. */
export interface ChangePlanRequest {
  readonly plan: PlanId;
  readonly acceptTerms: boolean;
}

/** Body of the `convertTrial` update. Payment details stay in the database; only the type is state. */
export interface ConvertTrialRequest {
  readonly plan: PlanId;
  readonly paymentMethod: PaymentMethodType;
}

/** Body of the `changeSeats` update; `userCount` is what the API counted in the database. */
export interface ChangeSeatsRequest {
  readonly seats: number;
  readonly userCount: number;
}

/** Whether the workflow has carried out every side effect it owes (used by the sandbox clock). */
export interface SettledStatus {
  readonly settled: boolean;
  readonly revision: number;
  readonly nextDeadline: string | null;
}

/**
 * True when a workflow has nothing left to do at server time `now`: its outbox is empty and no
 * deadline at or before `now` is still waiting for its timer to be processed.
 */
export function isSettledAt(status: SettledStatus, now: Date): boolean {
  return status.settled && (status.nextDeadline === null || new Date(status.nextDeadline).getTime() > now.getTime());
}

export const cancelUpdate = defineUpdate<ContractState, [CancelRequest]>('cancel');
export const revokeCancellationUpdate = defineUpdate<ContractState, []>('revokeCancellation');
export const changePlanUpdate = defineUpdate<ContractState, [ChangePlanRequest]>('changePlan');
export const revokePlanChangeUpdate = defineUpdate<ContractState, []>('revokePlanChange');
export const convertTrialUpdate = defineUpdate<ContractState, [ConvertTrialRequest]>('convertTrial');
export const pauseUpdate = defineUpdate<ContractState, []>('pause');
export const resumeUpdate = defineUpdate<ContractState, []>('resume');
export const changeSeatsUpdate = defineUpdate<ContractState, [ChangeSeatsRequest]>('changeSeats');
/** Result of the `retryStep` update: the step is queued and runs again right after. */
export interface RetryStepResult {
  readonly step: string;
  readonly queued: boolean;
}
/** Operators: run a step that failed for good (an attention item) again. Fails with `NO_SUCH_ATTENTION_ITEM`. */
export const retryStepUpdate = defineUpdate<RetryStepResult, [string]>('retryStep');
export const stateQuery = defineQuery<ContractState>('state');
/** The contract's open attention items (steps that failed for good). */
export const attentionQuery = defineQuery<readonly AttentionItem[]>('attention');
/** The contract's billing slice: last run, what it billed in advance, pending charges. */
export const billingQuery = defineQuery<BillingState>('billing');
export const settledQuery = defineQuery<SettledStatus>('settled');

/** The debtor account changed (a payment, chargeback, return, fee): the newest snapshot wins. */
export const ledgerChangedSignal = defineSignal<[ReceivablesSnapshot]>('ledgerChanged');
/** A card charge (invoice or prepaid top-up) failed at the PSP. */
export interface ChargeFailedEvent {
  readonly invoiceId: string | null;
  readonly purpose: 'invoice' | 'top-up' | 'prepayment';
  readonly reason: string;
}
export const chargeFailedSignal = defineSignal<[ChargeFailedEvent]>('chargeFailed');
/** The contract's money side: account snapshot and SEPA debits waiting for their due date. */
export const paymentsQuery = defineQuery<PaymentsState>('payments');

/** Body of the `dispute` update (operators): put an invoice's dunning on hold, or lift the hold. */
export interface DisputeRequest {
  readonly invoiceId: string;
  readonly onHold: boolean;
  readonly reason: string | null;
}
/** Result of the `dispute` update: the invoice's dunning after it. */
export interface DisputeResult {
  readonly invoiceId: string;
  readonly onHold: boolean;
  readonly level: number;
  readonly nextStepOn: string | null;
}
export const disputeUpdate = defineUpdate<DisputeResult, [DisputeRequest]>('dispute');

/** Body of the `legalHold` update (operators): keep an invoice's records past their retention, or release them. */
export interface LegalHoldRequest {
  readonly invoiceId: string;
  readonly hold: boolean;
  readonly reason: string | null;
}
export interface LegalHoldResult {
  readonly invoiceId: string;
  readonly hold: boolean;
}
export const legalHoldUpdate = defineUpdate<LegalHoldResult, [LegalHoldRequest]>('legalHold');
