/**
 * POST /v1/webhooks/print-partner through real HTTP on the sandbox platform (time-skipping
 * Temporal, real PostgreSQL): signature, replay window on the sandbox clock, replays, statuses.
 */
import { randomUUID } from 'node:crypto';
import { createPrismaLettersStore } from '../../src/letters/letters.store';
import { signWebhookBody } from '../../src/webhooks/webhook-signature';
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';
import { seedContract } from './seed';

const { p, api, advanceBy } = sandboxSuite();

/** A contract with one letter the partner accepted as `partnerLetterId`. */
async function submittedLetter(): Promise<{ contractId: string; letterId: string; partnerLetterId: string }> {
  const contractId = await seedContract(p.prisma);
  const store = createPrismaLettersStore(p.prisma);
  const letter = await store.claim({
    letterId: randomUUID(),
    communicationId: randomUUID(),
    idempotencyKey: `contract-${contractId}/invoice/2027-000001`,
    contractId,
    kind: 'invoice',
    template: 'invoice',
    locale: 'de',
    invoiceId: null,
    partner: 'local',
    recipient: 'Erika Mustermann, Heidestraße 17, 51147 Köln, DE',
    subject: 'Rechnung 2027-000001',
  });
  const partnerLetterId = `loc_${randomUUID().replaceAll('-', '')}`;
  await store.markSubmitted(letter, partnerLetterId, new Date());
  return { contractId, letterId: letter.id, partnerLetterId };
}

const sandboxNow = async () => new Date((await api('GET', '/v1/sandbox/clock', { token: OPERATOR_TOKEN })).body.now as string);

/** Posts a report signed with the platform's secret (or `signature` as given). */
async function report(event: { eventId?: string; createdAt?: Date; letterId: string; status: string }, options: { signature?: string | null } = {}) {
  const rawBody = JSON.stringify({ eventId: event.eventId ?? `evt_${randomUUID()}`, createdAt: (event.createdAt ?? (await sandboxNow())).toISOString(), letterId: event.letterId, status: event.status });
  const signature = options.signature === undefined ? signWebhookBody(p.config.printPartner.webhookSecret, rawBody) : options.signature;
  return api('POST', '/v1/webhooks/print-partner', { rawBody, headers: signature === null ? {} : { 'x-signature': signature } });
}

const statusOf = async (letterId: string) => (await p.prisma.letter.findUniqueOrThrow({ where: { id: letterId } })).status;

test('the replay window is the sandbox clock: 5 minutes either side, wall-clock time is stale once the clock moved', async () => {
  // First in this file: the advance settles every contract's workflow, and the seeded ones have none.
  await advanceBy('P30D');
  const now = await sandboxNow();
  const { letterId, partnerLetterId } = await submittedLetter();
  expect(now.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);

  const wallClock = await report({ letterId: partnerLetterId, status: 'printed', createdAt: new Date() });
  expect(wallClock.status).toBe(401);
  expect(wallClock.body).toMatchObject({ code: 'WEBHOOK_EVENT_STALE' });
  for (const offsetMs of [-6 * 60_000, 6 * 60_000]) {
    const stale = await report({ letterId: partnerLetterId, status: 'printed', createdAt: new Date(now.getTime() + offsetMs) });
    expect(stale.status).toBe(401);
  }
  expect(await statusOf(letterId)).toBe('submitted');

  const fresh = await report({ letterId: partnerLetterId, status: 'printed', createdAt: new Date(now.getTime() - 4 * 60_000) });
  expect(fresh.status).toBe(200);
  expect(await statusOf(letterId)).toBe('printed');
});

test('a missing or bad signature is 401 problem+json and changes nothing', async () => {
  const { letterId, partnerLetterId } = await submittedLetter();
  const eventsBefore = await p.prisma.webhookEvent.count();
  const missing = await report({ letterId: partnerLetterId, status: 'printed' }, { signature: null });
  const wrongSecret = await report({ letterId: partnerLetterId, status: 'printed' }, { signature: signWebhookBody('not-the-platform-secret', '{}') });
  const notHex = await report({ letterId: partnerLetterId, status: 'printed' }, { signature: 'sha256=zz' });
  for (const response of [missing, wrongSecret, notHex]) {
    expect(response.status).toBe(401);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' });
  }
  // The signature covers the raw bytes: the same JSON re-serialised with other spacing is not signed.
  const rawBody = JSON.stringify({ eventId: 'evt_spacing', createdAt: (await sandboxNow()).toISOString(), letterId: partnerLetterId, status: 'printed' });
  const reformatted = await api('POST', '/v1/webhooks/print-partner', { rawBody: JSON.stringify(JSON.parse(rawBody), null, 2), headers: { 'x-signature': signWebhookBody(p.config.printPartner.webhookSecret, rawBody) } });
  expect(reformatted.status).toBe(401);
  expect(await statusOf(letterId)).toBe('submitted');
  expect(await p.prisma.webhookEvent.count()).toBe(eventsBefore);
});

test('statuses only move forward, returned may follow posted, a replayed eventId answers 200 and changes nothing', async () => {
  const { contractId, letterId, partnerLetterId } = await submittedLetter();
  const printed = await report({ eventId: 'evt-1', letterId: partnerLetterId, status: 'printed' });
  expect(printed.status).toBe(200);
  expect(printed.body).toEqual({ eventId: 'evt-1', letterId: partnerLetterId, status: 'printed', applied: true, duplicate: false });

  const posted = await report({ eventId: 'evt-2', letterId: partnerLetterId, status: 'posted' });
  expect(posted.body).toMatchObject({ status: 'posted', applied: true });
  // A late `printed` (another event) does not move a posted letter back.
  const late = await report({ eventId: 'evt-3', letterId: partnerLetterId, status: 'printed' });
  expect(late.status).toBe(200);
  expect(late.body).toMatchObject({ status: 'posted', applied: false, duplicate: false });

  const returned = await report({ eventId: 'evt-4', letterId: partnerLetterId, status: 'returned' });
  expect(returned.body).toMatchObject({ status: 'returned', applied: true });
  // The replay of evt-2 (re-signed later, as a partner's retry would be) books nothing.
  const replay = await report({ eventId: 'evt-2', letterId: partnerLetterId, status: 'posted' });
  expect(replay.status).toBe(200);
  expect(replay.body).toEqual({ eventId: 'evt-2', letterId: partnerLetterId, status: 'returned', applied: false, duplicate: true });
  expect(await statusOf(letterId)).toBe('returned');
  expect(await p.prisma.webhookEvent.count({ where: { eventId: { in: ['evt-1', 'evt-2', 'evt-3', 'evt-4'] } } })).toBe(4);

  const letters = await api('GET', `/v1/letters?contractId=${contractId}`, { token: OPERATOR_TOKEN });
  expect(letters.body.items).toEqual([expect.objectContaining({ id: letterId, status: 'returned', partnerLetterId, kind: 'invoice', invoiceId: null })]);
});

test('an unknown letter is 404, a signed body of the wrong shape 400, both problem+json', async () => {
  const unknown = await report({ letterId: 'loc_unknown', status: 'printed' });
  expect(unknown.status).toBe(404);
  expect(unknown.contentType).toContain('application/problem+json');
  expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });

  const { partnerLetterId } = await submittedLetter();
  const badStatus = await report({ letterId: partnerLetterId, status: 'shredded' });
  expect(badStatus.status).toBe(400);
  expect(badStatus.body).toMatchObject({ code: 'VALIDATION_FAILED' });
});

test('GET /v1/letters is for operators and needs a contract id', async () => {
  const { contractId } = await submittedLetter();
  expect((await api('GET', `/v1/letters?contractId=${contractId}`)).status).toBe(401);
  const token = (await api('POST', `/v1/customers/${(await p.prisma.contract.findUniqueOrThrow({ where: { id: contractId } })).customerId}/tokens`, { token: OPERATOR_TOKEN })).body.token as string;
  expect((await api('GET', `/v1/letters?contractId=${contractId}`, { token })).status).toBe(403);
  expect((await api('GET', '/v1/letters', { token: OPERATOR_TOKEN })).status).toBe(400);
  expect((await api('GET', `/v1/letters?contractId=${randomUUID()}`, { token: OPERATOR_TOKEN })).body).toEqual({ items: [] });
});

test('the OpenAPI document describes both routes', async () => {
  const doc = await api('GET', '/v1/openapi.json');
  expect(doc.body.paths['/v1/webhooks/print-partner'].post).toMatchObject({ summary: expect.any(String), tags: ['webhooks'] });
  expect(doc.body.paths['/v1/webhooks/print-partner'].post.requestBody.content['application/json'].schema.properties.status.enum).toEqual(['printed', 'posted', 'returned']);
  expect(doc.body.paths['/v1/letters'].get).toMatchObject({ summary: expect.any(String), tags: ['letters'] });
});
