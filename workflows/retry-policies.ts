import type { RetryPolicy } from '@temporalio/common';

/** Database writes: transient outages are retried for a long time; bad data is non-retryable. */
export const DATABASE_RETRY: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' };

/** Mail: SMTP 4xx/connection errors are retried with back-off; 5xx are thrown as non-retryable. */
export const MAIL_RETRY: RetryPolicy = { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m' };
