/**
 * The platform's webhook signature (docs/api.md, "Webhooks"): `X-Signature: sha256=<lowercase hex
 * HMAC-SHA256 of the raw request body>`. Used by the senders (the local print partner) and the
 * receiving controllers alike, so both sides always agree.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the signature header (lower case, as Node reports headers). */
export const SIGNATURE_HEADER = 'x-signature';

/** Events further than this from the platform's clock are rejected (replay window). */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** The `X-Signature` value for `rawBody`. */
export function signWebhookBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Whether `header` is the valid signature of `rawBody`; constant-time in the signature's bytes. */
export function isValidWebhookSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-f]{64})$/.exec(header.trim());
  return match !== null && hmacMatches(secret, rawBody, match[1]);
}

/** Whether `hex` (64 hex digits) is the HMAC-SHA256 of `rawBody` with `secret`; constant-time. */
export function hmacMatches(secret: string, rawBody: Buffer, hex: string): boolean {
  return timingSafeEqual(Buffer.from(hex, 'hex'), createHmac('sha256', secret).update(rawBody).digest());
}
