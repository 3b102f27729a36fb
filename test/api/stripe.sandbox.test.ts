/**
 * PSP=stripe end to end in sandbox mode: the invoice of a card contract is charged through
 * Stripe's PaymentIntents protocol (a local mock that follows it, test/psp/mock-stripe.ts), the
 * mock's signed event (`Stripe-Signature: t=…,v1=…`) arrives at `POST /v1/webhooks/stripe` and
 * books the payment; a dispute books the chargeback; a forged signature is 401.
 */
import { createHmac } from 'node:crypto';
import type { MockStripe } from '../psp/mock-stripe';
import { ENDPOINT_SECRET, SECRET_KEY, startMockStripe } from '../psp/mock-stripe';
import type { TestPlatform } from '../helpers/platform';
import { apiClient, OPERATOR_TOKEN, startTestPlatform } from '../helpers/platform';

let stripe: MockStripe;
let p: TestPlatform;
let api: ReturnType<typeof apiClient>;
const eur = (amount: number) => ({ amount, currency: 'EUR' });

beforeAll(async () => {
  stripe = await startMockStripe();
  p = await startTestPlatform('sandbox', {
    configure: (config) => ({ ...config, payments: { ...config.payments, psp: 'stripe', stripe: { apiUrl: stripe.apiUrl, secretKey: SECRET_KEY, webhookSecret: ENDPOINT_SECRET } } }),
  });
  api = apiClient(p.url);
  stripe.webhookUrl = `${p.url}/v1/webhooks/stripe`;
  // Nobody pays by transfer here; keep dunning out of the way.
  await api('PUT', '/v1/dunning/ladder', {
    token: OPERATOR_TOKEN,
    body: { steps: [{ step: 'reminder', offsetDays: 3650, channels: ['email'], fee: eur(0) }, { step: 'handover', offsetDays: 3651, channels: [], fee: eur(0) }] },
  });
});
afterAll(async () => {
  await p?.stop();
  await stripe?.close();
});

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  let last = await read();
  for (let i = 0; i < 200 && !check(last); i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  if (!check(last)) throw new Error(`${what} did not happen: ${JSON.stringify(last)}`);
  return last;
}

test('card on Stripe: the invoice is charged with a PaymentIntent (Idempotency-Key = the step), paid by the signed event; a dispute reopens it; a forged event is 401', async () => {
  expect((await api('POST', '/v1/sandbox/clock/advance', { token: OPERATOR_TOKEN, body: { to: '2027-04-01T06:00:00Z' } })).status).toBe(200);
  const customer = (await api('POST', '/v1/customers', { token: OPERATOR_TOKEN, body: { type: 'business', name: 'Stripe Kunde', email: 'stripe@example.org', address: { line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' } } })).body;
  const token = (await api('POST', `/v1/customers/${customer.id}/tokens`, { token: OPERATOR_TOKEN })).body.token as string;
  const contract = (await api('POST', '/v1/contracts', { token, body: { plan: 'plus', seats: 1 } })).body;
  expect((await api('PUT', `/v1/contracts/${contract.id}/payment-method`, { token, body: { type: 'card', pspToken: 'pm_card_visa' } })).status).toBe(200);
  expect((await api('POST', '/v1/sandbox/clock/advance', { token: OPERATOR_TOKEN, body: { to: '2027-05-01T05:00:00Z' } })).status).toBe(200);
  const may = ((await api('GET', `/v1/contracts/${contract.id}/invoices`, { token })).body.items as any[]).find((i) => i.issuedOn === '2027-05-01');
  expect(may.paymentMethod).toBe('card');
  const paid = await eventually(() => api('GET', `/v1/invoices/${may.id}`, { token }), (r) => r.body.status === 'paid', 'the Stripe payment');
  expect(paid.body.openAmount).toEqual(eur(0));
  // One PaymentIntent per card invoice (the start-day invoice may already have been on the card), keyed by its step.
  const intents = stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.headers['idempotency-key']?.includes('/bill/2027-05-01/charge'));
  expect(intents).toHaveLength(1);
  expect(intents[0].headers['idempotency-key']).toContain(`contract-${contract.id}/bill/2027-05-01/charge`);
  expect(stripe.violations).toEqual([]);
  const payment = ((await api('GET', `/v1/contracts/${contract.id}/statement`, { token })).body.entries as any[]).find((e) => e.type === 'payment' && e.invoiceId === may.id);
  expect(payment).toMatchObject({ amount: eur(-may.gross.amount), reference: expect.stringMatching(/^pi_/) });

  // A dispute → charge.dispute.created → chargeback entry, the invoice open again.
  await stripe.dispute(payment.reference);
  await stripe.whenIdle();
  await eventually(() => api('GET', `/v1/invoices/${may.id}`, { token }), (r) => r.body.status === 'open', 'the chargeback');
  expect(((await api('GET', `/v1/contracts/${contract.id}/statement`, { token })).body.entries as any[]).filter((e) => e.type === 'chargeback' && e.invoiceId === may.id)).toHaveLength(1);
  // Every event the mock sent was accepted.
  expect(stripe.events.map((e) => e.answeredWith)).toEqual(stripe.events.map(() => 200));

  // A forged event (signed with another secret) → 401; nothing changes.
  const body = JSON.stringify({ id: 'evt_forged', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: { id: payment.reference, object: 'payment_intent', amount: may.gross.amount, amount_received: may.gross.amount, currency: 'eur', status: 'succeeded', metadata: {} } } });
  const t = Math.floor(Date.now() / 1000);
  const forged = await fetch(`${p.url}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${createHmac('sha256', 'whsec_not_ours').update(`${t}.${body}`).digest('hex')}` },
    body,
  });
  expect(forged.status).toBe(401);
  expect((await api('GET', `/v1/invoices/${may.id}`, { token })).body.status).toBe('open');
});
