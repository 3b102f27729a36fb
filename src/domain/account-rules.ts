/**
 * Account rules: who may be added to a contract and which appointments it may hold
 * (DOMAIN.md, "Plans", "Pause", "Plan changes").
 *
 * Pure: the caller loads the contract's plan, status, seats and users and passes them in;
 * plan features and seat limits come from the plan catalogue (configuration), never literals.
 */
import type { DomainErrorCode } from './errors';
import type { Plan, PlanId } from './plans';
import { DEFAULT_PLAN_CATALOGUE, planOf } from './plans';

/**
 * Contract status as the account rules see it. Same values as `ContractStatus` in contract.ts,
 * declared here so that the state machine may import these rules without an import cycle.
 */
export type AccountContractStatus = 'trial' | 'active' | 'paused' | 'suspended' | 'ended';

/** A rule said no: `code` is a stable {@link DomainErrorCode}, `message` is for humans. */
export interface RuleViolation {
  readonly code: DomainErrorCode;
  readonly message: string;
}

/** Role of the user created with the contract; the only user that survives a downgrade. */
export const MAIN_USER_ROLE = 'main';
/** Role of every user added later. */
export const MEMBER_USER_ROLE = 'member';
export type UserRole = typeof MAIN_USER_ROLE | typeof MEMBER_USER_ROLE;

/** Status of an appointment; cancelled ones stay listed with their reason. */
export type AppointmentStatus = 'scheduled' | 'cancelled';
/** `cancelledReason` of conferences invalidated by a downgrade to a plan without conferences. */
export const DOWNGRADE_CANCELLED_REASON = 'plan-downgrade';

/** Feature of the catalogue that allows appointments with {@link CONFERENCE_MIN_PARTICIPANTS}+ participants. */
export const CONFERENCE_FEATURE = 'conferences';
/** A video call with this many participants or more is a conference (a `plus` feature). */
export const CONFERENCE_MIN_PARTICIPANTS = 3;

/** Whether an appointment with `participants` people is a conference. */
export function isConference(participants: number): boolean {
  return participants >= CONFERENCE_MIN_PARTICIPANTS;
}

/** `e-mail` as users and the suppression list compare it: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  // NOTE: the local part is case-sensitive by RFC 5321, but no real mailbox provider treats it
  // so, and treating `Anna@x.de` and `anna@x.de` as two users would be the worse mistake.
  return email.trim().toLowerCase();
}

/** The plan whose features apply: a trial behaves like `plus` (DOMAIN.md, "Trial"). */
export function effectivePlanId(plan: PlanId, status: AccountContractStatus, trialPlan: PlanId = 'plus'): PlanId {
  return status === 'trial' ? trialPlan : plan;
}

/** Features available to a contract on `plan` in `status`. */
export function planFeatures(plan: PlanId, status: AccountContractStatus, catalogue: readonly Plan[] = DEFAULT_PLAN_CATALOGUE): readonly string[] {
  return planOf(effectivePlanId(plan, status), catalogue).features;
}

/** How many users (main user included) a contract may have: its seats, capped by the plan. */
export function seatLimit(input: { plan: PlanId; seats: number; status: AccountContractStatus }, catalogue: readonly Plan[] = DEFAULT_PLAN_CATALOGUE): number {
  const { maxSeats } = planOf(effectivePlanId(input.plan, input.status), catalogue);
  return maxSeats === null ? input.seats : Math.min(input.seats, maxSeats);
}

/** Whether a contract on `plan` may have `seats` seats (422 SEATS_EXCEED_PLAN above the plan's `maxSeats`; basis: 1). */
export function checkSeats(plan: PlanId, seats: number, catalogue: readonly Plan[] = DEFAULT_PLAN_CATALOGUE): RuleViolation | null {
  const { maxSeats } = planOf(plan, catalogue);
  if (maxSeats !== null && seats > maxSeats) return { code: 'SEATS_EXCEED_PLAN', message: `Plan ${plan} allows ${maxSeats} seat(s).` };
  return null;
}

/**
 * Whether the contract's account may be changed at all. Ended contracts are over (409
 * CONTRACT_ENDED); paused contracts are read-only (DOMAIN.md, "Pause"), and so are suspended
 * ones (unpaid prepaid or handed to collection: no new users or bookings until payment).
 */
export function checkWritable(status: AccountContractStatus): RuleViolation | null {
  switch (status) {
    case 'ended':
      return { code: 'CONTRACT_ENDED', message: 'The contract has ended.' };
    case 'paused':
      return { code: 'CONTRACT_READ_ONLY', message: 'The contract is paused: its account is read-only until it is resumed.' };
    case 'suspended':
      return { code: 'CONTRACT_READ_ONLY', message: 'The contract is suspended: its account is read-only until the open amount is paid.' };
    case 'trial':
    case 'active':
      return null;
  }
}

/** Input of {@link checkAddUser}. */
export interface AddUserInput {
  readonly plan: PlanId;
  readonly seats: number;
  readonly status: AccountContractStatus;
  /** Users the contract has now, main user included. */
  readonly userCount: number;
  /** The new user's e-mail and the e-mails of the existing users, when a duplicate check is wanted. */
  readonly email?: string;
  readonly existingEmails?: readonly string[];
}

/**
 * Whether a user may be added. Checked in this order: contract writable, e-mail not yet a user
 * of the contract (409 USER_EXISTS; normalized comparison), a seat free (422 SEAT_LIMIT_REACHED).
 */
export function checkAddUser(input: AddUserInput, catalogue: readonly Plan[] = DEFAULT_PLAN_CATALOGUE): RuleViolation | null {
  const notWritable = checkWritable(input.status);
  if (notWritable) return notWritable;
  if (input.email !== undefined && input.existingEmails) {
    const email = normalizeEmail(input.email);
    if (input.existingEmails.some((existing) => normalizeEmail(existing) === email)) {
      return { code: 'USER_EXISTS', message: `${email} is already a user of this contract.` };
    }
  }
  const limit = seatLimit(input, catalogue);
  if (input.userCount >= limit) {
    const plan = effectivePlanId(input.plan, input.status);
    return {
      code: 'SEAT_LIMIT_REACHED',
      message: `The contract has ${limit} seat(s) on plan ${plan} and ${input.userCount} user(s): no seat is free.`,
    };
  }
  return null;
}

/** Input of {@link checkAddAppointment}. */
export interface AddAppointmentInput {
  readonly plan: PlanId;
  readonly status: AccountContractStatus;
  readonly participants: number;
}

/**
 * Whether an appointment may be booked: contract writable, and a conference (3+ participants)
 * only on a plan with the `conferences` feature (422 PLAN_FEATURE_MISSING on `basis`).
 */
export function checkAddAppointment(input: AddAppointmentInput, catalogue: readonly Plan[] = DEFAULT_PLAN_CATALOGUE): RuleViolation | null {
  const notWritable = checkWritable(input.status);
  if (notWritable) return notWritable;
  if (isConference(input.participants) && !planFeatures(input.plan, input.status, catalogue).includes(CONFERENCE_FEATURE)) {
    const plan = effectivePlanId(input.plan, input.status);
    return {
      code: 'PLAN_FEATURE_MISSING',
      message: `Conferences (${CONFERENCE_MIN_PARTICIPANTS}+ participants) are not part of plan ${plan}; upgrade to book one.`,
    };
  }
  return null;
}
