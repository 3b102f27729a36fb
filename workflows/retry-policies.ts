import type { RetryPolicy } from '@temporalio/common';

/**
 * Retry policies of the contract workflow's activities. Every one is bounded: a step that
 * exhausts its attempts becomes an attention item (docs/attention.md) instead of retrying
 * forever against a database or SMTP server that is down for a long time.
 */

/** Database writes: 1 s, 2 s, 4 s … capped at 1 min, 10 attempts (4 minutes of back-off); bad data is non-retryable. */
export const DATABASE_RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 };

/** Mail: SMTP 4xx/connection errors back off 5 s … 10 min, 12 attempts (51 minutes of back-off); 5xx are non-retryable. */
export const MAIL_RETRY: RetryPolicy = { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 12 };

/** Recording an attention item: short, so a dead database does not hold the workflow up. */
export const ATTENTION_RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 };
