import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/app/clock';
import { DEV_PSP_WEBHOOK_SECRET, loadConfig } from '../../src/config/config';
import { createPsp } from '../../src/psp/create-psp';
import type { ChargeRequest } from '../../src/psp/psp';
import { isValidWebhookSignature } from '../../src/webhooks/webhook-signature';
import { startWebhookReceiver, type WebhookReceiver } from '../print-partner/webhook-receiver';
import { ENDPOINT_SECRET, SECRET_KEY, startMockStripe, type MockStripe } from './mock-stripe';

const silent = { log() {}, warn() {}, error() {} };

const charge = (cardToken: string): ChargeRequest => ({
  idempotencyKey: 'contract-c-1/prepayment/p-1',
  amountCents: 5_000,
  currency: 'EUR',
  cardToken,
  reference: 'p-1',
  contractId: 'c-1',
  description: 'Vorauszahlung',
});

let dataDir: string;
let receiver: WebhookReceiver;
let stripe: MockStripe;
beforeEach(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'psp-config-'));
  receiver = await startWebhookReceiver();
  stripe = await startMockStripe();
});
afterEach(async () => {
  await stripe.close();
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('PSP configuration', () => {
  it('runs the local PSP by default, reporting to the configured URL with PSP_WEBHOOK_SECRET', async () => {
    const { payments } = loadConfig({ PSP_WEBHOOK_URL: receiver.url });
    const { psp, local, description } = createPsp(payments, { clock: systemClock, dataDir, local: { settleDelayMs: 0, logger: silent } });
    try {
      expect(psp.name).toBe('local');
      expect(local).toBe(psp);
      expect(description).toMatch(new RegExp(`^psp: local .*charges in ${path.join(dataDir, 'charges.jsonl')}, events to ${receiver.url}$`));

      const accepted = await psp.charge(charge('tok_ok'));
      await local?.whenIdle();

      const [delivery] = receiver.received;
      expect(JSON.parse(delivery.rawBody.toString('utf8'))).toMatchObject({ type: 'payment.succeeded', paymentId: accepted.paymentId, reference: 'p-1' });
      expect(isValidWebhookSignature(DEV_PSP_WEBHOOK_SECRET, delivery.rawBody, delivery.headers['x-signature'] as string)).toBe(true);
    } finally {
      await psp.close?.();
    }
  });

  it('the local PSP points at this API’s own /v1/webhooks/psp unless told otherwise', () => {
    const { payments } = loadConfig({ PORT: '3100' });
    const { psp, description } = createPsp(payments, { clock: systemClock, dataDir, local: { resumeDeliveries: false } });
    void psp.close?.();

    expect(description).toContain('events to http://127.0.0.1:3100/v1/webhooks/psp');
  });

  it('PSP=stripe charges through the configured API with the secret key', async () => {
    const { payments } = loadConfig({ PSP: 'stripe', STRIPE_API_URL: stripe.apiUrl, STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: ENDPOINT_SECRET });
    const { psp, local, description } = createPsp(payments, { clock: systemClock, dataDir });

    expect(psp.name).toBe('stripe');
    expect(local).toBeNull();
    expect(description).toBe(`psp: stripe at ${stripe.apiUrl} (PaymentIntents, outcome at POST /v1/webhooks/stripe)`);
    expect(await psp.charge(charge('pm_card_visa'))).toMatchObject({ status: 'succeeded' });
    expect(stripe.violations).toEqual([]);
  });
});
