/**
 * Stripe's PaymentIntents API as a {@link Psp}: one `POST /v1/payment_intents` per charge, form
 * encoded (`metadata[reference]=…`), `Authorization: Bearer <secret key>`, `Idempotency-Key`, with
 * `confirm=true` and `off_session=true` (the customer is not present: a card that needs 3-D Secure
 * is declined with `authentication_required` instead of waiting for them). The outcome arrives as
 * a signed Stripe event at `POST /v1/webhooks/stripe` (see `stripe-webhook.ts`). Base URL and key
 * come from configuration only (no host is built in).
 */
import { createHash } from 'node:crypto';
import type { ChargeAccepted, ChargeRequest, Psp, PspErrorCode } from './psp';
import { checkChargeRequest, PspError } from './psp';

/** Time for one API request; a charge that timed out is retried with the same key, so it is never charged twice. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Stripe's limit on the length of an `Idempotency-Key`. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Options of {@link StripePsp}: the configuration plus a seam for tests. */
export interface StripePspOptions {
  /** Base URL of the API, without `/v1` (a trailing `/v1` is tolerated). */
  apiUrl: string;
  secretKey: string;
  requestTimeoutMs?: number;
}

/** The members of a PaymentIntent this client reads (stable across Stripe API versions). */
export interface StripePaymentIntent {
  id: string;
  object: 'payment_intent';
  status: string;
  amount: number;
  amount_received?: number;
  currency: string;
  metadata?: Record<string, string>;
  last_payment_error?: { code?: string; decline_code?: string; message?: string; type?: string } | null;
}

/** Stripe's error body: `{ error: { type, code, message, param, payment_intent } }`. */
interface StripeErrorBody {
  error?: { type?: string; code?: string; decline_code?: string; message?: string; param?: string; payment_intent?: StripePaymentIntent };
}

export class StripePsp implements Psp {
  readonly name = 'stripe';
  private readonly apiUrl: string;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: StripePspOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  async charge(request: ChargeRequest): Promise<ChargeAccepted> {
    checkChargeRequest(request);
    const form = encodeForm({
      amount: request.amountCents,
      currency: request.currency.toLowerCase(),
      payment_method: request.cardToken,
      // Cards only: with Dashboard-enabled (automatic) methods Stripe wants a return_url for redirects.
      payment_method_types: ['card'],
      confirm: true,
      off_session: true,
      description: request.description,
      metadata: { reference: request.reference, contract_id: request.contractId },
    });
    const { status, headers, body } = await this.post('/v1/payment_intents', form, stripeIdempotencyKey(request.idempotencyKey));
    if (status >= 200 && status < 300) return acceptedFrom(asPaymentIntent(body, status));
    const error = (body as StripeErrorBody | undefined)?.error;
    // A decline is a charge that failed, not an error: Stripe created the PaymentIntent, answers
    // 402 with it, and sends payment_intent.payment_failed.
    if (error?.type === 'card_error' && error.payment_intent) return acceptedFrom(asPaymentIntent(error.payment_intent, status));
    throw errorFrom(status, headers, error);
  }

  private async post(path: string, form: string, idempotencyKey: string): Promise<{ status: number; headers: Headers; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.secretKey}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: form,
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      // Duck-typed: fetch's errors (DOMException, undici's TypeError) may come from another realm.
      if ((error as { name?: unknown }).name === 'TimeoutError') {
        throw new PspError('TIMEOUT', `Stripe ${path} timed out after ${this.requestTimeoutMs} ms`, true, undefined, { cause: error });
      }
      throw new PspError('NETWORK', `Stripe ${path} failed: ${(error as Error).message}`, true, undefined, { cause: error });
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body };
  }
}

/** What the charge's PaymentIntent says: `processing` waits for the webhook, a declined one failed. */
function acceptedFrom(intent: StripePaymentIntent): ChargeAccepted {
  switch (intent.status) {
    case 'succeeded':
      return { paymentId: intent.id, status: 'succeeded' };
    case 'processing':
      return { paymentId: intent.id, status: 'pending' };
    case 'requires_payment_method':
      return { paymentId: intent.id, status: 'failed', failureReason: stripeFailureReason(intent) };
    default:
      // requires_action / requires_confirmation / requires_capture: with confirm + off_session and
      // automatic capture Stripe answers a 402 instead; no event would ever settle such an intent.
      throw new PspError('UNEXPECTED_RESPONSE', `Stripe left PaymentIntent ${intent.id} in status ${intent.status}; cancel it in Stripe`, false);
  }
}

/** Stripe's reason of a failed payment: the error code (`card_declined`, `expired_card`, `authentication_required`, …). */
export function stripeFailureReason(intent: Pick<StripePaymentIntent, 'last_payment_error'>): string {
  return intent.last_payment_error?.code ?? 'payment_failed';
}

function asPaymentIntent(value: unknown, status: number): StripePaymentIntent {
  const intent = value as Partial<StripePaymentIntent> | undefined;
  if (typeof intent?.id !== 'string' || typeof intent.status !== 'string') {
    // The request may have been carried out: the same key asks again and Stripe replays the answer.
    throw new PspError('UNEXPECTED_RESPONSE', `Stripe answered HTTP ${status} without a PaymentIntent`, true, status);
  }
  return intent as StripePaymentIntent;
}

/**
 * The {@link PspError} of a non-2xx answer. `Stripe-Should-Retry` decides where Stripe sends it:
 * a 500 the idempotency layer stored is replayed for the same key, and Stripe says `false`.
 */
function errorFrom(status: number, headers: Headers, error: StripeErrorBody['error']): PspError {
  const detail = [error?.type, error?.code, error?.message].filter((part) => typeof part === 'string' && part !== '').join(': ');
  const message = `Stripe: HTTP ${status}${detail ? ` (${detail})` : ''}`;
  const [code, retryable] = classify(status, error);
  const shouldRetry = headers.get('stripe-should-retry');
  return new PspError(code, message, shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : retryable, status);
}

function classify(status: number, error: StripeErrorBody['error']): [PspErrorCode, boolean] {
  if (error?.type === 'idempotency_error') return ['IDEMPOTENCY_MISMATCH', false];
  if (status === 429) return ['RATE_LIMITED', true];
  if (status >= 500) return ['PSP_UNAVAILABLE', true];
  // Another request with the same key is still running: its answer will be replayed.
  if (status === 409) return ['IDEMPOTENCY_IN_PROGRESS', true];
  if (status === 408) return ['TIMEOUT', true];
  if (status === 401 || status === 403) return ['AUTHENTICATION_FAILED', false];
  if (error?.param === 'payment_method' || error?.code?.startsWith('payment_method_')) return ['INVALID_CARD_TOKEN', false];
  if (error?.type === 'card_error') return ['CARD_ERROR', false];
  return ['INVALID_REQUEST', false];
}

/**
 * Stripe's `Idempotency-Key` for our key: the key itself when Stripe takes it (printable ASCII,
 * at most 255 characters; ours are `<workflow id>/<step>`), else a SHA-256 of it.
 */
export function stripeIdempotencyKey(idempotencyKey: string): string {
  if (idempotencyKey.length <= MAX_IDEMPOTENCY_KEY_LENGTH && /^[\x21-\x7e]+$/.test(idempotencyKey)) return idempotencyKey;
  return `sha256-${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}

type FormValue = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

/**
 * `application/x-www-form-urlencoded` in Stripe's bracket notation: `metadata[reference]=…`,
 * `payment_method_types[0]=card`. Brackets stay literal, as Stripe's own libraries send them.
 */
export function encodeForm(params: Readonly<Record<string, FormValue>>): string {
  const pairs: string[] = [];
  const add = (key: string, value: string) => pairs.push(`${encodeKey(key)}=${encodeURIComponent(value)}`);
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) (value as readonly string[]).forEach((item, index) => add(`${key}[${index}]`, item));
    else if (typeof value === 'object') for (const [member, item] of Object.entries(value)) add(`${key}[${member}]`, item);
    else add(key, String(value));
  }
  return pairs.join('&');
}

function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%5B/g, '[').replace(/%5D/g, ']');
}
