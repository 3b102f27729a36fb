/**
 * The contract state machine: `decide(state, event, now, policy)` returns the next state and
 * the commands (side effects) to carry out. Pure: time comes in as `now`, ids are in state.
 * Customer commands are in this file; what happens when time passes is in contract-deadlines.ts.
 */
import type { LocalDate } from './calendar';
import { addDays, compareLocalDates, localDateOf } from './calendar';
import type {
  Cancellation,
  ContractCommand,
  ContractEvent,
  ContractPolicy,
  ContractState,
  Decision,
  NewContract,
  SuspensionReason,
} from './contract-state';
import { DEFAULT_CONTRACT_POLICY, suspensionDaysOf } from './contract-state';
import { endContract, reachDeadlines } from './contract-deadlines';
import { DomainError } from './errors';
import { cancellationDeadline, noticeEndsOn } from './notice-period';
import { planOf } from './plans';
import { bump, notify, record } from './contract-commands';
import { prorationOfMonth } from './proration';

export * from './contract-state';
export { describeNextDeadline, nextDeadline } from './contract-deadlines';

/** Time zone of a contract: the customer's country decides (DOMAIN.md, "Parties and time"). */
export function timeZoneForCountry(country: string): string {
  return country === 'AT' ? 'Europe/Vienna' : 'Europe/Berlin';
}

/** The state of a contract created at `now`, and the commands of its first step. */
export function startContract(input: NewContract, now: Date, policy: ContractPolicy = DEFAULT_CONTRACT_POLICY): Decision {
  const startedOn = localDateOf(now, input.timeZone);
  // NOTE: the trial counts its start day: started 10.01. → last trial day 08.02. (30 days).
  const trialEndsOn = input.trial ? addDays(startedOn, policy.trialDays - 1) : null;
  const state: ContractState = {
    id: input.id,
    customerId: input.customerId,
    customerType: input.customerType,
    plan: input.trial ? 'plus' : input.plan,
    seats: input.seats,
    status: input.trial ? 'trial' : 'active',
    timeZone: input.timeZone,
    startedOn,
    trialEndsOn,
    paidFrom: input.trial ? null : startedOn,
    trialReminderSent: false,
    conversion: null,
    billingMode: input.billingMode,
    cancellation: null,
    pendingPlanChange: null,
    pausedSince: null,
    endedOn: null,
    dataDeletionDueOn: null,
    deletionNoticeSent: false,
    dataDeleted: false,
    revision: 1,
  };
  return {
    state,
    commands: [
      notify(state, { template: 'contract-started', context: { plan: state.plan, startedOn, trialEndsOn } }),
      record(state, { type: 'contract-started', effectiveOn: startedOn, data: { plan: state.plan, seats: state.seats, trial: input.trial } }),
    ],
    changed: true,
  };
}

/** Applies `event` at `now`. Throws `DomainError` when a rule forbids it; never mutates `state`. */
export function decide(state: ContractState, event: ContractEvent, now: Date, policy: ContractPolicy = DEFAULT_CONTRACT_POLICY): Decision {
  const today = localDateOf(now, state.timeZone);
  switch (event.type) {
    case 'cancel':
      return cancel(state, event, now, today, policy);
    case 'revoke-cancellation':
      return revokeCancellation(state, today);
    case 'change-plan':
      return changePlan(state, event, now, today, policy);
    case 'revoke-plan-change':
      return revokePlanChange(state, today);
    case 'convert-trial':
      return convertTrial(state, event, now);
    case 'pause':
      return pause(state, today, policy);
    case 'resume':
      return resume(state, today);
    case 'change-seats':
      return changeSeats(state, event, today);
    case 'suspend':
      return suspend(state, event.reason, today, policy);
    case 'restore':
      return restore(state, today);
    case 'deadline-reached':
      return reachDeadlines(state, now, policy);
  }
}

/** Suspends an active (or paused) contract; a suspended or ended one stays as it is. */
function suspend(state: ContractState, reason: SuspensionReason, today: LocalDate, policy: ContractPolicy): Decision {
  if (state.status !== 'active' && state.status !== 'paused') return { state, commands: [], changed: false };
  const next = bump({ ...state, status: 'suspended', pausedSince: null, suspendedSince: today, suspensionReason: reason });
  const endsOnUnpaid = addDays(today, suspensionDaysOf(policy) - 1);
  return {
    state: next,
    commands: [
      notify(next, { template: 'contract-suspended', context: { suspendedSince: today, reason, endsOnUnpaid } }),
      record(next, { type: 'suspended', effectiveOn: today, data: { reason, pausedSince: state.pausedSince } }),
    ],
    changed: true,
  };
}

/** The claim is paid: a suspended contract is active again. */
function restore(state: ContractState, today: LocalDate): Decision {
  if (state.status !== 'suspended') return { state, commands: [], changed: false };
  const next = bump({ ...state, status: 'active', suspendedSince: null, suspensionReason: null });
  return {
    state: next,
    commands: [
      notify(next, { template: 'contract-restored', context: { restoredOn: today } }),
      record(next, { type: 'restored', effectiveOn: today, data: { suspendedSince: state.suspendedSince ?? null } }),
    ],
    changed: true,
  };
}

/** When a notice received at `receivedAt` would end the contract (the cancellation preview). */
export function previewCancellation(state: ContractState, receivedAt: Date, policy: ContractPolicy = DEFAULT_CONTRACT_POLICY) {
  if (state.status === 'trial') {
    const receivedOn = localDateOf(receivedAt, state.timeZone);
    return { receivedOn, endsOn: receivedOn };
  }
  const { receivedOn, endsOn } = cancellationDeadline(receivedAt, state.timeZone, policy.notice[state.customerType]);
  return { receivedOn, endsOn };
}

function cancel(state: ContractState, event: Extract<ContractEvent, { type: 'cancel' }>, now: Date, today: LocalDate, policy: ContractPolicy): Decision {
  assertNotEnded(state);
  if (state.cancellation) {
    throw new DomainError('ALREADY_CANCELLED', `The contract is already cancelled and ends on ${state.cancellation.endsOn}.`);
  }
  if (event.receivedAt.getTime() > now.getTime()) {
    throw new DomainError('RECEIVED_IN_FUTURE', 'A notice cannot be received in the future.');
  }
  if (compareLocalDates(localDateOf(event.receivedAt, state.timeZone), addDays(today, -policy.maxBackdateDays)) < 0) {
    throw new DomainError('RECEIVED_TOO_LONG_AGO', `A notice may be recorded at most ${policy.maxBackdateDays} days after it arrived.`);
  }
  const { receivedOn, endsOn } = previewCancellation(state, event.receivedAt, policy);
  if (compareLocalDates(receivedOn, state.startedOn) < 0) {
    throw new DomainError('RECEIVED_BEFORE_START', `A notice cannot have arrived before the contract started (${state.startedOn}).`);
  }
  const cancellation: Cancellation = {
    receivedAt: event.receivedAt.toISOString(),
    receivedOn,
    endsOn,
    deleteData: event.deleteData,
    channel: event.channel,
    reason: event.reason,
  };
  // Cancelling drops a pending downgrade (DOMAIN.md, "Cancellation and revocation").
  const droppedPlanChange = state.pendingPlanChange !== null;
  const next = bump({ ...state, cancellation, pendingPlanChange: null });
  const commands: ContractCommand[] = [
    notify(next, { template: 'cancellation-confirmed', context: { receivedOn, endsOn, deleteData: event.deleteData, droppedPlanChange } }),
    record(next, {
      type: 'cancelled',
      effectiveOn: endsOn,
      data: { receivedOn, channel: event.channel, deleteData: event.deleteData, droppedPlanChange, reason: event.reason },
    }),
  ];
  if (state.status === 'trial') {
    // Cancelling during a trial ends the contract at once (DOMAIN.md, "Trial").
    const ended = endContract(next, receivedOn, event.deleteData, policy);
    return { state: ended.state, commands: [...commands, ...ended.commands], changed: true };
  }
  return { state: next, commands, changed: true };
}

function revokeCancellation(state: ContractState, today: LocalDate): Decision {
  if (state.status === 'ended') {
    throw new DomainError('NOTICE_PERIOD_OVER', `The contract ended on ${state.endedOn ?? '?'}; nothing can be revoked.`);
  }
  if (!state.cancellation) throw new DomainError('NOTHING_TO_REVOKE', 'There is no pending cancellation to revoke.');
  // A cancellation can be revoked until the end of endsOn (local time).
  if (compareLocalDates(today, state.cancellation.endsOn) > 0) {
    throw new DomainError('NOTICE_PERIOD_OVER', `The notice period ended on ${state.cancellation.endsOn}.`);
  }
  const next = bump({ ...state, cancellation: null });
  return {
    state: next,
    commands: [
      notify(next, { template: 'cancellation-revoked', context: { plan: next.plan } }),
      record(next, { type: 'cancellation-revoked', effectiveOn: today, data: { endsOn: state.cancellation.endsOn } }),
    ],
    changed: true,
  };
}

function changePlan(state: ContractState, event: Extract<ContractEvent, { type: 'change-plan' }>, now: Date, today: LocalDate, policy: ContractPolicy): Decision {
  assertNotEnded(state);
  if (state.status === 'trial') throw new DomainError('PLAN_CHANGE_BLOCKED', 'During the trial, choose a plan by converting the trial.');
  if (state.cancellation) {
    throw new DomainError('PLAN_CHANGE_BLOCKED', `The contract is cancelled (ends on ${state.cancellation.endsOn}); revoke the cancellation first.`);
  }
  if (state.pendingPlanChange) {
    throw new DomainError('PLAN_CHANGE_PENDING', `A change to ${state.pendingPlanChange.plan} takes effect on ${state.pendingPlanChange.effectiveOn}; revoke it first.`);
  }
  if (event.plan === state.plan) throw new DomainError('SAME_PLAN', `The contract is already on ${state.plan}.`);
  const from = planOf(state.plan);
  const to = planOf(event.plan);
  if (to.monthlyFeePerSeat > from.monthlyFeePerSeat) {
    // Upgrade: immediate; the current month is prorated by days (billing reads the fact).
    const next = bump({ ...state, plan: event.plan });
    const proration = prorationOfMonth(today);
    return {
      state: next,
      commands: [
        notify(next, { template: 'plan-upgraded', context: { fromPlan: state.plan, toPlan: event.plan, effectiveOn: today, seats: next.seats } }),
        record(next, {
          type: 'plan-upgraded',
          effectiveOn: today,
          data: { fromPlan: state.plan, toPlan: event.plan, seats: next.seats, proratedDays: proration.days, daysInMonth: proration.daysInMonth },
        }),
      ],
      changed: true,
    };
  }
  if (!event.acceptTerms) throw new DomainError('TERMS_NOT_ACCEPTED', 'A downgrade needs acceptance of the terms (acceptTerms: true).');
  // Downgrade: effective the day after the notice period's end; plus features stay meanwhile.
  const effectiveOn = addDays(noticeEndsOn(today, policy.notice[state.customerType]), 1);
  const next = bump({ ...state, pendingPlanChange: { plan: event.plan, requestedAt: now.toISOString(), receivedOn: today, effectiveOn } });
  return {
    state: next,
    commands: [
      notify(next, { template: 'plan-change-scheduled', context: { fromPlan: state.plan, toPlan: event.plan, effectiveOn } }),
      record(next, { type: 'plan-change-scheduled', effectiveOn, data: { fromPlan: state.plan, toPlan: event.plan, receivedOn: today } }),
    ],
    changed: true,
  };
}

function revokePlanChange(state: ContractState, today: LocalDate): Decision {
  const pending = state.pendingPlanChange;
  if (!pending) throw new DomainError('NOTHING_TO_REVOKE', 'There is no pending plan change to revoke.');
  if (compareLocalDates(today, pending.effectiveOn) >= 0) {
    throw new DomainError('NOTICE_PERIOD_OVER', `The plan change took effect on ${pending.effectiveOn}.`);
  }
  const next = bump({ ...state, pendingPlanChange: null });
  return {
    state: next,
    commands: [
      notify(next, { template: 'plan-change-revoked', context: { plan: next.plan } }),
      record(next, { type: 'plan-change-revoked', effectiveOn: today, data: { plan: pending.plan, effectiveOn: pending.effectiveOn } }),
    ],
    changed: true,
  };
}

function convertTrial(state: ContractState, event: Extract<ContractEvent, { type: 'convert-trial' }>, now: Date): Decision {
  assertNotEnded(state);
  // NOTE: also after the trial's last day while its timer has not fired yet (around 00:00).
  if (state.status !== 'trial' || !state.trialEndsOn || compareLocalDates(localDateOf(now, state.timeZone), state.trialEndsOn) > 0) {
    throw new DomainError('NOT_IN_TRIAL', 'Only a running trial can be converted.');
  }
  if (state.conversion) throw new DomainError('ALREADY_CONVERTED', `The trial is already converted to ${state.conversion.plan}.`);
  // Paid from the day after the trial; the trial days stay free.
  const paidFrom = addDays(state.trialEndsOn, 1);
  const next = bump({ ...state, paidFrom, conversion: { plan: event.plan, paymentMethod: event.paymentMethod, convertedAt: now.toISOString() } });
  return {
    state: next,
    commands: [
      notify(next, { template: 'trial-converted', context: { plan: event.plan, paidFrom } }),
      record(next, { type: 'trial-converted', effectiveOn: paidFrom, data: { plan: event.plan, paymentMethod: event.paymentMethod } }),
    ],
    changed: true,
  };
}

function pause(state: ContractState, today: LocalDate, policy: ContractPolicy): Decision {
  assertNotEnded(state);
  if (state.status === 'paused') throw new DomainError('ALREADY_PAUSED', `The contract is paused since ${state.pausedSince ?? '?'}.`);
  if (state.status !== 'active') throw new DomainError('NOT_ACTIVE', `Only an active contract can be paused (it is ${state.status}).`);
  const next = bump({ ...state, status: 'paused', pausedSince: today });
  return {
    state: next,
    commands: [
      notify(next, { template: 'contract-paused', context: { pausedSince: today, pauseFeeCents: policy.pauseFeeCents } }),
      record(next, { type: 'paused', effectiveOn: today, data: { pauseFeeCents: policy.pauseFeeCents } }),
    ],
    changed: true,
  };
}

function resume(state: ContractState, today: LocalDate): Decision {
  assertNotEnded(state);
  if (state.status !== 'paused') throw new DomainError('NOT_PAUSED', 'The contract is not paused.');
  const next = bump({ ...state, status: 'active', pausedSince: null });
  return {
    state: next,
    commands: [
      notify(next, { template: 'contract-resumed', context: { resumedOn: today, plan: next.plan } }),
      record(next, { type: 'resumed', effectiveOn: today, data: { pausedSince: state.pausedSince } }),
    ],
    changed: true,
  };
}

function changeSeats(state: ContractState, event: Extract<ContractEvent, { type: 'change-seats' }>, today: LocalDate): Decision {
  assertNotEnded(state);
  const maxSeats = planOf(state.plan).maxSeats;
  if (maxSeats !== null && event.seats > maxSeats) {
    throw new DomainError('SEAT_LIMIT_REACHED', `Plan ${state.plan} allows ${maxSeats} seat(s).`);
  }
  if (event.seats < event.userCount) {
    throw new DomainError('SEATS_BELOW_USERS', `The contract has ${event.userCount} users; remove users before reducing seats to ${event.seats}.`);
  }
  if (event.seats === state.seats) return { state, commands: [], changed: false };
  const next = bump({ ...state, seats: event.seats });
  return {
    state: next,
    commands: [
      notify(next, { template: 'seats-changed', context: { seats: event.seats, effectiveOn: today } }),
      record(next, { type: 'seats-changed', effectiveOn: today, data: { from: state.seats, to: event.seats } }),
    ],
    changed: true,
  };
}

function assertNotEnded(state: ContractState): void {
  if (state.status === 'ended') throw new DomainError('CONTRACT_ENDED', `The contract ended on ${state.endedOn ?? '?'}.`);
}
