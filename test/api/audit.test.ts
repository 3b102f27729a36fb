/**
 * The audit log of operator actions over real HTTP (createApp on a real PostgreSQL test
 * database): every non-GET request of the operator is recorded once its response is sent —
 * who (operator + token fingerprint), what (method, route template, target ids, status), when,
 * request id — and `GET /v1/audit` lists them for operators only. Customers' requests and reads
 * are not recorded; no body or token ends up in it.
 */
import { randomUUID } from 'node:crypto';
import { tokenFingerprint } from '../../src/audit/audit.interceptor';
import type { HttpApp } from '../helpers/http-app';
import { startHttpApp } from '../helpers/http-app';
import { OPERATOR_TOKEN } from '../helpers/platform';
import { customerAddress } from '../helpers/sandbox-suite';

let app: HttpApp;

beforeAll(async () => {
  app = await startHttpApp();
});

afterAll(async () => {
  await app?.stop();
});

/**
 * Entries are written once the response is out, so a read right after may miss the last ones
 * for a few milliseconds: wait until `count` entries are there.
 */
async function entriesOnce(count: number, query: string, limit?: number) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const entries = await allEntries(query, limit);
    if (entries.length >= count) return entries;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return allEntries(query, limit);
}

/** Every audit entry, paging through with `limit` per page. */
async function allEntries(query = '', limit = 100) {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const page = await app.api('GET', `/v1/audit?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, { token: OPERATOR_TOKEN });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

test('operator writes are recorded with actor, route, target ids, status and request id; reads and customers are not', async () => {
  const before = new Date().toISOString();
  const created = await app.api('POST', '/v1/customers', {
    token: OPERATOR_TOKEN,
    body: { type: 'business', name: 'Praxis Audit', email: 'audit@example.org', address: customerAddress },
    headers: { 'x-request-id': 'req-audit-1' },
  });
  expect(created.status).toBe(201);
  const customerId = created.body.id as string;
  const token = await app.api('POST', `/v1/customers/${customerId}/tokens`, { token: OPERATOR_TOKEN });
  expect(token.status).toBe(201);
  // A refused write is recorded with the status the operator got.
  const invalid = await app.api('POST', '/v1/customers', { token: OPERATOR_TOKEN, body: { type: 'nobody' } });
  expect(invalid.status).toBe(400);
  // Not recorded: the operator's reads, the customer's own requests, requests without a valid token.
  expect((await app.api('GET', `/v1/customers/${customerId}`, { token: OPERATOR_TOKEN })).status).toBe(200);
  expect((await app.api('GET', `/v1/customers/${customerId}`, { token: token.body.token })).status).toBe(200);
  expect((await app.api('POST', '/v1/customers', { token: token.body.token, body: {} })).status).toBe(403);
  expect((await app.api('POST', '/v1/customers', { token: 'not-a-token-0123456789', body: {} })).status).toBe(401);

  const entries = await entriesOnce(3, `&from=${encodeURIComponent(before)}`);
  const fingerprint = tokenFingerprint(OPERATOR_TOKEN);
  expect(entries.map((e) => [e.method, e.route, e.status])).toEqual([
    ['POST', '/v1/customers', 201],
    ['POST', '/v1/customers/{id}/tokens', 201],
    ['POST', '/v1/customers', 400],
  ]);
  expect(entries[0]).toEqual({
    id: expect.any(String),
    at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    actor: 'operator',
    tokenFingerprint: fingerprint,
    method: 'POST',
    route: '/v1/customers',
    targetIds: { resultId: customerId },
    status: 201,
    requestId: 'req-audit-1',
  });
  expect(entries[1]).toMatchObject({ targetIds: { id: customerId }, tokenFingerprint: fingerprint, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  expect(new Date(entries[0].at as string).getTime()).toBeGreaterThanOrEqual(new Date(before).getTime());
  // Neither the issued token nor personal data of the body is in the log.
  const text = JSON.stringify(entries);
  expect(text).not.toContain(token.body.token);
  expect(text).not.toContain(OPERATOR_TOKEN);
  expect(text).not.toContain('audit@example.org');
});

test('from (inclusive), to (exclusive), limit and cursor page through in (at, id) order; bad queries are 400', async () => {
  const start = new Date().toISOString();
  for (let i = 0; i < 5; i++) {
    const res = await app.api('POST', '/v1/suppressions', { token: OPERATOR_TOKEN, body: { email: `page-${i}@example.org` } });
    expect(res.status).toBeLessThan(500);
  }
  const window = await entriesOnce(5, `&from=${encodeURIComponent(start)}`);
  expect(window.map((e) => e.route)).toEqual(Array(5).fill('/v1/suppressions'));
  // Two per page gives the same five, in the same order.
  expect((await allEntries(`&from=${encodeURIComponent(start)}`, 2)).map((e) => e.id)).toEqual(window.map((e) => e.id));
  // `to` is exclusive: up to the third entry's instant leaves out the third and later ones
  // recorded in the same millisecond, never one before it.
  const third = window[2].at as string;
  const upToThird = await allEntries(`&from=${encodeURIComponent(start)}&to=${encodeURIComponent(third)}`);
  expect(upToThird.every((e) => (e.at as string) < third)).toBe(true);
  expect(upToThird.map((e) => e.id)).toEqual(window.filter((e) => (e.at as string) < third).map((e) => e.id));
  // An instant after all of them: nothing.
  const later = new Date(Date.now() + 60_000).toISOString();
  expect(await allEntries(`&from=${encodeURIComponent(later)}`)).toEqual([]);

  for (const query of ['?cursor=not-a-cursor', '?from=yesterday', '?limit=0', '?limit=501', '?unknown=1']) {
    const res = await app.api('GET', `/v1/audit${query}`, { token: OPERATOR_TOKEN });
    expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
  }
});

test('the log is in PostgreSQL: a new API process on the same database lists what the old one recorded', async () => {
  const start = new Date().toISOString();
  const res = await app.api('POST', '/v1/suppressions', { token: OPERATOR_TOKEN, body: { email: 'durable@example.org' }, headers: { 'x-request-id': 'req-durable' } });
  expect(res.status).toBeLessThan(500);
  const recorded = await entriesOnce(1, `&from=${encodeURIComponent(start)}`);
  expect(recorded.map((e) => e.requestId)).toEqual(['req-durable']);
  const other = await startHttpApp({}, { database: app.database });
  try {
    const listed = await other.api('GET', `/v1/audit?from=${encodeURIComponent(start)}`, { token: OPERATOR_TOKEN });
    expect(listed.body.items).toEqual(recorded);
  } finally {
    await other.stop();
  }
});

test('GET /v1/audit is for operators only (403 for customers, 401 without a token)', async () => {
  const created = await app.api('POST', '/v1/customers', {
    token: OPERATOR_TOKEN,
    body: { type: 'business', name: 'Praxis Neugier', email: `curious-${randomUUID()}@example.org`, address: customerAddress },
  });
  const token = await app.api('POST', `/v1/customers/${created.body.id}/tokens`, { token: OPERATOR_TOKEN });
  const asCustomer = await app.api('GET', '/v1/audit', { token: token.body.token });
  expect(asCustomer.status).toBe(403);
  expect(asCustomer.body.code).toBe('FORBIDDEN');
  expect((await app.api('GET', '/v1/audit')).status).toBe(401);
});
