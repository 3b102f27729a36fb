/**
 * Verification of a signed webhook request, shared by the webhook controllers: signature over
 * the raw body, then the body's shape, then the replay window against the platform's clock.
 */
import { HttpStatus } from '@nestjs/common';
import type { z } from 'zod';
import type { Clock } from '../app/clock';
import { ProblemCode, ProblemError } from '../http/problem';
import { ZodPipe } from '../http/zod-body';
import { isValidWebhookSignature, WEBHOOK_TOLERANCE_MS } from './webhook-signature';

/** Problem codes of webhook verification (both `401`). */
export const WebhookProblemCode = {
  SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  EVENT_STALE: 'WEBHOOK_EVENT_STALE',
} as const;

/** A signed webhook request as the controller sees it. */
export interface SignedWebhookRequest {
  /** The body exactly as received (Nest `rawBody: true`); absent when no JSON body was sent. */
  rawBody: Buffer | undefined;
  /** The parsed JSON body. */
  body: unknown;
  signature: string | undefined;
}

/**
 * The verified event: 401 `WEBHOOK_SIGNATURE_INVALID` for a missing or wrong signature, 400
 * `VALIDATION_FAILED` for a signed body of the wrong shape, 401 `WEBHOOK_EVENT_STALE` when
 * `createdAt` is more than 5 minutes from `clock` (the sandbox clock in sandbox mode).
 */
export async function verifySignedWebhook<S extends z.ZodType<{ createdAt: string }>>(
  request: SignedWebhookRequest,
  options: { secret: string; clock: Clock; schema: S },
): Promise<z.infer<S>> {
  if (!request.rawBody) {
    throw new ProblemError(HttpStatus.BAD_REQUEST, ProblemCode.VALIDATION_FAILED, 'Validation failed', 'A JSON body (Content-Type: application/json) is required.');
  }
  if (!isValidWebhookSignature(options.secret, request.rawBody, request.signature)) {
    throw new ProblemError(HttpStatus.UNAUTHORIZED, WebhookProblemCode.SIGNATURE_INVALID, 'Invalid signature', 'X-Signature must be sha256=<hex HMAC-SHA256 of the raw body> with the shared secret.');
  }
  const event = new ZodPipe(options.schema).transform(request.body);
  const now = await options.clock.now();
  const skewMs = Math.abs(now.getTime() - Date.parse(event.createdAt));
  if (skewMs > WEBHOOK_TOLERANCE_MS) {
    throw new ProblemError(
      HttpStatus.UNAUTHORIZED,
      WebhookProblemCode.EVENT_STALE,
      'Event outside the replay window',
      `createdAt ${event.createdAt} is more than 5 minutes from the platform's time ${now.toISOString()}.`,
    );
  }
  return event;
}
