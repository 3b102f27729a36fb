import type { ChargeRequest, PspError } from '../../src/psp/psp';
import { encodeForm, StripePsp, stripeIdempotencyKey } from '../../src/psp/stripe-client';
import { freePort } from '../helpers/ports';
import { parseForm, SECRET_KEY, startMockStripe, type MockStripe } from './mock-stripe';

const request = (overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  idempotencyKey: 'contract-c-1/charge/2027-000042',
  amountCents: 11_900,
  currency: 'EUR',
  cardToken: 'pm_card_visa',
  reference: '2027-000042',
  contractId: 'c-1',
  description: 'Rechnung 2027-000042',
  ...overrides,
});

let stripe: MockStripe;
beforeEach(async () => {
  stripe = await startMockStripe();
});
afterEach(async () => {
  await stripe.close();
});

const client = (overrides: { secretKey?: string; requestTimeoutMs?: number; apiUrl?: string } = {}) =>
  new StripePsp({ apiUrl: stripe.apiUrl, secretKey: SECRET_KEY, ...overrides });

/** A {@link PspError} with these members. */
const pspError = (members: Partial<Pick<PspError, 'code' | 'retryable' | 'status' | 'message'>>) => expect.objectContaining({ name: 'PspError', ...members }) as unknown;

describe('Stripe PaymentIntents client', () => {
  it('charges with one form-encoded, authenticated, idempotent POST /v1/payment_intents and answers succeeded', async () => {
    const accepted = await client().charge(request());

    expect(accepted).toEqual({ paymentId: expect.stringMatching(/^pi_/), status: 'succeeded' });
    expect(stripe.violations).toEqual([]);
    expect(stripe.requests).toHaveLength(1);
    const [sent] = stripe.requests;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/payment_intents');
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.headers['idempotency-key']).toBe('contract-c-1/charge/2027-000042');
    expect(sent.form).toEqual({
      amount: '11900',
      currency: 'eur',
      payment_method: 'pm_card_visa',
      payment_method_types: ['card'],
      confirm: 'true',
      off_session: 'true',
      description: 'Rechnung 2027-000042',
      metadata: { reference: '2027-000042', contract_id: 'c-1' },
    });
    expect(stripe.intents.get(accepted.paymentId)).toMatchObject({ amount: 11_900, status: 'succeeded' });
  });

  it('a declined card is a failed charge with Stripe’s code, not an error', async () => {
    const declined = await client().charge(request({ cardToken: 'pm_card_chargeDeclined' }));
    const offSession = await client().charge(request({ idempotencyKey: 'k-3ds', cardToken: 'pm_card_authenticationRequired' }));

    expect(declined).toEqual({ paymentId: expect.stringMatching(/^pi_/), status: 'failed', failureReason: 'card_declined' });
    expect(stripe.intents.get(declined.paymentId)).toMatchObject({ status: 'requires_payment_method' });
    expect(offSession).toMatchObject({ status: 'failed', failureReason: 'authentication_required' });
  });

  it('a payment still processing is pending (its event settles it)', async () => {
    expect(await client().charge(request({ cardToken: 'pm_mock_processing' }))).toEqual({ paymentId: expect.stringMatching(/^pi_/), status: 'pending' });
  });

  it('5xx and 429 are retryable; Stripe-Should-Retry: false overrides it', async () => {
    stripe.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 429 }, { kind: 'status', status: 500, shouldRetry: false });

    await expect(client().charge(request({ idempotencyKey: 'k-500' }))).rejects.toEqual(pspError({ code: 'PSP_UNAVAILABLE', retryable: true, status: 500 }));
    await expect(client().charge(request({ idempotencyKey: 'k-429' }))).rejects.toEqual(pspError({ code: 'RATE_LIMITED', retryable: true, status: 429 }));
    await expect(client().charge(request({ idempotencyKey: 'k-500-stored' }))).rejects.toEqual(pspError({ code: 'PSP_UNAVAILABLE', retryable: false, status: 500 }));
    expect(stripe.intents.size).toBe(0);
  });

  it('an unknown payment method, a wrong key and a reused key with other parameters are not retryable', async () => {
    await expect(client().charge(request({ cardToken: 'pm_nonexistent' }))).rejects.toEqual(
      pspError({ code: 'INVALID_CARD_TOKEN', retryable: false, status: 400, message: expect.stringContaining("No such PaymentMethod: 'pm_nonexistent'") as string }),
    );
    await expect(client({ secretKey: 'sk_test_wrong' }).charge(request({ idempotencyKey: 'k-auth' }))).rejects.toEqual(pspError({ code: 'AUTHENTICATION_FAILED', retryable: false, status: 401 }));
    await client().charge(request({ idempotencyKey: 'k-reused' }));
    await expect(client().charge(request({ idempotencyKey: 'k-reused', amountCents: 500 }))).rejects.toEqual(pspError({ code: 'IDEMPOTENCY_MISMATCH', retryable: false, status: 400 }));
    expect(stripe.violations).toEqual([]);
  });

  it('refuses what no PSP takes before sending anything', async () => {
    await expect(client().charge(request({ amountCents: 19.99 }))).rejects.toEqual(pspError({ code: 'INVALID_REQUEST', retryable: false }));
    expect(stripe.requests).toHaveLength(0);
  });

  it('a request that hangs times out as retryable; an unreachable API is a retryable network error', async () => {
    stripe.faults.push({ kind: 'hang', ms: 2_000 });
    const unreachable = `http://127.0.0.1:${await freePort()}`;

    await expect(client({ requestTimeoutMs: 200 }).charge(request())).rejects.toEqual(pspError({ code: 'TIMEOUT', retryable: true }));
    await expect(client({ apiUrl: unreachable }).charge(request())).rejects.toEqual(pspError({ code: 'NETWORK', retryable: true }));
  });

  it('the same idempotency key twice, or after a lost answer, is one PaymentIntent', async () => {
    const first = await client().charge(request());
    const again = await client().charge(request());
    stripe.faults.push({ kind: 'drop-after-create' });
    await expect(client().charge(request({ idempotencyKey: 'k-lost' }))).rejects.toEqual(pspError({ code: 'NETWORK', retryable: true }));
    const retried = await client().charge(request({ idempotencyKey: 'k-lost' }));

    expect(again).toEqual(first);
    expect(retried).toMatchObject({ status: 'succeeded' });
    expect([...stripe.intents.keys()].sort()).toEqual([first.paymentId, retried.paymentId].sort());
    expect(stripe.requests.at(-1)?.headers['idempotency-key']).toBe('k-lost');
  });
});

describe('Stripe form encoding and keys', () => {
  it('uses bracket notation that Stripe (and a form parser) read back as nested values', () => {
    const form = encodeForm({ amount: 100, metadata: { reference: 'R 1&2=3', contract_id: 'ä' }, types: ['card', 'sepa_debit'], confirm: true });

    expect(form).toBe('amount=100&metadata[reference]=R%201%262%3D3&metadata[contract_id]=%C3%A4&types[0]=card&types[1]=sepa_debit&confirm=true');
    expect(parseForm(form)).toEqual({ amount: '100', metadata: { reference: 'R 1&2=3', contract_id: 'ä' }, types: ['card', 'sepa_debit'], confirm: 'true' });
  });

  it('sends our key where Stripe takes it and a stable digest where it does not', () => {
    expect(stripeIdempotencyKey('contract-c-1/charge/1')).toBe('contract-c-1/charge/1');
    const long = stripeIdempotencyKey('x'.repeat(300));
    expect(long).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(stripeIdempotencyKey('x'.repeat(300))).toBe(long);
    expect(stripeIdempotencyKey('Vertrag Müller')).toMatch(/^sha256-/);
  });
});
