/**
 * POST /v1/webhooks/pingen through real HTTP on a platform configured with PRINT_PARTNER=pingen
 * against the mock Pingen: letters go out through the Pingen client (the print-partner activity
 * with the database store), and the mock sends Pingen's webhooks, signed, to the platform.
 */
import { randomUUID } from 'node:crypto';
import { createPrintPartnerActivities } from '../../activities/print-partner.activity';
import { createPrismaLettersStore } from '../../src/letters/letters.store';
import { createPingenPrintPartner } from '../../src/print-partner/pingen-client';
import { PINGEN_SOURCE } from '../../src/webhooks/pingen-webhook.service';
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';
import { CLIENT_ID, CLIENT_SECRET, mockPingenOptions, ORGANISATION_ID, pingenSignature, startMockPingen, type MockPingen } from './mock-pingen';
import { SDK_BODY, SDK_SIGNATURE, SDK_SIGNING_KEY } from './pingen-sdk-vector';
import { seedContract } from './seed';

const SIGNING_KEY = 'pingen-webhook-signing-key-4711';
const PDF = Buffer.from('%PDF-1.7\n% an invoice\n%%EOF\n');

let mock: MockPingen;
// Registered before the suite's hooks: the platform's configuration points at the running mock.
beforeAll(async () => {
  mock = await startMockPingen();
});
afterAll(async () => {
  await mock.close();
});

const { p, api } = sandboxSuite({
  platform: {
    configure: (config) => ({
      ...config,
      printPartner: {
        ...config.printPartner,
        partner: 'pingen',
        pingen: { ...mockPingenOptions(mock), webhookSigningKey: SIGNING_KEY },
      },
    }),
  },
});

beforeAll(async () => {
  // Registered through Pingen's API, as an operator would (or its dashboard).
  const token = (await (await fetch(`${mock.identityUrl}/auth/access-tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString() })).json()) as { access_token: string };
  for (const category of ['sent', 'undeliverable', 'issues']) {
    const response = await fetch(`${mock.apiUrl}/organisations/${ORGANISATION_ID}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'webhooks', attributes: { event_category: category, url: `${p.url}/v1/webhooks/pingen`, signing_key: SIGNING_KEY } } }),
    });
    expect(response.status).toBe(201);
  }
});

afterEach(() => {
  expect(mock.violations).toEqual([]);
});

/** A contract's letter handed to the mock Pingen by the print-partner activity through the Pingen client. */
async function letterAtPingen(): Promise<{ contractId: string; letterId: string; pingenId: string }> {
  const contractId = await seedContract(p.prisma);
  const pingen = p.config.printPartner.pingen;
  if (!pingen) throw new Error('the platform is not configured for Pingen');
  const activities = createPrintPartnerActivities({ store: createPrismaLettersStore(p.prisma), partner: createPingenPrintPartner(pingen), newId: randomUUID, now: () => new Date() });
  const result = await activities.sendLetter({ idempotencyKey: `contract-${contractId}/invoice/${randomUUID()}`, contractId, kind: 'invoice', template: 'invoice', pdfBase64: PDF.toString('base64') });
  expect(result.status).toBe('submitted');
  expect(mock.letters.at(-1)?.id).toBe(result.partnerLetterId);
  return { contractId, letterId: result.letterId, pingenId: result.partnerLetterId as string };
}

const letterRow = (letterId: string) => p.prisma.letter.findUniqueOrThrow({ where: { id: letterId } });

test('sent: a letter submitted through the Pingen client is posted; the replay answers 200 duplicate and changes nothing', async () => {
  const { letterId, pingenId } = await letterAtPingen();
  expect((await letterRow(letterId)).status).toBe('submitted');

  const sent = await mock.sendWebhook('sent', pingenId);
  expect(sent.status).toBe(200);
  expect(sent.body).toEqual({ eventId: sent.eventId, category: 'sent', letterId: pingenId, status: 'posted', applied: true, duplicate: false });
  expect((await letterRow(letterId)).status).toBe('posted');

  const replay = await mock.resendWebhook(sent);
  expect(replay.status).toBe(200);
  expect(replay.body).toEqual({ eventId: sent.eventId, category: 'sent', letterId: pingenId, status: 'posted', applied: false, duplicate: true });
  expect(await p.prisma.webhookEvent.count({ where: { source: PINGEN_SOURCE, eventId: sent.eventId } })).toBe(1);
  // The record keeps the event, not the recipient's address of the included letter.
  const stored = await p.prisma.webhookEvent.findFirstOrThrow({ where: { source: PINGEN_SOURCE, eventId: sent.eventId } });
  expect(JSON.stringify(stored.payload)).not.toContain('Heidestraße');
});

test('undeliverable: the letter is returned, also after posted; a late sent does not move it back', async () => {
  const { letterId, pingenId } = await letterAtPingen();
  expect((await mock.sendWebhook('sent', pingenId)).status).toBe(200);
  const undeliverable = await mock.sendWebhook('undeliverable', pingenId, { reason: 'Recipient unknown' });
  expect(undeliverable.body).toMatchObject({ category: 'undeliverable', status: 'returned', applied: true, duplicate: false });
  const lateSent = await mock.sendWebhook('sent', pingenId);
  expect(lateSent.status).toBe(200);
  expect(lateSent.body).toMatchObject({ status: 'returned', applied: false, duplicate: false });
  expect((await letterRow(letterId)).status).toBe('returned');
});

test('issues: the letter is failed with the reason, listed for operators; an issue after posting changes nothing', async () => {
  const { contractId, letterId, pingenId } = await letterAtPingen();
  const issue = await mock.sendWebhook('issues', pingenId, { code: 'file_too_many_pages', reason: 'Page limit exceeded' });
  expect(issue.status).toBe(200);
  expect(issue.body).toMatchObject({ category: 'issues', status: 'failed', applied: true, duplicate: false });
  expect(await letterRow(letterId)).toMatchObject({ status: 'failed', error: 'file_too_many_pages: Page limit exceeded' });

  const failed = await api('GET', '/v1/letters?status=failed&limit=200', { token: OPERATOR_TOKEN });
  expect(failed.status).toBe(200);
  expect(failed.body.items).toContainEqual(expect.objectContaining({ id: letterId, contractId, status: 'failed', error: 'file_too_many_pages: Page limit exceeded', partnerLetterId: pingenId }));
  const ofContract = await api('GET', `/v1/letters?contractId=${contractId}&status=failed`, { token: OPERATOR_TOKEN });
  expect(ofContract.body.items).toEqual([expect.objectContaining({ id: letterId, status: 'failed' })]);
  expect((await api('GET', `/v1/letters?contractId=${contractId}&status=posted`, { token: OPERATOR_TOKEN })).body.items).toEqual([]);

  // Resolved at Pingen (e.g. fewer pages allowed after all): Pingen sends it, the letter is posted.
  expect((await mock.sendWebhook('sent', pingenId)).body).toMatchObject({ status: 'posted', applied: true });
  const lateIssue = await mock.sendWebhook('issues', pingenId);
  expect(lateIssue.body).toMatchObject({ status: 'posted', applied: false, duplicate: false });
  expect((await letterRow(letterId)).status).toBe('posted');
});

test('GET /v1/letters?status= pages with nextCursor through every contract', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { letterId, pingenId } = await letterAtPingen();
    expect((await mock.sendWebhook('undeliverable', pingenId)).status).toBe(200);
    ids.push(letterId);
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await api('GET', `/v1/letters?status=returned&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: OPERATOR_TOKEN });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    seen.push(...(page.body.items as { id: string }[]).map((item) => item.id));
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
  expect(new Set(seen).size).toBe(seen.length);
  expect((await api('GET', '/v1/letters?status=shredded', { token: OPERATOR_TOKEN })).status).toBe(400);
});

test('a missing or bad signature is 401 WEBHOOK_SIGNATURE_INVALID problem+json and changes nothing', async () => {
  const { letterId, pingenId } = await letterAtPingen();
  const eventsBefore = await p.prisma.webhookEvent.count();
  const missing = await mock.sendWebhook('sent', pingenId, { signingKey: null });
  const wrongKey = await mock.sendWebhook('sent', pingenId, { signingKey: 'not-the-signing-key-0815' });
  // The platform's own scheme is not Pingen's.
  const sent = await mock.sendWebhook('sent', pingenId, { signingKey: 'not-the-signing-key-0815' });
  const prefixed = await mock.resendWebhook({ ...sent, signature: `sha256=${pingenSignature(SIGNING_KEY, sent.rawBody)}` });
  // The signature covers the raw bytes: the same JSON re-serialised is not signed.
  const reformatted = await mock.resendWebhook({ ...sent, rawBody: JSON.stringify(JSON.parse(sent.rawBody), null, 2), signature: pingenSignature(SIGNING_KEY, sent.rawBody) });
  for (const response of [missing, wrongKey, prefixed, reformatted]) {
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' });
  }
  const raw = await fetch(`${p.url}/v1/webhooks/pingen`, { method: 'POST', headers: { 'content-type': 'application/vnd.api+json' }, body: sent.rawBody });
  expect(raw.headers.get('content-type')).toContain('application/problem+json');
  expect((await letterRow(letterId)).status).toBe('submitted');
  expect(await p.prisma.webhookEvent.count()).toBe(eventsBefore);
});

test('an unknown letter is 404 (Pingen retries), a signed body of the wrong shape 400, both problem+json', async () => {
  await letterAtPingen();
  const unknown = await mock.sendWebhook('sent', randomUUID());
  expect(unknown.status).toBe(404);
  expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });

  // The SDK's test vector is signed with another key: refused before anything is parsed.
  const sdk = await fetch(`${p.url}/v1/webhooks/pingen`, { method: 'POST', headers: { 'content-type': 'application/vnd.api+json', signature: SDK_SIGNATURE }, body: SDK_BODY });
  expect(sdk.status).toBe(401);
  expect(SDK_SIGNING_KEY).not.toBe(SIGNING_KEY);

  for (const rawBody of [JSON.stringify({ data: { type: 'webhook_shredded', id: 'w-1', relationships: { letter: { data: { id: 'l-1' } } } } }), JSON.stringify({ eventId: 'e', letterId: 'l', status: 'posted' })]) {
    const response = await fetch(`${p.url}/v1/webhooks/pingen`, { method: 'POST', headers: { 'content-type': 'application/vnd.api+json', signature: pingenSignature(SIGNING_KEY, rawBody) }, body: rawBody });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  }
  // Plain JSON is accepted as well (the same bytes, signed).
  const { letterId, pingenId } = await letterAtPingen();
  const sent = await mock.sendWebhook('sent', pingenId);
  const asJson = await fetch(`${p.url}/v1/webhooks/pingen`, { method: 'POST', headers: { 'content-type': 'application/json', signature: pingenSignature(SIGNING_KEY, sent.rawBody.replace(sent.eventId, 'evt-json')) }, body: sent.rawBody.replace(sent.eventId, 'evt-json') });
  expect(asJson.status).toBe(200);
  expect((await letterRow(letterId)).status).toBe('posted');
});

test('the OpenAPI document describes the route with its answers', async () => {
  const doc = await api('GET', '/v1/openapi.json');
  const post = doc.body.paths['/v1/webhooks/pingen'].post;
  expect(post).toMatchObject({ summary: expect.any(String), tags: ['webhooks'] });
  expect(Object.keys(post.requestBody.content)).toEqual(expect.arrayContaining(['application/vnd.api+json', 'application/json']));
  for (const status of ['400', '401', '404']) expect(Object.keys(post.responses[status].content)).toEqual(['application/problem+json']);
  expect(post.responses['200'].content['application/json'].schema.properties.status.enum).toContain('failed');
  expect(post.security ?? []).toEqual([]);
});
