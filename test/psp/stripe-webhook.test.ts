import Stripe from 'stripe';
import { pspEventSchema } from '../../src/psp/psp';
import { StripePsp } from '../../src/psp/stripe-client';
import { StripeEventError, StripeSignatureError, toPspEvent, verifyStripeWebhook, type StripeEvent } from '../../src/psp/stripe-webhook';
import { startWebhookReceiver, type WebhookReceiver } from '../print-partner/webhook-receiver';
import { ENDPOINT_SECRET, SECRET_KEY, startMockStripe, type MockStripe } from './mock-stripe';

const NOW = new Date('2027-03-31T10:00:00.000Z');
const T = NOW.getTime() / 1000;

const intent = (overrides: Record<string, unknown> = {}) => ({
  id: 'pi_3Q0abc',
  object: 'payment_intent',
  amount: 11_900,
  amount_received: 11_900,
  currency: 'eur',
  status: 'succeeded',
  metadata: { reference: '2027-000042', contract_id: 'c-1' },
  last_payment_error: null,
  ...overrides,
});
const event = (type: string, object: Record<string, unknown>, id = 'evt_1Q0xyz'): StripeEvent => ({ id, object: 'event', type, created: T - 2, livemode: false, data: { object } });

const body = Buffer.from(JSON.stringify(event('payment_intent.succeeded', intent())));
/** Stripe's own signer (the `stripe` package), so the verifier is checked against Stripe's scheme, not against itself. */
const stripeHeader = (options: { timestamp?: number; secret?: string; payload?: Buffer } = {}) =>
  Stripe.webhooks.generateTestHeaderString({ payload: (options.payload ?? body).toString('utf8'), secret: options.secret ?? ENDPOINT_SECRET, timestamp: options.timestamp ?? T });

/** The reason `verifyStripeWebhook` refuses with (null when it accepts). */
function refusal(header: string | undefined, rawBody = body, now = NOW): string | null {
  try {
    verifyStripeWebhook(rawBody, header, ENDPOINT_SECRET, now);
    return null;
  } catch (error) {
    if (error instanceof StripeSignatureError) return error.reason;
    throw error;
  }
}

describe('Stripe-Signature verification', () => {
  it('accepts what Stripe signs, as Stripe’s own verifier does, and returns the event', () => {
    const header = stripeHeader();

    expect(verifyStripeWebhook(body, header, ENDPOINT_SECRET, NOW)).toMatchObject({ id: 'evt_1Q0xyz', type: 'payment_intent.succeeded' });
    expect(Stripe.webhooks.constructEvent(body, header, ENDPOINT_SECRET, 300, undefined, NOW.getTime()).id).toBe('evt_1Q0xyz');
  });

  it('refuses a wrong secret and a tampered body as mismatch', () => {
    expect(refusal(stripeHeader({ secret: 'whsec_someone_else' }))).toBe('mismatch');
    expect(refusal(stripeHeader(), Buffer.from(body.toString('utf8').replace('11900', '1190')))).toBe('mismatch');
    // The same JSON with other whitespace is another body: the signature is over the raw bytes.
    expect(refusal(stripeHeader(), Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 2)))).toBe('mismatch');
  });

  it('refuses a timestamp more than 300 s from now in either direction', () => {
    expect(refusal(stripeHeader({ timestamp: T - 300 }))).toBeNull();
    expect(refusal(stripeHeader({ timestamp: T - 301 }))).toBe('stale');
    expect(refusal(stripeHeader({ timestamp: T + 60 }))).toBeNull();
    expect(refusal(stripeHeader({ timestamp: T + 301 }))).toBe('stale');
  });

  it('accepts any one matching v1 among several (a secret being rolled) and ignores v0', () => {
    const valid = /v1=([0-9a-f]{64})/.exec(stripeHeader())?.[1];
    const other = /v1=([0-9a-f]{64})/.exec(stripeHeader({ secret: 'whsec_old_secret' }))?.[1];

    expect(refusal(`t=${T},v1=${other},v1=${valid},v0=${'0'.repeat(64)}`)).toBeNull();
    expect(refusal(`t=${T},v1=${other},v0=${valid}`)).toBe('mismatch');
  });

  it('tells a missing header from a malformed one', () => {
    expect(refusal(undefined)).toBe('missing');
    expect(refusal('  ')).toBe('missing');
    expect(refusal(`v1=${'a'.repeat(64)}`)).toBe('malformed');
    expect(refusal(`t=${T}`)).toBe('malformed');
    expect(refusal(`t=${T},v1=nothex`)).toBe('malformed');
    expect(refusal('sha256=abc')).toBe('malformed');
  });

  it('a validly signed body that is not an event is a StripeEventError', () => {
    const payload = Buffer.from('{"hello":"world"}');

    expect(() => verifyStripeWebhook(payload, stripeHeader({ payload }), ENDPOINT_SECRET, NOW)).toThrow(StripeEventError);
  });
});

describe('Stripe events as platform events', () => {
  it('payment_intent.succeeded → payment.succeeded with the amount received and our reference', () => {
    expect(toPspEvent(event('payment_intent.succeeded', intent()))).toEqual({
      eventId: 'evt_1Q0xyz',
      createdAt: new Date((T - 2) * 1000).toISOString(),
      type: 'payment.succeeded',
      paymentId: 'pi_3Q0abc',
      reference: '2027-000042',
      amount: { amount: 11_900, currency: 'EUR' },
    });
  });

  it('payment_intent.payment_failed → payment.failed with the error code as reason', () => {
    const failed = intent({ status: 'requires_payment_method', amount_received: 0, last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' } });

    expect(toPspEvent(event('payment_intent.payment_failed', failed))).toMatchObject({
      type: 'payment.failed',
      paymentId: 'pi_3Q0abc',
      reference: '2027-000042',
      amount: { amount: 11_900, currency: 'EUR' },
      failureReason: 'card_declined',
    });
  });

  it('charge.dispute.created → chargeback of the dispute’s PaymentIntent (reference unknown: empty)', () => {
    const dispute = { id: 'dp_1', object: 'dispute', amount: 11_900, currency: 'eur', charge: 'ch_1', payment_intent: 'pi_3Q0abc', reason: 'fraudulent', metadata: {} };
    const expanded = { ...dispute, payment_intent: intent() };

    const translated = toPspEvent(event('charge.dispute.created', dispute, 'evt_dispute'));
    expect(translated).toEqual({ eventId: 'evt_dispute', createdAt: expect.any(String), type: 'chargeback', paymentId: 'pi_3Q0abc', reference: '', amount: { amount: 11_900, currency: 'EUR' } });
    expect(toPspEvent(event('charge.dispute.created', expanded))).toMatchObject({ type: 'chargeback', paymentId: 'pi_3Q0abc' });
    expect(pspEventSchema.parse(translated)).toEqual(translated);
  });

  it('ignores other event types and PaymentIntents the platform did not create', () => {
    expect(toPspEvent(event('payment_intent.created', intent()))).toBeNull();
    expect(toPspEvent(event('charge.refunded', { id: 'ch_1', object: 'charge' }))).toBeNull();
    expect(toPspEvent(event('payment_intent.succeeded', intent({ metadata: {} })))).toBeNull();
  });

  it('a booked type without its object, or not in EUR, is a StripeEventError', () => {
    expect(() => toPspEvent(event('payment_intent.succeeded', { id: 'x' }))).toThrow(StripeEventError);
    expect(() => toPspEvent(event('payment_intent.succeeded', intent({ currency: 'usd' })))).toThrow(StripeEventError);
  });
});

describe('Stripe charge → signed event → platform event', () => {
  let stripe: MockStripe;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    stripe = await startMockStripe();
    receiver = await startWebhookReceiver();
    stripe.webhookUrl = receiver.url;
  });
  afterEach(async () => {
    await stripe.close();
    await receiver.close();
  });

  it('a charge, a decline and a dispute arrive as verifiable events that translate to the platform’s', async () => {
    const psp = new StripePsp({ apiUrl: stripe.apiUrl, secretKey: SECRET_KEY });
    const paid = await psp.charge({ idempotencyKey: 'k-1', amountCents: 4_990, currency: 'EUR', cardToken: 'pm_card_visa', reference: 'prepay-7', contractId: 'c-1', description: 'Vorauszahlung' });
    const declined = await psp.charge({ idempotencyKey: 'k-2', amountCents: 4_990, currency: 'EUR', cardToken: 'pm_card_chargeDeclined', reference: '2027-000043', contractId: 'c-1', description: 'Rechnung' });
    await stripe.whenIdle();
    await stripe.dispute(paid.paymentId);
    await stripe.whenIdle();

    const translated = receiver.received.map((received) =>
      toPspEvent(verifyStripeWebhook(received.rawBody, received.headers['stripe-signature'] as string, ENDPOINT_SECRET, new Date())),
    );
    // Each event is posted on its own, so they may arrive in any order.
    expect(translated).toHaveLength(3);
    expect(translated).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'payment.succeeded', paymentId: paid.paymentId, reference: 'prepay-7', amount: { amount: 4_990, currency: 'EUR' } }),
      expect.objectContaining({ type: 'payment.failed', paymentId: declined.paymentId, reference: '2027-000043', failureReason: 'card_declined' }),
      expect.objectContaining({ type: 'chargeback', paymentId: paid.paymentId, amount: { amount: 4_990, currency: 'EUR' } }),
    ]));
    for (const platformEvent of translated) expect(pspEventSchema.safeParse(platformEvent).success).toBe(true);
  });
});
