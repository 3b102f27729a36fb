/**
 * Builders for the contract state machine tests (test/domain/contract*.test.ts).
 * Every instant is an explicit UTC instant; the comments at the call sites give the local time.
 */
import {
  decide,
  startContract,
  type CancellationChannel,
  type ContractCommand,
  type ContractEvent,
  type ContractPolicy,
  type ContractState,
  type Decision,
  type NewContract,
} from '../../src/domain/contract';
import { DomainError } from '../../src/domain/errors';

export const BERLIN = 'Europe/Berlin';
export const VIENNA = 'Europe/Vienna';

/** A paid business contract on plus with 3 seats in Berlin; override what the test is about. */
export function newContract(overrides: Partial<NewContract> = {}): NewContract {
  return {
    id: 'contract-1',
    customerId: 'customer-1',
    customerType: 'business',
    plan: 'plus',
    seats: 3,
    timeZone: BERLIN,
    trial: false,
    billingMode: 'postpaid',
    ...overrides,
  };
}

/** The state right after `startContract` at `startedAt` (default 04.01.2027 10:00 CET). */
export function startedState(overrides: Partial<NewContract> = {}, startedAt = new Date('2027-01-04T09:00:00Z')): ContractState {
  return startContract(newContract(overrides), startedAt).state;
}

/** A trial started 10.01.2027 10:00 CET (last trial day 08.02.2027). */
export function trialState(overrides: Partial<NewContract> = {}): ContractState {
  return startedState({ trial: true, ...overrides }, new Date('2027-01-10T09:00:00Z'));
}

export function cancelEvent(
  receivedAt: Date,
  options: { deleteData?: boolean; channel?: CancellationChannel; reason?: string | null } = {},
): ContractEvent {
  return {
    type: 'cancel',
    receivedAt,
    deleteData: options.deleteData ?? false,
    channel: options.channel ?? 'online',
    reason: options.reason ?? null,
  };
}

export const DEADLINE: ContractEvent = { type: 'deadline-reached' };

/** Applies `[event, at]` pairs in order and returns the final state (throws on any rule violation). */
export function applyAll(state: ContractState, steps: ReadonlyArray<readonly [ContractEvent, Date]>, policy?: ContractPolicy): ContractState {
  return steps.reduce((current, [event, at]) => decide(current, event, at, policy).state, state);
}

/** The domain error code `fn` throws, or 'no error'. Any other exception is re-thrown. */
export function domainErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'no error';
}

/** The steps of `commands`, in order. */
export function stepsOf(decision: Decision): string[] {
  return decision.commands.map((command: ContractCommand) => command.step);
}

/** Freezes `value` and everything reachable from it (Dates included), so a mutation throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
