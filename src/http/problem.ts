import { HttpStatus } from '@nestjs/common';
import { CONFLICT_CODES, WORKFLOW_CONFLICT_CODES } from '../domain/errors';

/** Stable machine codes of API errors (RFC 9457 `code` extension member). */
export const ProblemCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  UNAVAILABLE: 'UNAVAILABLE',
  /** `POST …/attention/{step}/retry` for a step that waits for no retry. */
  NO_SUCH_ATTENTION_ITEM: 'NO_SUCH_ATTENTION_ITEM',
  /** 413: a JSON body over 256 kB, an XML or zip body over 25 MB. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** 429 with `Retry-After` (docs/security.md). */
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
} as const;

/** An error that the exception filter renders as `application/problem+json`. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  static notFound(what: string): ProblemError {
    return new ProblemError(HttpStatus.NOT_FOUND, ProblemCode.NOT_FOUND, 'Not found', `${what} was not found.`);
  }
}

/** HTTP status of a domain error code. */
export function statusOfDomainCode(code: string): number {
  if (CONFLICT_CODES.has(code) || WORKFLOW_CONFLICT_CODES.has(code)) return HttpStatus.CONFLICT;
  if (code === ProblemCode.NO_SUCH_ATTENTION_ITEM) return HttpStatus.NOT_FOUND;
  return HttpStatus.UNPROCESSABLE_ENTITY;
}

export function problemType(code: string): string {
  return `https://vertragswerk.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}
