/**
 * The contract state machine: `decide(state, event, now, policy)` returns the next state and
 * the commands (side effects) to carry out. Pure: time comes in as `now`, ids are in state.
 */
import type { LocalDate } from './calendar';
import { addDays, compareLocalDates, localDateOf, startOfLocalDay } from './calendar';
import { DomainError } from './errors';
import type { CustomerType, NoticePolicies } from './notice-period';
import { cancellationDeadline, DEFAULT_NOTICE_POLICIES } from './notice-period';
import type { PlanId } from './plans';

export type ContractStatus = 'trial' | 'active' | 'paused' | 'suspended' | 'ended';
export type BillingMode = 'postpaid' | 'prepaid';
export type CancellationChannel = 'online' | 'phone' | 'letter';

/** A pending (or, once ended, executed) cancellation. */
export interface Cancellation {
  /** Instant the notice arrived (ISO 8601). */
  readonly receivedAt: string;
  /** Local date of receipt in the contract's zone: the notice period counts from here. */
  readonly receivedOn: LocalDate;
  /** Last day the contract is in force. */
  readonly endsOn: LocalDate;
  readonly deleteData: boolean;
  readonly channel: CancellationChannel;
  readonly reason: string | null;
}

/** Everything the workflow knows about a contract. Serializable (continue-as-new input). */
export interface ContractState {
  readonly id: string;
  readonly customerId: string;
  readonly customerType: CustomerType;
  readonly plan: PlanId;
  readonly seats: number;
  readonly status: ContractStatus;
  readonly timeZone: string;
  readonly startedOn: LocalDate;
  readonly trialEndsOn: LocalDate | null;
  readonly billingMode: BillingMode;
  readonly cancellation: Cancellation | null;
  readonly endedOn: LocalDate | null;
  /** Number of events applied; names side-effect steps and orders the database mirror. */
  readonly revision: number;
}

/** What can happen to a contract. */
export type ContractEvent =
  | {
      readonly type: 'cancel';
      readonly receivedAt: Date;
      readonly deleteData: boolean;
      readonly channel: CancellationChannel;
      readonly reason: string | null;
    }
  | { readonly type: 'revoke-cancellation' }
  /** A timer fired: the workflow asks whether a deadline (end of contract, end of trial) is due. */
  | { readonly type: 'deadline-reached' };

/** A customer notice; the mail activity adds the recipient and the customer's name. */
export type ContractNotice =
  | { readonly template: 'contract-started'; readonly context: { plan: PlanId; startedOn: LocalDate; trialEndsOn: LocalDate | null } }
  | {
      readonly template: 'cancellation-confirmed';
      readonly context: { receivedOn: LocalDate; endsOn: LocalDate; deleteData: boolean; droppedPlanChange: boolean };
    }
  | { readonly template: 'cancellation-revoked'; readonly context: { plan: PlanId } }
  | { readonly template: 'contract-ended'; readonly context: { endedOn: LocalDate; deleteData: boolean } };

/** Side effects the workflow carries out through activities. */
export type ContractCommand = {
  readonly type: 'notify';
  /** Unique per contract and step: `r<revision>/<template>`; part of the idempotency key. */
  readonly step: string;
  readonly notice: ContractNotice;
};

export interface Decision {
  readonly state: ContractState;
  readonly commands: readonly ContractCommand[];
  /** False when the event changed nothing (e.g. a timer fired early). */
  readonly changed: boolean;
}

/** Rules that are configuration, not code. */
export interface ContractPolicy {
  readonly notice: NoticePolicies;
  /** How many days in the past an operator may date a notice received by phone or letter. */
  readonly maxBackdateDays: number;
  /** Length of a trial in days, counting the start day. */
  readonly trialDays: number;
}

export const DEFAULT_CONTRACT_POLICY: ContractPolicy = {
  notice: DEFAULT_NOTICE_POLICIES,
  maxBackdateDays: 14,
  trialDays: 30,
};

/** Input of a new contract. */
export interface NewContract {
  readonly id: string;
  readonly customerId: string;
  readonly customerType: CustomerType;
  readonly plan: PlanId;
  readonly seats: number;
  readonly timeZone: string;
  readonly trial: boolean;
  readonly billingMode: BillingMode;
}

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
    billingMode: input.billingMode,
    cancellation: null,
    endedOn: null,
    revision: 1,
  };
  return {
    state,
    commands: [notify(state, { template: 'contract-started', context: { plan: state.plan, startedOn, trialEndsOn } })],
    changed: true,
  };
}

/** Applies `event` at `now`. Throws `DomainError` when a rule forbids it; never mutates `state`. */
export function decide(state: ContractState, event: ContractEvent, now: Date, policy: ContractPolicy = DEFAULT_CONTRACT_POLICY): Decision {
  switch (event.type) {
    case 'cancel':
      return cancel(state, event, now, policy);
    case 'revoke-cancellation':
      return revokeCancellation(state, now);
    case 'deadline-reached':
      return reachDeadline(state, now);
  }
}

/** The next instant at which `deadline-reached` may change the state, or null. */
export function nextDeadline(state: ContractState): Date | null {
  if (state.status === 'ended') return null;
  const candidates: Date[] = [];
  // The contract is in force up to and including endsOn; the new state starts at 00:00 local the next day.
  if (state.cancellation) candidates.push(startOfLocalDay(addDays(state.cancellation.endsOn, 1), state.timeZone));
  if (state.status === 'trial' && state.trialEndsOn) candidates.push(startOfLocalDay(addDays(state.trialEndsOn, 1), state.timeZone));
  if (candidates.length === 0) return null;
  return new Date(Math.min(...candidates.map((d) => d.getTime())));
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

function cancel(state: ContractState, event: Extract<ContractEvent, { type: 'cancel' }>, now: Date, policy: ContractPolicy): Decision {
  assertNotEnded(state);
  if (state.cancellation) {
    throw new DomainError('ALREADY_CANCELLED', `The contract is already cancelled and ends on ${state.cancellation.endsOn}.`);
  }
  if (event.receivedAt.getTime() > now.getTime()) {
    throw new DomainError('RECEIVED_IN_FUTURE', 'A notice cannot be received in the future.');
  }
  const today = localDateOf(now, state.timeZone);
  const receivedOnCandidate = localDateOf(event.receivedAt, state.timeZone);
  if (compareLocalDates(receivedOnCandidate, addDays(today, -policy.maxBackdateDays)) < 0) {
    throw new DomainError('RECEIVED_TOO_LONG_AGO', `A notice may be recorded at most ${policy.maxBackdateDays} days after it arrived.`);
  }
  const { receivedOn, endsOn } = previewCancellation(state, event.receivedAt, policy);
  const cancellation: Cancellation = {
    receivedAt: event.receivedAt.toISOString(),
    receivedOn,
    endsOn,
    deleteData: event.deleteData,
    channel: event.channel,
    reason: event.reason,
  };
  const confirmed: ContractNotice = {
    template: 'cancellation-confirmed',
    context: { receivedOn, endsOn, deleteData: event.deleteData, droppedPlanChange: false },
  };
  if (state.status === 'trial') {
    // Cancelling during a trial ends the contract at once (DOMAIN.md, "Trial").
    const ended = bump({ ...state, cancellation, status: 'ended', endedOn: receivedOn });
    return {
      state: ended,
      commands: [notify(ended, confirmed), notify(ended, { template: 'contract-ended', context: { endedOn: receivedOn, deleteData: event.deleteData } })],
      changed: true,
    };
  }
  const next = bump({ ...state, cancellation });
  return { state: next, commands: [notify(next, confirmed)], changed: true };
}

function revokeCancellation(state: ContractState, now: Date): Decision {
  if (state.status === 'ended') {
    throw new DomainError('NOTICE_PERIOD_OVER', `The contract ended on ${state.endedOn ?? '?'}; nothing can be revoked.`);
  }
  if (!state.cancellation) throw new DomainError('NOTHING_TO_REVOKE', 'There is no pending cancellation to revoke.');
  // A cancellation can be revoked until the end of endsOn (local time).
  if (compareLocalDates(localDateOf(now, state.timeZone), state.cancellation.endsOn) > 0) {
    throw new DomainError('NOTICE_PERIOD_OVER', `The notice period ended on ${state.cancellation.endsOn}.`);
  }
  const next = bump({ ...state, cancellation: null });
  return { state: next, commands: [notify(next, { template: 'cancellation-revoked', context: { plan: next.plan } })], changed: true };
}

function reachDeadline(state: ContractState, now: Date): Decision {
  const due = nextDeadline(state);
  if (!due || now.getTime() < due.getTime()) return { state, commands: [], changed: false };
  const today = localDateOf(now, state.timeZone);
  let endedOn: LocalDate;
  if (state.cancellation && compareLocalDates(today, state.cancellation.endsOn) > 0) {
    endedOn = state.cancellation.endsOn;
  } else if (state.status === 'trial' && state.trialEndsOn && compareLocalDates(today, state.trialEndsOn) > 0) {
    // An unconverted trial ends by itself: no cancellation needed.
    endedOn = state.trialEndsOn;
  } else {
    return { state, commands: [], changed: false };
  }
  const ended = bump({ ...state, status: 'ended', endedOn });
  const deleteData = state.cancellation?.deleteData ?? false;
  return { state: ended, commands: [notify(ended, { template: 'contract-ended', context: { endedOn, deleteData } })], changed: true };
}

function assertNotEnded(state: ContractState): void {
  if (state.status === 'ended') throw new DomainError('CONTRACT_ENDED', `The contract ended on ${state.endedOn ?? '?'}.`);
}

function bump(state: ContractState): ContractState {
  return { ...state, revision: state.revision + 1 };
}

function notify(state: ContractState, notice: ContractNotice): ContractCommand {
  return { type: 'notify', step: `r${state.revision}/${notice.template}`, notice };
}
