/**
 * Pingen's webhook protocol without the platform: the signature check against the SDK's test
 * vector, and what a body stands for.
 */
import { isValidPingenSignature, PingenWebhookSchema, signPingenWebhook, toPingenWebhookEvent } from '../../src/webhooks/pingen-webhook';
import { SDK_BODY, SDK_SIGNATURE, SDK_SIGNING_KEY } from './pingen-sdk-vector';

describe("Pingen's webhook signature", () => {
  const body = Buffer.from(SDK_BODY, 'utf8');

  it("verifies the SDK's test vector, byte for byte", () => {
    expect(body).toHaveLength(2536);
    expect(isValidPingenSignature(SDK_SIGNING_KEY, body, SDK_SIGNATURE)).toBe(true);
    expect(signPingenWebhook(SDK_SIGNING_KEY, body)).toBe(SDK_SIGNATURE);
    // Header values are trimmed; hex case does not matter.
    expect(isValidPingenSignature(SDK_SIGNING_KEY, body, ` ${SDK_SIGNATURE.toUpperCase()} `)).toBe(true);
  });

  it('refuses another key, other bytes, a missing, prefixed, short or non-hex signature', () => {
    expect(isValidPingenSignature('webhook_test_secret', body, SDK_SIGNATURE)).toBe(false);
    // The same JSON with the slashes unescaped is other bytes.
    expect(isValidPingenSignature(SDK_SIGNING_KEY, Buffer.from(SDK_BODY.replaceAll('\\/', '/')), SDK_SIGNATURE)).toBe(false);
    expect(isValidPingenSignature(SDK_SIGNING_KEY, Buffer.from(JSON.stringify(JSON.parse(SDK_BODY))), SDK_SIGNATURE)).toBe(false);
    for (const header of [undefined, '', `sha256=${SDK_SIGNATURE}`, SDK_SIGNATURE.slice(0, 63), `${SDK_SIGNATURE}00`, 'wrong99999999999999999999999999999999999999999999999999signature']) {
      expect(isValidPingenSignature(SDK_SIGNING_KEY, body, header)).toBe(false);
    }
  });
});

describe("Pingen's webhook body", () => {
  it("the SDK's issue: the letter event's id is the event id, its code and the reason explain the failure", () => {
    const event = toPingenWebhookEvent(PingenWebhookSchema.parse(JSON.parse(SDK_BODY)));
    expect(event).toEqual({
      eventId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
      category: 'issues',
      letterId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
      status: 'failed',
      reason: 'file_too_many_pages: Page limit exceeded',
    });
  });

  const minimal = (type: string, withEvent = true) => ({
    data: {
      type,
      id: 'webhook-1',
      attributes: { reason: 'Recipient unknown', created_at: '2024-04-26T09:54:38+0200' },
      relationships: { letter: { data: { type: 'letters', id: 'letter-1' } }, ...(withEvent ? { event: { data: { type: 'letters_events', id: 'event-1' } } } : {}) },
    },
  });

  it.each([
    ['webhook_sent', 'sent', 'posted'],
    ['webhook_undeliverable', 'undeliverable', 'returned'],
    ['webhook_undeliverables', 'undeliverables', 'returned'],
    ['webhook_delivered', 'delivered', 'posted'],
    ['webhook_issues', 'issues', 'failed'],
  ])('%s → %s → the letter %s', (type, category, status) => {
    expect(toPingenWebhookEvent(PingenWebhookSchema.parse(minimal(type)))).toMatchObject({ category, status, eventId: 'event-1', letterId: 'letter-1', reason: 'Recipient unknown' });
  });

  it('without a letter event the webhook id is the event id', () => {
    expect(toPingenWebhookEvent(PingenWebhookSchema.parse(minimal('webhook_sent', false))).eventId).toBe('webhook-1');
  });

  it('refuses other types and bodies without a letter', () => {
    expect(PingenWebhookSchema.safeParse(minimal('webhook_shredded')).success).toBe(false);
    expect(PingenWebhookSchema.safeParse(minimal('letters')).success).toBe(false);
    expect(PingenWebhookSchema.safeParse({ data: { ...minimal('webhook_sent').data, relationships: {} } }).success).toBe(false);
    expect(PingenWebhookSchema.safeParse({ eventId: 'e', letterId: 'l', status: 'posted' }).success).toBe(false);
  });
});
