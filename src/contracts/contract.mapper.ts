import { localDateOf } from '../domain/calendar';
import type { Cancellation, CancellationChannel } from '../domain/contract';
import type { AttentionItem, Communication, Contract, ContractEvent, PaymentMethod } from '../generated/prisma/client';

/** The pending (or executed) cancellation stored in a contract row, or null. */
export function cancellationOf(row: Contract): Cancellation | null {
  if (!row.cancellationEndsOn || !row.cancellationReceivedAt) return null;
  return {
    receivedAt: row.cancellationReceivedAt.toISOString(),
    receivedOn: localDateOf(row.cancellationReceivedAt, row.timeZone),
    endsOn: row.cancellationEndsOn,
    deleteData: row.cancellationDeleteData ?? false,
    channel: (row.cancellationChannel ?? 'online') as CancellationChannel,
    reason: row.cancellationReason,
  };
}

/** What the contract resource shows besides the row: open attention items and the current payment method. */
export interface ContractDetails {
  readonly attention: readonly AttentionItem[];
  readonly paymentMethod: PaymentMethod | null;
  /** Open principal of the contract's invoices (search attribute `OpenAmount` in Temporal). */
  readonly openCents: number;
  /** The highest dunning level among the open invoices (search attribute `DunningLevel`), and whether one is on hold. */
  readonly dunningLevel: number;
  readonly dunningOnHold: boolean;
}

/** The contract resource of API.md from its database mirror. */
export function toContractResource(row: Contract, details: ContractDetails) {
  return {
    id: row.id,
    customerId: row.customerId,
    plan: row.plan,
    seats: row.seats,
    status: row.status,
    timeZone: row.timeZone,
    startedOn: row.startedOn,
    trialEndsOn: row.trialEndsOn,
    cancellation: cancellationResource(row),
    pendingPlanChange:
      row.pendingPlanChangePlan && row.pendingPlanChangeEffectiveOn
        ? { plan: row.pendingPlanChangePlan, effectiveOn: row.pendingPlanChangeEffectiveOn, requestedAt: row.pendingPlanChangeRequestedAt?.toISOString() ?? null }
        : null,
    paidFrom: row.paidFrom,
    pausedSince: row.pausedSince,
    /** Paused and suspended contracts are read-only: features can be viewed, not used. */
    readOnly: row.status === 'paused' || row.status === 'suspended',
    billingMode: row.billingMode,
    paymentMethod: details.paymentMethod ? toPaymentMethodResource(details.paymentMethod) : null,
    openAmount: { amount: details.openCents, currency: 'EUR' as const },
    dunning: { level: details.dunningLevel, onHold: details.dunningOnHold },
    /** Steps that failed for good and wait for an operator (docs/attention.md); empty when nothing failed. */
    attention: details.attention.map((item) => ({ step: item.step, kind: item.kind, error: item.error, since: item.since.toISOString(), attempts: item.attempts })),
    ...(row.endedOn ? { endedOn: row.endedOn, dataDeletionDueOn: row.dataDeletionDueOn, dataDeleted: row.dataDeletedAt !== null } : {}),
    workflowId: row.workflowId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A payment method with masked details only (`ibanLast4`, `cardLast4`), never the full IBAN or card. */
export function toPaymentMethodResource(row: PaymentMethod) {
  return {
    type: row.type,
    ...(row.mandateReference ? { mandateReference: row.mandateReference } : {}),
    ...(row.ibanLast4 ? { ibanLast4: row.ibanLast4 } : {}),
    ...(row.accountHolder ? { accountHolder: row.accountHolder } : {}),
    ...(row.signedOn ? { signedOn: row.signedOn } : {}),
    ...(row.cardLast4 ? { cardLast4: row.cardLast4 } : {}),
  };
}

function cancellationResource(row: Contract) {
  const c = cancellationOf(row);
  return c && { receivedAt: c.receivedAt, receivedOn: c.receivedOn, endsOn: c.endsOn, deleteData: c.deleteData, channel: c.channel, reason: c.reason };
}

/** An entry of the communications list. */
export function toCommunicationResource(row: Communication) {
  return {
    id: row.id,
    kind: row.kind,
    channel: row.channel,
    template: row.template,
    locale: row.locale,
    subject: row.subject,
    status: row.status,
    sentAt: row.sentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** An entry of the contract's fact log. */
export function toContractEventResource(row: ContractEvent) {
  return { id: row.id, type: row.type, occurredAt: row.occurredAt.toISOString(), effectiveOn: row.effectiveOn, data: row.data };
}
