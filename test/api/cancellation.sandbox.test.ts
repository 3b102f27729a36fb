/**
 * The cancellation slice through the REST API alone, in sandbox mode: real HTTP, real
 * PostgreSQL, Temporal's time-skipping server, and mail over SMTP into a sink.
 */
import { OPERATOR_TOKEN } from '../helpers/platform';
import { customerAddress, sandboxSuite } from '../helpers/sandbox-suite';

const { p, api, advance: advanceTo, advanceBy, settle, newCustomer: createCustomer } = sandboxSuite({ emailPrefix: 'cancellation' });

const newCustomer = (locale: 'de' | 'en') => createCustomer({ locale, name: locale === 'de' ? 'Praxis Dr. Muster' : 'Smith Consulting' });

test('notice received 31.03. ends 30.06.; 01.04. 00:30 Berlin ends 30.09.; revoke and re-cancel counts anew; ended on 01.07.', async () => {
  // Day 0: 31.03.2027 10:00 Berlin (08:00 UTC).
  await advanceTo('2027-03-31T08:00:00Z');
  const anna = await newCustomer('de');
  const created = await api('POST', '/v1/contracts', { token: anna.token, body: { plan: 'plus', seats: 3 } });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ status: 'active', plan: 'plus', seats: 3, startedOn: '2027-03-31', timeZone: 'Europe/Berlin', cancellation: null });
  expect(created.body.workflowId).toBe(`contract-${created.body.id}`);
  const annaContract = created.body.id as string;

  const preview = await api('GET', `/v1/contracts/${annaContract}/cancellation/preview`, { token: anna.token });
  expect(preview.status).toBe(200);
  expect(preview.body.endsOn).toBe('2027-06-30');

  const cancelled = await api('POST', `/v1/contracts/${annaContract}/cancellation`, { token: anna.token, body: { confirm: true } });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.cancellation).toMatchObject({ endsOn: '2027-06-30', deleteData: false });

  const again = await api('POST', `/v1/contracts/${annaContract}/cancellation`, { token: anna.token, body: { confirm: true } });
  expect(again.status).toBe(409);
  expect(again.body.code).toBe('ALREADY_CANCELLED');

  // 01.04.2027 00:30 Berlin is still 31.03. in UTC: the local date counts.
  await advanceTo('2027-03-31T22:30:00Z');
  const bob = await newCustomer('en');
  const bobContract = (await api('POST', '/v1/contracts', { token: bob.token, body: { plan: 'basis' } })).body.id as string;
  const bobCancel = await api('POST', `/v1/contracts/${bobContract}/cancellation`, { token: bob.token, body: { confirm: true, deleteData: true } });
  expect(bobCancel.status).toBe(200);
  expect(bobCancel.body.cancellation).toMatchObject({ endsOn: '2027-09-30', deleteData: true });

  // Day 91: 30.06. 23:59 Berlin — still in force.
  await advanceTo('2027-06-30T21:59:00Z');
  expect((await api('GET', `/v1/contracts/${annaContract}`, { token: anna.token })).body.status).toBe('active');

  // Day 92: 01.07. 00:00 Berlin — ended.
  await advanceTo('2027-06-30T22:00:00Z');
  const ended = await api('GET', `/v1/contracts/${annaContract}`, { token: anna.token });
  expect(ended.body).toMatchObject({ status: 'ended', endedOn: '2027-06-30' });

  const revokeLate = await api('DELETE', `/v1/contracts/${annaContract}/cancellation`, { token: anna.token });
  expect(revokeLate.status).toBe(409);
  expect(revokeLate.body.code).toBe('NOTICE_PERIOD_OVER');

  const comms = await api('GET', `/v1/contracts/${annaContract}/communications`, { token: anna.token });
  // Besides the invoices (31.03., 01.04., 01.05., 01.06.; see invoicing.sandbox.test.ts): the three notices.
  expect(comms.body.items.map((c: { template: string }) => c.template).filter((t: string) => t !== 'invoice-issued')).toEqual(['contract-started', 'cancellation-confirmed', 'contract-ended']);
  expect(comms.body.items.filter((c: { template: string }) => c.template === 'invoice-issued')).toHaveLength(4);
  expect(comms.body.items.every((c: { status: string; channel: string }) => c.status === 'sent' && c.channel === 'email')).toBe(true);
  const annaMails = p.mails.filter((m) => m.to === anna.email && !m.subject.startsWith('Ihre Rechnung'));
  expect(annaMails).toHaveLength(3);
  const confirmation = annaMails.find((m) => m.subject.startsWith('Kündigungsbestätigung'));
  expect(confirmation?.text).toContain('30. Juni 2027');
  expect(annaMails.some((m) => /beendet|endet/i.test(m.subject) && m.text.includes('30. Juni 2027'))).toBe(true);

  // Bob revokes on 01.07. and cancels again: the notice counts from 01.07. → 01.10. → ends 31.12.2027.
  const revoked = await api('DELETE', `/v1/contracts/${bobContract}/cancellation`, { token: bob.token });
  expect(revoked.status).toBe(200);
  expect(revoked.body.cancellation).toBeNull();
  const nothing = await api('DELETE', `/v1/contracts/${bobContract}/cancellation`, { token: bob.token });
  expect(nothing.status).toBe(409);
  expect(nothing.body.code).toBe('NOTHING_TO_REVOKE');
  const recancel = await api('POST', `/v1/contracts/${bobContract}/cancellation`, { token: bob.token, body: { confirm: true } });
  expect(recancel.body.cancellation.endsOn).toBe('2027-12-31');
  // Mail goes out after the update returns; advancing by nothing waits until workflows settle.
  await settle();
  const bobMails = p.mails.filter((m) => m.to === bob.email);
  expect(bobMails.some((m) => m.text.includes('31 December 2027'))).toBe(true);
  expect(bobMails.some((m) => m.text.includes('30 September 2027'))).toBe(true);

  // Operators see both in the list, filtered by status.
  const list = await api('GET', `/v1/contracts?status=ended`, { token: OPERATOR_TOKEN });
  expect(list.body.items.map((c: { id: string }) => c.id)).toContain(annaContract);
  expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(bobContract);
});

describe('bad input gets a problem and changes nothing', () => {
  let customer: Awaited<ReturnType<typeof newCustomer>>;
  let contractId: string;
  let before: unknown;
  let mailCount: number;

  beforeAll(async () => {
    customer = await newCustomer('de');
    contractId = (await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus' } })).body.id;
    await advanceBy('PT1S');
    before = (await api('GET', `/v1/contracts/${contractId}`, { token: customer.token })).body;
    mailCount = p.mails.length;
  });
  afterAll(async () => {
    expect((await api('GET', `/v1/contracts/${contractId}`, { token: customer.token })).body).toEqual(before);
    expect(p.mails.length).toBe(mailCount);
  });

  test.each([
    ['unknown plan', 'POST', '/v1/contracts', { plan: 'gold' }, 400, 'VALIDATION_FAILED'],
    ['cancel without confirm', 'POST', 'CONTRACT/cancellation', { deleteData: true }, 400, 'VALIDATION_FAILED'],
    ['cancel with confirm false', 'POST', 'CONTRACT/cancellation', { confirm: false }, 400, 'VALIDATION_FAILED'],
    ['customer sets receivedAt', 'POST', 'CONTRACT/cancellation', { confirm: true, receivedAt: '2027-01-01T00:00:00Z' }, 400, 'VALIDATION_FAILED'],
    ['revoke with nothing pending', 'DELETE', 'CONTRACT/cancellation', undefined, 409, 'NOTHING_TO_REVOKE'],
  ])('%s', async (_name, method, path, body, status, code) => {
    const res = await api(method, path.replace('CONTRACT', `/v1/contracts/${contractId}`), { token: customer.token, body });
    expect(res.status).toBe(status);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, code });
    expect(typeof res.body.title).toBe('string');
    expect(typeof res.body.type).toBe('string');
  });

  test('malformed JSON → 400 problem+json', async () => {
    const res = await api('POST', `/v1/contracts/${contractId}/cancellation`, { token: customer.token, rawBody: '{"confirm": tru' });
    expect(res.status).toBe(400);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  test("another customer's contract → 404, like an unknown one", async () => {
    const other = await newCustomer('en');
    for (const path of [`/v1/contracts/${contractId}`, `/v1/contracts/${contractId}/communications`, `/v1/contracts/${contractId}/cancellation/preview`]) {
      const res = await api('GET', path, { token: other.token });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect((await api('POST', `/v1/contracts/${contractId}/cancellation`, { token: other.token, body: { confirm: true } })).status).toBe(404);
    expect((await api('GET', '/v1/contracts/00000000-0000-4000-8000-000000000000', { token: other.token })).status).toBe(404);
    expect((await api('GET', `/v1/customers/${customer.id}`, { token: other.token })).status).toBe(404);
  });

  test('no token → 401; bad token → 401; customer token on an operator route → 403', async () => {
    expect((await api('GET', `/v1/contracts/${contractId}`)).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await api('GET', `/v1/contracts/${contractId}`, { token: 'nope' })).status).toBe(401);
    const res = await api('POST', '/v1/customers', { token: customer.token, body: { type: 'business', name: 'x', email: 'x@example.org', address: customerAddress } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect((await api('POST', `/v1/customers/${customer.id}/tokens`, { token: customer.token })).status).toBe(403);
  });
});

test('OpenAPI document, Swagger UI, health and plans', async () => {
  const doc = await api('GET', '/v1/openapi.json');
  expect(doc.status).toBe(200);
  expect(doc.body.openapi).toMatch(/^3\./);
  expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/contracts', '/v1/contracts/{id}/cancellation', '/v1/sandbox/clock/advance']));
  const createBody = doc.body.paths['/v1/contracts'].post.requestBody.content['application/json'].schema;
  expect(createBody.properties.plan.enum).toEqual(['basis', 'plus']);
  expect(doc.body.paths['/v1/contracts/{id}/plan-change'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('acceptTerms');
  expect((await fetch(`${p.url}/docs`)).status).toBe(200);
  expect((await api('GET', '/health/ready')).body).toMatchObject({ status: 'ok', checks: { database: 'up', temporal: 'up' } });
  const plans = await api('GET', '/v1/plans', { token: OPERATOR_TOKEN });
  expect(plans.body.items.find((plan: { id: string }) => plan.id === 'plus').monthlyFeePerSeat).toEqual({ amount: 1900, currency: 'EUR' });
});

test('every operation in the OpenAPI document has a summary and a tag', async () => {
  const doc = await api('GET', '/v1/openapi.json');
  expect(doc.status).toBe(200);
  const verbs = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
  const operations = Object.entries(doc.body.paths as Record<string, Record<string, { summary?: string; tags?: string[] }>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([verb]) => verbs.includes(verb))
      .map(([verb, operation]) => ({ operation: `${verb.toUpperCase()} ${path}`, summary: operation.summary?.trim() ?? '', tags: operation.tags ?? [] })),
  );
  // The sandbox document holds every route (the sandbox clock only exists there).
  expect(operations.map((o) => o.operation)).toEqual(expect.arrayContaining(['GET /v1/plans', 'POST /v1/sandbox/clock/advance', 'GET /health/ready']));
  expect(operations.filter((o) => o.summary === '').map((o) => o.operation)).toEqual([]);
  expect(operations.filter((o) => o.tags.length === 0).map((o) => o.operation)).toEqual([]);
});
