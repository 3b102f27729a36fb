import type { ContractState } from '../domain/contract';

/**
 * Columns of the `contracts` read model that mirror the workflow state. One mapping, used by
 * the mirror activity (writes) and by the API (a command's response from the update's state).
 */
export function contractColumnsOf(state: ContractState) {
  const c = state.cancellation;
  return {
    plan: state.plan,
    seats: state.seats,
    status: state.status,
    trialEndsOn: state.trialEndsOn,
    startedOn: state.startedOn,
    billingMode: state.billingMode,
    cancellationReceivedAt: c ? new Date(c.receivedAt) : null,
    cancellationEndsOn: c?.endsOn ?? null,
    cancellationDeleteData: c?.deleteData ?? null,
    cancellationChannel: c?.channel ?? null,
    cancellationReason: c?.reason ?? null,
    endedOn: state.endedOn,
    paidFrom: state.paidFrom,
    pendingPlanChangePlan: state.pendingPlanChange?.plan ?? null,
    pendingPlanChangeEffectiveOn: state.pendingPlanChange?.effectiveOn ?? null,
    pendingPlanChangeRequestedAt: state.pendingPlanChange ? new Date(state.pendingPlanChange.requestedAt) : null,
    pausedSince: state.pausedSince,
    dataDeletionDueOn: state.dataDeletionDueOn,
    revision: state.revision,
  };
}
