/**
 * The card payment service provider (PSP). One interface, two implementations: a client of
 * Stripe's PaymentIntents API (`stripe-client.ts`, outcome through `stripe-webhook.ts`) and the
 * local default (`local-psp.ts`) that charges test tokens and reports through the platform's
 * signed webhook. Free of Nest and Temporal, so the worker's activity and the tests use it alike.
 */
import { z } from 'zod';

/** What {@link Psp.charge} is asked to collect. */
export interface ChargeRequest {
  /**
   * The same key always means the same charge: a repeated `charge` with it returns the payment
   * of the first call and charges nothing (sent as the PSP's `Idempotency-Key`).
   */
  idempotencyKey: string;
  /** Integer cents, > 0. */
  amountCents: number;
  currency: 'EUR';
  /** The card on file (the contract's `pspToken`). */
  cardToken: string;
  /** The invoice number or prepayment id the charge is for; it comes back in the webhook. */
  reference: string;
  contractId: string;
  /** Shown on the PSP's side, e.g. in its dashboard. */
  description: string;
}

/**
 * The PSP took the charge. `status` is what it knew when it answered; the result is final only
 * when the webhook (`payment.succeeded` / `payment.failed`) for `paymentId` arrives.
 */
export interface ChargeAccepted {
  paymentId: string;
  status: 'pending' | 'succeeded' | 'failed';
  /** Set with `failed`: the PSP's reason, e.g. `card_declined`. */
  failureReason?: string;
}

/** A card PSP (Stripe or the local default). */
export interface Psp {
  readonly name: 'local' | 'stripe';
  /**
   * Charges the card, idempotent per `idempotencyKey`. A declined card is not an error: it is a
   * charge whose webhook says `payment.failed`. Throws {@link PspError} when the charge could not
   * be placed: `retryable` (network, timeout, 429, 5xx: try again with the same key) or not
   * (invalid token, refused request: the same request will never be accepted).
   */
  charge(request: ChargeRequest): Promise<ChargeAccepted>;
  /** Stops background work (the local PSP's webhook deliveries); idempotent. */
  close?(): Promise<void>;
}

/** Why a charge could not be placed. */
export type PspErrorCode =
  | 'NETWORK'
  | 'TIMEOUT'
  | 'RATE_LIMITED'
  | 'PSP_UNAVAILABLE'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'INVALID_CARD_TOKEN'
  | 'INVALID_REQUEST'
  | 'IDEMPOTENCY_MISMATCH'
  | 'AUTHENTICATION_FAILED'
  | 'CARD_ERROR'
  | 'UNEXPECTED_RESPONSE'
  | 'PAYMENT_NOT_FOUND'
  | 'PAYMENT_NOT_SUCCEEDED';

/** A charge (or chargeback) the PSP did not take; `status` is its HTTP status when there was one. */
export class PspError extends Error {
  override readonly name = 'PspError';

  constructor(
    readonly code: PspErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Refuses what no PSP would take (non-retryable `INVALID_REQUEST`), so both implementations
 * reject the same requests before anything is charged.
 */
export function checkChargeRequest(request: ChargeRequest): void {
  const problems: string[] = [];
  if (!Number.isSafeInteger(request.amountCents) || request.amountCents <= 0) problems.push(`amountCents ${request.amountCents} is not a positive integer`);
  if (request.currency !== 'EUR') problems.push(`currency ${String(request.currency)} is not EUR`);
  if (!request.idempotencyKey) problems.push('idempotencyKey is empty');
  if (!request.reference) problems.push('reference is empty');
  if (problems.length > 0) throw new PspError('INVALID_REQUEST', `charge refused: ${problems.join('; ')}`, false);
}

/** Event types of `POST /v1/webhooks/psp` (docs/api.md, "Webhooks"). */
export const PSP_EVENT_TYPES = ['payment.succeeded', 'payment.failed', 'chargeback'] as const;

/**
 * Body of `POST /v1/webhooks/psp`. `paymentId` is the PSP's id of the charge (what
 * {@link Psp.charge} answered); `reference` the invoice number or prepayment id it was for — it
 * may be empty on a `chargeback` translated from Stripe (a dispute does not carry the payment's
 * metadata), so match chargebacks by `paymentId`. Unknown members are ignored.
 */
export const pspEventSchema = z.object({
  eventId: z.string().min(1).max(200),
  createdAt: z.iso.datetime({ offset: true }),
  type: z.enum(PSP_EVENT_TYPES),
  paymentId: z.string().min(1).max(200),
  reference: z.string().max(200),
  amount: z.object({ amount: z.number().int().nonnegative(), currency: z.literal('EUR') }),
  failureReason: z.string().min(1).max(200).optional(),
});
export type PspEvent = z.infer<typeof pspEventSchema>;
