/**
 * Stripe's webhook events, for `POST /v1/webhooks/stripe`: the `Stripe-Signature` check and the
 * translation of the three events the platform books into its own {@link PspEvent}.
 *
 * Signature (Stripe's documented scheme): `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=…]`,
 * `v1` = HMAC-SHA256 of `${t}.${raw body}` with the endpoint's secret (`whsec_…`). Several `v1`
 * appear while a secret is being rolled; one match is enough. Other schemes (`v0`) are ignored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PspEvent } from './psp';
import type { StripePaymentIntent } from './stripe-client';
import { stripeFailureReason } from './stripe-client';

/** Name of the signature header (lower case, as Node reports headers). */
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

/** Stripe's default tolerance: a signature timestamp further than this from `now` is refused (replay). */
export const STRIPE_SIGNATURE_TOLERANCE_S = 300;

/** Why a `Stripe-Signature` was refused. */
export type StripeSignatureFailure = 'missing' | 'malformed' | 'mismatch' | 'stale';

export class StripeSignatureError extends Error {
  override readonly name = 'StripeSignatureError';

  constructor(
    readonly reason: StripeSignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A signed body that is not a Stripe event, or an event of a booked type without the members it needs. */
export class StripeEventError extends Error {
  override readonly name = 'StripeEventError';
}

/** The envelope of a Stripe event (`object: "event"`); `data.object` is the resource it is about. */
export const stripeEventSchema = z.object({
  id: z.string().min(1),
  object: z.literal('event'),
  type: z.string().min(1),
  created: z.number().int(),
  livemode: z.boolean().optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEvent = z.infer<typeof stripeEventSchema>;

/**
 * The event in `rawBody` once its `Stripe-Signature` is valid for `secret` at `now`. Throws
 * {@link StripeSignatureError} (`missing`, `malformed`, `mismatch`, or `stale` when `t` is more
 * than 300 s from `now`, in either direction: Stripe's own libraries only refuse old ones) and
 * {@link StripeEventError} for a validly signed body that is not an event.
 *
 * `now` is the wall clock, not the sandbox clock: Stripe stamps `t` with real time.
 */
export function verifyStripeWebhook(rawBody: Buffer, header: string | undefined, secret: string, now: Date): StripeEvent {
  if (typeof header !== 'string' || header.trim() === '') throw new StripeSignatureError('missing', 'no Stripe-Signature header');
  const { timestamp, signatures } = parseSignatureHeader(header);
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  // Every candidate is compared, so the time taken does not tell which one (or how much) matched.
  let matched = false;
  for (const signature of signatures) matched = timingSafeEqual(signature, expected) || matched;
  if (!matched) throw new StripeSignatureError('mismatch', 'no v1 signature of Stripe-Signature matches the body');
  const skewS = Math.abs(Math.floor(now.getTime() / 1000) - timestamp);
  if (skewS > STRIPE_SIGNATURE_TOLERANCE_S) {
    throw new StripeSignatureError('stale', `Stripe-Signature t=${timestamp} is ${skewS} s from ${now.toISOString()} (tolerance ${STRIPE_SIGNATURE_TOLERANCE_S} s)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new StripeEventError('the signed body is not JSON');
  }
  const event = stripeEventSchema.safeParse(parsed);
  if (!event.success) throw new StripeEventError(`the signed body is not a Stripe event: ${event.error.message}`);
  return event.data;
}

/** `t` and the well-formed `v1` signatures (32 bytes each) of a `Stripe-Signature` header. */
function parseSignatureHeader(header: string): { timestamp: number; signatures: Buffer[] } {
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const element of header.split(',')) {
    const separator = element.indexOf('=');
    if (separator < 0) continue;
    const key = element.slice(0, separator).trim();
    const value = element.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null) throw new StripeSignatureError('malformed', 'Stripe-Signature has no timestamp t=<unix seconds>');
  if (signatures.length === 0) throw new StripeSignatureError('malformed', 'Stripe-Signature has no v1=<hex HMAC-SHA256> signature');
  return { timestamp, signatures };
}

/** The members of a Dispute this translation reads. */
interface StripeDispute {
  id: string;
  amount: number;
  currency: string;
  payment_intent: string | { id: string } | null;
  metadata?: Record<string, string>;
}

/**
 * The platform's event for a Stripe event, or `null` for one the platform does not book (answer
 * it 200 all the same, or Stripe retries it for days):
 * - `payment_intent.succeeded` → `payment.succeeded`, amount `amount_received`;
 * - `payment_intent.payment_failed` → `payment.failed`, amount `amount`, `failureReason` the
 *   error code of `last_payment_error` (`card_declined`, …);
 * - `charge.dispute.created` → `chargeback`, `paymentId` the dispute's `payment_intent`, amount
 *   the disputed amount. A dispute does not carry the payment's metadata, so `reference` is the
 *   dispute's own `metadata.reference` if someone set one, else empty: match it by `paymentId`.
 * PaymentIntent events without `metadata.reference` are `null` too: the platform did not create
 * that payment (another integration on the same Stripe account). `eventId` is Stripe's event id
 * (its retries carry the same one), `createdAt` the event's `created`: when the PSP saw it, not
 * when it was delivered, so do not apply the platform's 5-minute `createdAt` window to it — the
 * signature's `t` is the replay protection here. Throws {@link StripeEventError} for a booked
 * type whose object lacks what the translation needs, or is not in EUR.
 */
export function toPspEvent(event: StripeEvent): PspEvent | null {
  const createdAt = new Date(event.created * 1000).toISOString();
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const intent = paymentIntentOf(event);
      const reference = intent.metadata?.reference;
      if (!reference) return null;
      const succeeded = event.type === 'payment_intent.succeeded';
      return {
        eventId: event.id,
        createdAt,
        type: succeeded ? 'payment.succeeded' : 'payment.failed',
        paymentId: intent.id,
        reference,
        amount: euros(succeeded ? (intent.amount_received ?? intent.amount) : intent.amount, intent.currency, event),
        ...(succeeded ? {} : { failureReason: stripeFailureReason(intent) }),
      };
    }
    case 'charge.dispute.created': {
      const dispute = disputeOf(event);
      const paymentId = typeof dispute.payment_intent === 'string' ? dispute.payment_intent : dispute.payment_intent?.id;
      // A dispute of a charge made without a PaymentIntent is not one of the platform's.
      if (!paymentId) return null;
      return { eventId: event.id, createdAt, type: 'chargeback', paymentId, reference: dispute.metadata?.reference ?? '', amount: euros(dispute.amount, dispute.currency, event) };
    }
    default:
      return null;
  }
}

function paymentIntentOf(event: StripeEvent): StripePaymentIntent {
  const intent = event.data.object as Partial<StripePaymentIntent>;
  if (intent.object !== 'payment_intent' || typeof intent.id !== 'string' || typeof intent.amount !== 'number' || typeof intent.currency !== 'string') {
    throw new StripeEventError(`${event.type} ${event.id}: data.object is not a PaymentIntent`);
  }
  return intent as StripePaymentIntent;
}

function disputeOf(event: StripeEvent): StripeDispute {
  const dispute = event.data.object as Partial<StripeDispute> & { object?: unknown };
  if (dispute.object !== 'dispute' || typeof dispute.id !== 'string' || typeof dispute.amount !== 'number' || typeof dispute.currency !== 'string') {
    throw new StripeEventError(`${event.type} ${event.id}: data.object is not a Dispute`);
  }
  return dispute as StripeDispute;
}

/** Stripe's amounts are integer minor units with a lower-case currency; the platform books EUR only. */
function euros(amount: number, currency: string, event: StripeEvent): PspEvent['amount'] {
  if (currency.toLowerCase() !== 'eur' || !Number.isSafeInteger(amount) || amount < 0) {
    throw new StripeEventError(`${event.type} ${event.id}: amount ${amount} ${currency} is not an amount in EUR cents`);
  }
  return { amount, currency: 'EUR' };
}
