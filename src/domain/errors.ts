/**
 * Stable machine codes of domain rule violations. The API maps each code to an HTTP status
 * (see src/http/problem.ts); the workflow raises them from update validators.
 */
export const DomainErrorCode = {
  ALREADY_CANCELLED: 'ALREADY_CANCELLED',
  NOTHING_TO_REVOKE: 'NOTHING_TO_REVOKE',
  NOTICE_PERIOD_OVER: 'NOTICE_PERIOD_OVER',
  CONTRACT_ENDED: 'CONTRACT_ENDED',
  RECEIVED_IN_FUTURE: 'RECEIVED_IN_FUTURE',
  RECEIVED_TOO_LONG_AGO: 'RECEIVED_TOO_LONG_AGO',
  RECEIVED_BEFORE_START: 'RECEIVED_BEFORE_START',
  PLAN_CHANGE_BLOCKED: 'PLAN_CHANGE_BLOCKED',
  PLAN_CHANGE_PENDING: 'PLAN_CHANGE_PENDING',
  SAME_PLAN: 'SAME_PLAN',
  TERMS_NOT_ACCEPTED: 'TERMS_NOT_ACCEPTED',
  NOT_IN_TRIAL: 'NOT_IN_TRIAL',
  ALREADY_CONVERTED: 'ALREADY_CONVERTED',
  NOT_ACTIVE: 'NOT_ACTIVE',
  ALREADY_PAUSED: 'ALREADY_PAUSED',
  NOT_PAUSED: 'NOT_PAUSED',
  SEATS_BELOW_USERS: 'SEATS_BELOW_USERS',
  SEAT_LIMIT_REACHED: 'SEAT_LIMIT_REACHED',
  SEATS_EXCEED_PLAN: 'SEATS_EXCEED_PLAN',
  CONTRACT_READ_ONLY: 'CONTRACT_READ_ONLY',
  PLAN_FEATURE_MISSING: 'PLAN_FEATURE_MISSING',
  USER_EXISTS: 'USER_EXISTS',
} as const;
export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

/** Conflict codes (HTTP 409): the request is fine, the contract's state forbids it. */
export const CONFLICT_CODES: ReadonlySet<string> = new Set<DomainErrorCode>([
  'ALREADY_CANCELLED',
  'NOTHING_TO_REVOKE',
  'NOTICE_PERIOD_OVER',
  'CONTRACT_ENDED',
  'PLAN_CHANGE_BLOCKED',
  'PLAN_CHANGE_PENDING',
  'NOT_IN_TRIAL',
  'ALREADY_CONVERTED',
  'NOT_ACTIVE',
  'ALREADY_PAUSED',
  'NOT_PAUSED',
  'CONTRACT_READ_ONLY',
  'USER_EXISTS',
]);
/** Codes of workflow updates outside the contract rules that also conflict with the state (409). */
export const WORKFLOW_CONFLICT_CODES: ReadonlySet<string> = new Set(['INVOICE_NOT_IN_DUNNING']);

/** A rule of the domain said no. `code` is stable; `message` is for humans. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
