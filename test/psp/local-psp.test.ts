import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../../src/app/clock';
import { LocalPsp, type LocalPspOptions } from '../../src/psp/local-psp';
import { pspEventSchema, type ChargeRequest, type PspEvent } from '../../src/psp/psp';
import { isValidWebhookSignature } from '../../src/webhooks/webhook-signature';
import { startWebhookReceiver, type WebhookReceiver } from '../print-partner/webhook-receiver';

const SECRET = 'test-psp-webhook-secret-0123';

const request = (overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  idempotencyKey: 'contract-c-1/charge/2027-000042',
  amountCents: 11_900,
  currency: 'EUR',
  cardToken: 'tok_ok',
  reference: '2027-000042',
  contractId: 'c-1',
  description: 'Rechnung 2027-000042',
  ...overrides,
});

/** A clock that only moves when told: the sandbox clock in miniature. */
function manualClock(start: string): Clock & { set(instant: string): void } {
  let now = new Date(start);
  return { now: async () => now, set: (instant) => void (now = new Date(instant)) };
}

let dataDir: string;
let receiver: WebhookReceiver;
let instances: LocalPsp[];
let warnings: string[];
beforeEach(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'psp-'));
  receiver = await startWebhookReceiver();
  instances = [];
  warnings = [];
});
afterEach(async () => {
  for (const instance of instances) await instance.close();
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function localPsp(overrides: Partial<LocalPspOptions> = {}): LocalPsp {
  const created = new LocalPsp({
    dataDir,
    webhookUrl: receiver.url,
    webhookSecret: SECRET,
    clock: manualClock('2027-03-31T10:00:00.000Z'),
    settleDelayMs: 0,
    retry: { attempts: 5, initialBackoffMs: 10, maxBackoffMs: 40 },
    logger: { log() {}, warn: (message: string) => void warnings.push(message), error: (message: string) => void warnings.push(message) },
    ...overrides,
  });
  instances.push(created);
  return created;
}

/** The events the receiver accepted, as sent. */
const events = (): PspEvent[] => receiver.received.map((received) => pspEventSchema.parse(JSON.parse(received.rawBody.toString('utf8'))));
/** The event of {@link request}'s charge the PSP should send. */
const platformEvent = (type: PspEvent['type'], paymentId: string, createdAt: string): PspEvent => ({
  eventId: `evt_${paymentId}_${type === 'chargeback' ? 'chargeback' : type.slice('payment.'.length)}`,
  createdAt,
  type,
  paymentId,
  reference: '2027-000042',
  amount: { amount: 11_900, currency: 'EUR' },
});
/** The records of the charge log, by kind. */
const logged = (kind: string) =>
  readFileSync(path.join(dataDir, 'charges.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string })
    .filter((record) => record.kind === kind);

describe('local PSP', () => {
  it('tok_ok: answers pending, then reports payment.succeeded through the signed webhook, stamped by the clock', async () => {
    const clock = manualClock('2027-03-31T10:00:00.000Z');
    const psp = localPsp({ clock });

    const accepted = await psp.charge(request());
    clock.set('2027-03-31T10:00:02.000Z');
    await psp.whenIdle();

    expect(accepted).toEqual({ paymentId: expect.stringMatching(/^pay_[0-9a-f]{24}$/), status: 'pending' });
    expect(events()).toEqual([platformEvent('payment.succeeded', accepted.paymentId, '2027-03-31T10:00:02.000Z')]);
    expect(events()[0].eventId).toBe(`evt_${accepted.paymentId}_succeeded`);
    const [delivery] = receiver.received;
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(isValidWebhookSignature(SECRET, delivery.rawBody, delivery.headers['x-signature'] as string)).toBe(true);
    expect(isValidWebhookSignature('another-secret-0123456', delivery.rawBody, delivery.headers['x-signature'] as string)).toBe(false);
  });

  it('tok_declined: payment.failed with card_declined', async () => {
    const accepted = await localPsp().charge(request({ cardToken: 'tok_declined' }));
    await instances[0].whenIdle();

    expect(accepted.status).toBe('pending');
    expect(events()).toEqual([expect.objectContaining({ type: 'payment.failed', paymentId: accepted.paymentId, failureReason: 'card_declined', amount: { amount: 11_900, currency: 'EUR' } })]);
  });

  it('refuses an unknown token as a non-retryable INVALID_CARD_TOKEN and charges nothing', async () => {
    const psp = localPsp();

    await expect(psp.charge(request({ cardToken: 'pm_card_visa' }))).rejects.toMatchObject({ name: 'PspError', code: 'INVALID_CARD_TOKEN', retryable: false });
    await expect(psp.charge(request({ cardToken: 'constructor' }))).rejects.toMatchObject({ code: 'INVALID_CARD_TOKEN' });
    await psp.whenIdle();
    expect(receiver.received).toEqual([]);
  });

  it('the same idempotency key twice (also at once) is one charge and one webhook; with other parameters it is refused', async () => {
    const psp = localPsp();

    const [first, concurrent] = await Promise.all([psp.charge(request()), psp.charge(request())]);
    await psp.whenIdle();
    const later = await psp.charge(request());
    await psp.whenIdle();

    expect(concurrent).toEqual(first);
    expect(later).toEqual(first);
    expect(logged('charge')).toHaveLength(1);
    expect(events().map((event) => event.eventId)).toEqual([`evt_${first.paymentId}_succeeded`]);
    await expect(psp.charge(request({ amountCents: 100 }))).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH', retryable: false });
  });

  it('a restart (a new instance on the same directory) keeps the idempotency and sends no event again', async () => {
    const before = localPsp();
    const first = await before.charge(request());
    await before.whenIdle();
    await before.close();
    expect(receiver.received).toHaveLength(1);

    const after = localPsp();
    const again = await after.charge(request());
    await after.whenIdle();

    expect(again).toEqual(first);
    expect(logged('charge')).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('an event the platform never took is sent by the next instance at start', async () => {
    const before = localPsp({ settleDelayMs: 60_000 });
    const accepted = await before.charge(request({ cardToken: 'tok_declined' }));
    await before.close();
    expect(receiver.received).toEqual([]);

    await localPsp().whenIdle();

    expect(events()).toEqual([expect.objectContaining({ type: 'payment.failed', paymentId: accepted.paymentId })]);
  });

  it('retries with backoff while the platform answers 500 and stops once it accepts', async () => {
    receiver.answers.push(500, 500);
    const psp = localPsp();

    const accepted = await psp.charge(request());
    await psp.whenIdle();

    expect(receiver.answers).toEqual([]);
    expect(events().map((event) => event.paymentId)).toEqual([accepted.paymentId]);
    expect(warnings.filter((warning) => warning.includes('not delivered'))).toHaveLength(2);
  });

  it('gives up after the attempts with a warning naming the payment, and at once on a refusal', async () => {
    receiver.answers.push(503, 503, 503, 401);
    const psp = localPsp({ retry: { attempts: 3, initialBackoffMs: 5, maxBackoffMs: 5 } });

    const unavailable = await psp.charge(request());
    await psp.whenIdle();
    const refused = await psp.charge(request({ idempotencyKey: 'k-refused' }));
    await psp.whenIdle();

    expect(receiver.received).toEqual([]);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`giving up .*${unavailable.paymentId} after 3 attempt`)), expect.stringMatching(new RegExp(`giving up .*${refused.paymentId} after 1 attempt.*HTTP 401`))]));
  });

  it('chargeback: a chargeback event for a succeeded charge, refused for a failed or unknown one', async () => {
    const psp = localPsp();
    const paid = await psp.charge(request());
    const declined = await psp.charge(request({ idempotencyKey: 'k-declined', cardToken: 'tok_declined' }));
    await psp.whenIdle();

    expect(await psp.chargeback(paid.paymentId)).toEqual({ paymentId: paid.paymentId, eventId: `evt_${paid.paymentId}_chargeback` });
    await psp.whenIdle();
    await expect(psp.chargeback(declined.paymentId)).rejects.toMatchObject({ code: 'PAYMENT_NOT_SUCCEEDED', retryable: false });
    await expect(psp.chargeback('pay_unknown')).rejects.toMatchObject({ code: 'PAYMENT_NOT_FOUND', retryable: false });

    expect(events().at(-1)).toEqual(platformEvent('chargeback', paid.paymentId, '2027-03-31T10:00:00.000Z'));
    expect(isValidWebhookSignature(SECRET, receiver.received.at(-1)!.rawBody, receiver.received.at(-1)!.headers['x-signature'] as string)).toBe(true);
  });

  it('a second instance on the same directory (the API next to the worker) finds charges made after it started', async () => {
    const worker = localPsp();
    const api = localPsp({ resumeDeliveries: false });
    const paid = await worker.charge(request());
    await worker.whenIdle();

    await api.chargeback(paid.paymentId);
    await api.whenIdle();

    expect(events().map((event) => event.type)).toEqual(['payment.succeeded', 'chargeback']);
  });

  it('close() stops pending deliveries; describe() says which PSP runs', async () => {
    const psp = localPsp({ settleDelayMs: 60_000 });
    await psp.charge(request());
    await psp.close();

    expect(receiver.received).toEqual([]);
    expect(psp.describe()).toBe(`psp: local (tokens tok_ok, tok_declined), charges in ${path.join(dataDir, 'charges.jsonl')}, events to ${receiver.url}`);
  });
});
