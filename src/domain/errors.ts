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
} as const;
export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

/** Conflict codes (HTTP 409): the request is fine, the contract's state forbids it. */
export const CONFLICT_CODES: ReadonlySet<string> = new Set<DomainErrorCode>([
  'ALREADY_CANCELLED',
  'NOTHING_TO_REVOKE',
  'NOTICE_PERIOD_OVER',
  'CONTRACT_ENDED',
]);

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
