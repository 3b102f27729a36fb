/**
 * Users, appointments and the suppression list through the REST API, in sandbox mode: real
 * HTTP, real PostgreSQL, Temporal's time-skipping server. The account activities (downgrade,
 * deletion) run against the platform's database to show what the API serves afterwards.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createAccountActivities } from '../../activities/account.activity';
import type { TestPlatform } from '../helpers/platform';
import { apiClient, OPERATOR_TOKEN, startTestPlatform } from '../helpers/platform';

let p: TestPlatform;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  p = await startTestPlatform('sandbox');
  api = apiClient(p.url);
  // Day 0: Monday 01.03.2027 10:00 Berlin.
  expect((await api('POST', '/v1/sandbox/clock/advance', { token: OPERATOR_TOKEN, body: { to: '2027-03-01T09:00:00Z' } })).status).toBe(200);
});
afterAll(async () => {
  await p?.stop();
});

const address = { line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

async function newCustomer(type: 'business' | 'consumer' = 'business') {
  const email = `praxis-${randomUUID().slice(0, 8)}@example.org`;
  const created = await api('POST', '/v1/customers', { token: OPERATOR_TOKEN, body: { type, name: 'Praxis Dr. Muster', email, address } });
  expect(created.status).toBe(201);
  const token = await api('POST', `/v1/customers/${created.body.id}/tokens`, { token: OPERATOR_TOKEN });
  expect(token.status).toBe(201);
  return { id: created.body.id as string, email, token: token.body.token as string };
}

async function newContract(token: string, body: { plan: 'basis' | 'plus'; seats?: number; trial?: boolean }) {
  const created = await api('POST', '/v1/contracts', { token, body });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** Waits until `count` other sessions of this database wait for a lock (bounded). */
async function waitForLockWaiters(client: Client, count: number) {
  for (let attempt = 0; attempt < 200; attempt++) {
    // `client` is inside a transaction, where statistics views are a snapshot: clear it each time.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
    );
    if (rows[0].n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${count} sessions waited for a lock`);
}

function expectProblem(res: { status: number; contentType: string; body: { code?: string } }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.contentType).toContain('application/problem+json');
  expect(res.body.code).toBe(code);
}

describe('users', () => {
  test('plus with 3 seats: the main user is listed; members up to the seats; then 422 SEAT_LIMIT_REACHED; duplicates 409', async () => {
    const anna = await newCustomer();
    const contract = await newContract(anna.token, { plan: 'plus', seats: 3 });
    const users = `/v1/contracts/${contract}/users`;

    const initial = await api('GET', users, { token: anna.token });
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({ items: [{ id: expect.any(String), name: 'Praxis Dr. Muster', email: anna.email, role: 'main' }] });

    const ben = await api('POST', users, { token: anna.token, body: { name: 'Ben Assistent', email: 'Ben@Example.org' } });
    expect(ben.status).toBe(201);
    expect(ben.body).toEqual({ id: expect.any(String), name: 'Ben Assistent', email: 'ben@example.org', role: 'member' });

    // The same address in other spelling, and the main user's own address: already users.
    expectProblem(await api('POST', users, { token: anna.token, body: { name: 'Ben again', email: 'BEN@example.org' } }), 409, 'USER_EXISTS');
    expectProblem(await api('POST', users, { token: anna.token, body: { name: 'Anna', email: anna.email.toUpperCase() } }), 409, 'USER_EXISTS');

    // Operators may add users to any contract.
    const cleo = await api('POST', users, { token: OPERATOR_TOKEN, body: { name: 'Cleo', email: 'cleo@example.org' } });
    expect(cleo.status).toBe(201);

    const full = await api('POST', users, { token: anna.token, body: { name: 'Dora', email: 'dora@example.org' } });
    expectProblem(full, 422, 'SEAT_LIMIT_REACHED');
    expect(full.body.detail).toContain('3 seat(s)');

    const listed = await api('GET', users, { token: anna.token });
    expect(listed.body.items.map((u: { email: string; role: string }) => [u.role, u.email])).toEqual([
      ['main', anna.email],
      ['member', 'ben@example.org'],
      ['member', 'cleo@example.org'],
    ]);
  });

  test('seats are not raced past the limit: concurrent adds to the last free seat give one 201', async () => {
    const c = await newCustomer();
    const contract = await newContract(c.token, { plan: 'plus', seats: 2 });
    // Force the dangerous interleaving: a test transaction lets every request read the user
    // count but holds back every insert (SHARE blocks INSERT, not SELECT) until all four wait.
    // Without the contract row lock all four would pass the seat check and insert.
    const blocker = new Client({ connectionString: p.config.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE users IN SHARE MODE');
      const pending = ['a', 'b', 'c', 'd'].map((n) =>
        api('POST', `/v1/contracts/${contract}/users`, { token: c.token, body: { name: n, email: `${n}@example.org` } }),
      );
      await waitForLockWaiters(blocker, 4);
      await blocker.query('COMMIT');
      const results = await Promise.all(pending);
      expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    } finally {
      await blocker.end();
    }
    expect((await api('GET', `/v1/contracts/${contract}/users`, { token: c.token })).body.items).toHaveLength(2);
  });

  test('basis: the main user is the only user', async () => {
    const c = await newCustomer();
    const contract = await newContract(c.token, { plan: 'basis' });
    expectProblem(await api('POST', `/v1/contracts/${contract}/users`, { token: c.token, body: { name: 'Ben', email: 'ben@example.org' } }), 422, 'SEAT_LIMIT_REACHED');
    expect((await api('GET', `/v1/contracts/${contract}/users`, { token: c.token })).body.items).toHaveLength(1);
  });
});

describe('appointments', () => {
  test('basis: video calls yes, conferences 422 PLAN_FEATURE_MISSING; plus and trial: conferences 201', async () => {
    const c = await newCustomer();
    const basis = await newContract(c.token, { plan: 'basis' });
    const plus = await newContract(c.token, { plan: 'plus' });
    const trial = await newContract(c.token, { plan: 'plus', trial: true });

    const call = await api('POST', `/v1/contracts/${basis}/appointments`, { token: c.token, body: { startsAt: '2027-03-03T09:00:00+01:00', participants: 2 } });
    expect(call.status).toBe(201);
    expect(call.body).toMatchObject({ id: expect.any(String), startsAt: '2027-03-03T08:00:00.000Z', participants: 2, status: 'scheduled' });

    const conference = { startsAt: '2027-03-04T14:30:00+01:00', participants: 3 };
    const refused = await api('POST', `/v1/contracts/${basis}/appointments`, { token: c.token, body: conference });
    expectProblem(refused, 422, 'PLAN_FEATURE_MISSING');

    const onPlus = await api('POST', `/v1/contracts/${plus}/appointments`, { token: c.token, body: conference });
    expect(onPlus.status).toBe(201);
    expect(onPlus.body).toMatchObject({ startsAt: '2027-03-04T13:30:00.000Z', participants: 3, status: 'scheduled' });
    expect((await api('POST', `/v1/contracts/${trial}/appointments`, { token: c.token, body: { ...conference, participants: 100 } })).status).toBe(201);

    const basisList = await api('GET', `/v1/contracts/${basis}/appointments`, { token: c.token });
    expect(basisList.status).toBe(200);
    expect(basisList.body.items.map((a: { id: string }) => a.id)).toEqual([call.body.id]);
    const plusList = await api('GET', `/v1/contracts/${plus}/appointments`, { token: c.token });
    expect(plusList.body.items).toEqual([expect.objectContaining({ id: onPlus.body.id, participants: 3, status: 'scheduled' })]);
  });

  test('appointments come back ordered by start', async () => {
    const c = await newCustomer();
    const contract = await newContract(c.token, { plan: 'plus' });
    for (const startsAt of ['2027-04-02T10:00:00+02:00', '2027-04-01T10:00:00+02:00', '2027-04-03T10:00:00+02:00']) {
      expect((await api('POST', `/v1/contracts/${contract}/appointments`, { token: c.token, body: { startsAt, participants: 2 } })).status).toBe(201);
    }
    const list = await api('GET', `/v1/contracts/${contract}/appointments`, { token: c.token });
    expect(list.body.items.map((a: { startsAt: string }) => a.startsAt)).toEqual(['2027-04-01T08:00:00.000Z', '2027-04-02T08:00:00.000Z', '2027-04-03T08:00:00.000Z']);
  });
});

describe('contract state', () => {
  test('a paused contract is read-only (409 CONTRACT_READ_ONLY) but can be listed', async () => {
    const c = await newCustomer();
    const contract = await newContract(c.token, { plan: 'plus', seats: 3 });
    // NOTE: set on the read model directly; the pause endpoint drives the same column.
    await p.prisma.contract.update({ where: { id: contract }, data: { status: 'paused' } });
    expectProblem(await api('POST', `/v1/contracts/${contract}/users`, { token: c.token, body: { name: 'Ben', email: 'ben@example.org' } }), 409, 'CONTRACT_READ_ONLY');
    expectProblem(
      await api('POST', `/v1/contracts/${contract}/appointments`, { token: c.token, body: { startsAt: '2027-03-05T09:00:00+01:00', participants: 2 } }),
      409,
      'CONTRACT_READ_ONLY',
    );
    expect((await api('GET', `/v1/contracts/${contract}/users`, { token: c.token })).body.items).toHaveLength(1);
    expect((await api('GET', `/v1/contracts/${contract}/appointments`, { token: c.token })).status).toBe(200);
  });

  test('an ended contract takes no new users or appointments (409 CONTRACT_ENDED)', async () => {
    const c = await newCustomer();
    const contract = await newContract(c.token, { plan: 'plus', seats: 3 });
    await p.prisma.contract.update({ where: { id: contract }, data: { status: 'ended', endedOn: '2027-03-01' } });
    expectProblem(await api('POST', `/v1/contracts/${contract}/users`, { token: c.token, body: { name: 'Ben', email: 'ben@example.org' } }), 409, 'CONTRACT_ENDED');
    expectProblem(
      await api('POST', `/v1/contracts/${contract}/appointments`, { token: c.token, body: { startsAt: '2027-03-05T09:00:00+01:00', participants: 2 } }),
      409,
      'CONTRACT_ENDED',
    );
  });
});

describe('access and bad input', () => {
  let owner: Awaited<ReturnType<typeof newCustomer>>;
  let stranger: Awaited<ReturnType<typeof newCustomer>>;
  let contract: string;

  beforeAll(async () => {
    owner = await newCustomer();
    stranger = await newCustomer();
    contract = await newContract(owner.token, { plan: 'plus', seats: 5 });
  });
  afterAll(async () => {
    // Nothing of the refused requests landed.
    expect((await api('GET', `/v1/contracts/${contract}/users`, { token: owner.token })).body.items).toHaveLength(1);
    expect((await api('GET', `/v1/contracts/${contract}/appointments`, { token: owner.token })).body.items).toHaveLength(0);
  });

  test.each([
    ['GET', 'users', undefined],
    ['POST', 'users', { name: 'Eve', email: 'eve@example.org' }],
    ['GET', 'appointments', undefined],
    ['POST', 'appointments', { startsAt: '2027-03-05T09:00:00+01:00', participants: 2 }],
  ])("another customer's contract: %s …/%s → 404 NOT_FOUND", async (method, resource, body) => {
    expectProblem(await api(method, `/v1/contracts/${contract}/${resource}`, { token: stranger.token, body }), 404, 'NOT_FOUND');
  });

  test.each([
    ['unknown id', () => randomUUID()],
    ['not a uuid', () => 'not-a-uuid'],
  ])('%s → 404 NOT_FOUND, for operators too', async (_name, id) => {
    expectProblem(await api('GET', `/v1/contracts/${id()}/users`, { token: OPERATOR_TOKEN }), 404, 'NOT_FOUND');
    expectProblem(await api('POST', `/v1/contracts/${id()}/appointments`, { token: OPERATOR_TOKEN, body: { startsAt: '2027-03-05T09:00:00+01:00', participants: 2 } }), 404, 'NOT_FOUND');
  });

  test('operators see any contract', async () => {
    expect((await api('GET', `/v1/contracts/${contract}/users`, { token: OPERATOR_TOKEN })).status).toBe(200);
  });

  test('no token → 401', async () => {
    expectProblem(await api('GET', `/v1/contracts/${contract}/users`), 401, 'UNAUTHENTICATED');
  });

  test.each([
    ['users', 'empty body', {}],
    ['users', 'no e-mail', { name: 'Ben' }],
    ['users', 'bad e-mail', { name: 'Ben', email: 'ben(at)example.org' }],
    ['users', 'blank name', { name: '   ', email: 'ben@example.org' }],
    ['users', 'unknown field', { name: 'Ben', email: 'ben@example.org', role: 'main' }],
    ['appointments', 'empty body', {}],
    ['appointments', 'one participant', { startsAt: '2027-03-05T09:00:00+01:00', participants: 1 }],
    ['appointments', '101 participants', { startsAt: '2027-03-05T09:00:00+01:00', participants: 101 }],
    ['appointments', 'fractional participants', { startsAt: '2027-03-05T09:00:00+01:00', participants: 2.5 }],
    ['appointments', 'participants as string', { startsAt: '2027-03-05T09:00:00+01:00', participants: '3' }],
    ['appointments', 'startsAt without offset', { startsAt: '2027-03-05T09:00:00', participants: 2 }],
    ['appointments', 'startsAt a date only', { startsAt: '2027-03-05', participants: 2 }],
    ['appointments', 'unknown field', { startsAt: '2027-03-05T09:00:00+01:00', participants: 2, status: 'cancelled' }],
  ])('POST …/%s with %s → 400 VALIDATION_FAILED', async (resource, _name, body) => {
    const res = await api('POST', `/v1/contracts/${contract}/${resource}`, { token: owner.token, body });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(typeof res.body.detail).toBe('string');
  });

  test('malformed JSON → 400 MALFORMED_JSON', async () => {
    expectProblem(await api('POST', `/v1/contracts/${contract}/users`, { token: owner.token, rawBody: '{"name": "Ben",' }), 400, 'MALFORMED_JSON');
  });
});

describe('suppression list', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  test('operators add an address: 201 with its hash, again (any spelling) 200 with the same hash', async () => {
    const first = await api('POST', '/v1/suppressions', { token: OPERATOR_TOKEN, body: { email: 'Anna.Abmeldung@Example.org' } });
    expect(first.status).toBe(201);
    expect(first.body.emailHash).toBe(sha256('anna.abmeldung@example.org'));
    const again = await api('POST', '/v1/suppressions', { token: OPERATOR_TOKEN, body: { email: 'anna.abmeldung@example.org' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const rows = await p.prisma.suppressedAddress.findMany({ where: { emailHash: first.body.emailHash } });
    expect(rows).toEqual([expect.objectContaining({ source: 'operator' })]);
    // Only the hash is stored.
    expect(JSON.stringify(await p.prisma.suppressedAddress.findMany())).not.toContain('abmeldung');
  });

  test('customers get 403, no token 401, a bad address 400', async () => {
    const c = await newCustomer();
    expectProblem(await api('POST', '/v1/suppressions', { token: c.token, body: { email: 'x@example.org' } }), 403, 'FORBIDDEN');
    expectProblem(await api('POST', '/v1/suppressions', { body: { email: 'x@example.org' } }), 401, 'UNAUTHENTICATED');
    expectProblem(await api('POST', '/v1/suppressions', { token: OPERATOR_TOKEN, body: { email: 'not an address' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await api('POST', '/v1/suppressions', { token: OPERATOR_TOKEN, body: { email: 'x@example.org', source: 'bounce' } }), 400, 'VALIDATION_FAILED');
    expect(await p.prisma.suppressedAddress.count({ where: { emailHash: sha256('x@example.org') } })).toBe(0);
  });
});

describe('what the API serves after the account activities', () => {
  test('downgrade: only the main user is left and conferences are cancelled with reason plan-downgrade', async () => {
    const c = await newCustomer();
    const contract = await newContract(c.token, { plan: 'plus', seats: 3 });
    await api('POST', `/v1/contracts/${contract}/users`, { token: c.token, body: { name: 'Ben', email: 'ben@example.org' } });
    const conference = await api('POST', `/v1/contracts/${contract}/appointments`, { token: c.token, body: { startsAt: '2027-07-02T09:00:00+02:00', participants: 4 } });
    const call = await api('POST', `/v1/contracts/${contract}/appointments`, { token: c.token, body: { startsAt: '2027-07-02T11:00:00+02:00', participants: 2 } });

    const result = await createAccountActivities({ prisma: p.prisma }).applyDowngrade({ contractId: contract, effectiveAt: '2027-06-30T22:00:00Z' });
    expect(result).toEqual({ removedUsers: 1, cancelledAppointments: 1 });

    expect((await api('GET', `/v1/contracts/${contract}/users`, { token: c.token })).body.items.map((u: { role: string }) => u.role)).toEqual(['main']);
    const appointments = (await api('GET', `/v1/contracts/${contract}/appointments`, { token: c.token })).body.items;
    expect(appointments).toEqual([
      expect.objectContaining({ id: conference.body.id, status: 'cancelled', cancelledReason: 'plan-downgrade' }),
      expect.objectContaining({ id: call.body.id, status: 'scheduled', cancelledReason: null }),
    ]);
  });

  test('deletion: users and appointments gone, customer 404, customer token 401; the contract stays for operators', async () => {
    const c = await newCustomer('consumer');
    const contract = await newContract(c.token, { plan: 'plus', seats: 2 });
    await api('POST', `/v1/contracts/${contract}/users`, { token: c.token, body: { name: 'Ben', email: 'ben@example.org' } });
    await api('POST', `/v1/contracts/${contract}/appointments`, { token: c.token, body: { startsAt: '2027-03-10T09:00:00+01:00', participants: 3 } });
    expect((await api('GET', `/v1/customers/${c.id}`, { token: OPERATOR_TOKEN })).status).toBe(200);

    const result = await createAccountActivities({ prisma: p.prisma }).deletePersonalData({ contractId: contract, deletedAt: '2027-03-01T09:00:00Z' });
    expect(result).toEqual({ deletedUsers: 2, deletedAppointments: 1, customerProfileDeleted: true });

    expectProblem(await api('GET', `/v1/customers/${c.id}`, { token: OPERATOR_TOKEN }), 404, 'NOT_FOUND');
    expectProblem(await api('GET', `/v1/contracts/${contract}`, { token: c.token }), 401, 'UNAUTHENTICATED');
    expectProblem(await api('GET', `/v1/contracts/${contract}/users`, { token: c.token }), 401, 'UNAUTHENTICATED');
    expect((await api('GET', `/v1/contracts/${contract}`, { token: OPERATOR_TOKEN })).status).toBe(200);
    expect((await api('GET', `/v1/contracts/${contract}/users`, { token: OPERATOR_TOKEN })).body).toEqual({ items: [] });
    expect((await api('GET', `/v1/contracts/${contract}/appointments`, { token: OPERATOR_TOKEN })).body).toEqual({ items: [] });
    // Nothing can be added to a contract whose data is deleted.
    expectProblem(await api('POST', `/v1/contracts/${contract}/users`, { token: OPERATOR_TOKEN, body: { name: 'Ben', email: 'ben@example.org' } }), 409, 'CONTRACT_ENDED');
  });

  test('the OpenAPI document lists the new endpoints', async () => {
    const doc = await api('GET', '/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/contracts/{id}/users', '/v1/contracts/{id}/appointments', '/v1/suppressions']),
    );
    expect(doc.body.paths['/v1/contracts/{id}/users'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'email']);
  });
});
