import type { Communication, Contract } from '../generated/prisma/client';

/** The contract resource of API.md from its database mirror. */
export function toContractResource(row: Contract) {
  return {
    id: row.id,
    customerId: row.customerId,
    plan: row.plan,
    seats: row.seats,
    status: row.status,
    timeZone: row.timeZone,
    startedOn: row.startedOn,
    trialEndsOn: row.trialEndsOn,
    cancellation:
      row.cancellationEndsOn && row.cancellationReceivedAt
        ? {
            receivedAt: row.cancellationReceivedAt.toISOString(),
            endsOn: row.cancellationEndsOn,
            deleteData: row.cancellationDeleteData ?? false,
            channel: row.cancellationChannel ?? 'online',
            reason: row.cancellationReason,
          }
        : null,
    pendingPlanChange: null,
    billingMode: row.billingMode,
    paymentMethod: null,
    dunning: { level: 0, onHold: false },
    ...(row.endedOn ? { endedOn: row.endedOn } : {}),
    workflowId: row.workflowId,
    createdAt: row.createdAt.toISOString(),
  };
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
