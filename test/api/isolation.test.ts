/**
 * Isolation walk (API.md: 404 "unknown or not yours"): customers A and B with contracts,
 * invoices, a SEPA collection, users, appointments, a statement, letters (B gets invoices by
 * post) and communications in sandbox mode; then every route of `GET /v1/openapi.json`, found
 * programmatically, is called with A's token and B's ids. A route that names B's resource answers
 * 404 exactly as for an id that does not exist, an operators' route 403, and nothing answers 2xx
 * for B's ids or 5xx; no answer contains any of B's ids or personal data; B is unchanged
 * afterwards. Every route needs an entry in ROUTES: a new route without one fails the walk.
 */
import { randomUUID } from 'node:crypto';
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';

const { api, newCustomer, advance } = sandboxSuite({ customerName: 'Isolation', emailPrefix: 'isolation' });

/** One customer's resources, as the walk substitutes them into paths, queries and bodies. */
interface Party {
  customerId: string;
  token: string;
  contractId: string;
  invoiceId: string;
  invoiceNumber: string;
  collectionId: string;
}

/**
 * What a route is, for a customer holding someone else's ids:
 * - `hidden`: it names the other's resource → 404, the same answer as for an unknown id;
 * - `operators`: operators only → 403 whatever the ids;
 * - `own`: the caller's own data or global data, no resource in the path → any non-5xx, no foreign data;
 * - `signed`: a webhook, authenticated by its signature, not by the token → 401/404, never 2xx.
 */
type Kind = 'hidden' | 'operators' | 'own' | 'signed';

interface RouteCase {
  kind: Kind;
  /** Path parameters of the route, filled from a party. */
  params?: (p: Party) => Record<string, string>;
  query?: (p: Party) => string;
  /** A valid body, so that validation cannot hide a missing ownership check behind a 400. */
  body?: (p: Party) => unknown;
  headers?: Record<string, string>;
}

const sepa = { type: 'sepa', iban: 'DE02 1203 0000 0000 2020 51', accountHolder: 'Isolation Zwei', signedOn: '2027-01-15' };
const contract = (p: Party) => ({ id: p.contractId });
const invoice = (p: Party) => ({ id: p.invoiceId });
const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** Every route of the OpenAPI document, keyed `METHOD path`. */
const ROUTES: Record<string, RouteCase> = {
  // Probes, metrics, catalogues and the sandbox clock: nobody's resources.
  'GET /health/live': { kind: 'own' },
  'GET /health/ready': { kind: 'own' },
  'GET /metrics': { kind: 'own' },
  'GET /v1/plans': { kind: 'own' },
  'GET /v1/base-rates': { kind: 'own' },
  'GET /v1/sandbox/clock': { kind: 'own' },
  // NOTE: any token may move the sandbox clock (a sandbox is one integrator's); PT0S moves nothing.
  'POST /v1/sandbox/clock/advance': { kind: 'own', body: () => ({ by: 'PT0S' }) },
  // Lists and creation: a customer's own only; B's ids in the filter or body find nothing of B.
  'GET /v1/contracts': { kind: 'own', query: (p) => `?customerId=${p.customerId}` },
  'POST /v1/contracts': { kind: 'hidden', body: (p) => ({ plan: 'basis', customerId: p.customerId }) },
  // Customers.
  'POST /v1/customers': { kind: 'operators', body: () => ({ type: 'business', name: 'Fremd', email: 'fremd@example.org', address: { line1: 'Weg 1', postalCode: '10115', city: 'Berlin', country: 'DE' } }) },
  'GET /v1/customers/{id}': { kind: 'hidden', params: (p) => ({ id: p.customerId }) },
  'POST /v1/customers/{id}/tokens': { kind: 'operators', params: (p) => ({ id: p.customerId }) },
  // A contract and its commands.
  'GET /v1/contracts/{id}': { kind: 'hidden', params: contract },
  'GET /v1/contracts/{id}/events': { kind: 'hidden', params: contract },
  'GET /v1/contracts/{id}/communications': { kind: 'hidden', params: contract },
  'GET /v1/contracts/{id}/cancellation/preview': { kind: 'hidden', params: contract },
  'POST /v1/contracts/{id}/cancellation': { kind: 'hidden', params: contract, body: () => ({ confirm: true, deleteData: true }) },
  'DELETE /v1/contracts/{id}/cancellation': { kind: 'hidden', params: contract },
  'POST /v1/contracts/{id}/plan-change': { kind: 'hidden', params: contract, body: () => ({ plan: 'basis', acceptTerms: true }) },
  'DELETE /v1/contracts/{id}/plan-change': { kind: 'hidden', params: contract },
  'POST /v1/contracts/{id}/conversion': { kind: 'hidden', params: contract, body: () => ({ plan: 'plus', paymentMethod: { type: 'transfer' } }) },
  'POST /v1/contracts/{id}/pause': { kind: 'hidden', params: contract },
  'DELETE /v1/contracts/{id}/pause': { kind: 'hidden', params: contract },
  'PUT /v1/contracts/{id}/seats': { kind: 'hidden', params: contract, body: () => ({ seats: 1 }) },
  'POST /v1/contracts/{id}/attention/{step}/retry': { kind: 'operators', params: (p) => ({ id: p.contractId, step: 'r1/issue-invoice' }) },
  'PUT /v1/contracts/{id}/payment-method': { kind: 'hidden', params: contract, body: () => ({ type: 'transfer' }) },
  'DELETE /v1/contracts/{id}/payment-method': { kind: 'hidden', params: contract },
  'GET /v1/contracts/{id}/users': { kind: 'hidden', params: contract },
  'POST /v1/contracts/{id}/users': { kind: 'hidden', params: contract, body: () => ({ name: 'Eindringling', email: 'eindringling@example.org' }) },
  'GET /v1/contracts/{id}/appointments': { kind: 'hidden', params: contract },
  'POST /v1/contracts/{id}/appointments': { kind: 'hidden', params: contract, body: () => ({ startsAt: '2027-03-01T09:00:00+01:00', participants: 2 }) },
  'GET /v1/contracts/{id}/invoices': { kind: 'hidden', params: contract },
  'POST /v1/contracts/{id}/usage': {
    kind: 'hidden',
    params: contract,
    body: () => ({ kind: 'sms', quantity: 5, occurredAt: '2027-02-15T09:00:00+01:00' }),
    headers: { 'idempotency-key': `isolation-${randomUUID()}` },
  },
  'GET /v1/contracts/{id}/statement': { kind: 'hidden', params: contract },
  'GET /v1/contracts/{id}/statement/pdf': { kind: 'hidden', params: contract },
  'POST /v1/contracts/{id}/prepayments': { kind: 'hidden', params: contract, body: () => ({ amount: eur(1000) }) },
  // Invoices.
  'GET /v1/invoices': { kind: 'operators', query: (p) => `?contractId=${p.contractId}` },
  'GET /v1/invoices/{id}': { kind: 'hidden', params: invoice },
  'GET /v1/invoices/{id}/pdf': { kind: 'hidden', params: invoice },
  'GET /v1/invoices/{id}/e-invoice': { kind: 'hidden', params: invoice },
  'PUT /v1/invoices/{id}/legal-hold': { kind: 'operators', params: invoice, body: () => ({ reason: 'Prüfung' }) },
  'DELETE /v1/invoices/{id}/legal-hold': { kind: 'operators', params: invoice },
  'PUT /v1/invoices/{id}/dispute': { kind: 'operators', params: invoice, body: () => ({ reason: 'Bestritten' }) },
  'DELETE /v1/invoices/{id}/dispute': { kind: 'operators', params: invoice },
  // Letters, payments, dunning, retention: operators' views of everyone.
  'GET /v1/letters': { kind: 'operators', query: (p) => `?contractId=${p.contractId}` },
  'POST /v1/suppressions': { kind: 'operators', body: () => ({ email: 'isolation-2@example.org' }) },
  'POST /v1/bank-transfers': { kind: 'operators', body: (p) => ({ reference: p.invoiceNumber, amount: eur(100), bookedOn: '2027-02-15' }) },
  'GET /v1/bank-transfers/unmatched': { kind: 'operators' },
  'POST /v1/bank-statements': { kind: 'operators', body: () => '<Document/>', headers: { 'content-type': 'application/xml' } },
  'POST /v1/sepa/returns': { kind: 'operators', body: (p) => ({ endToEndId: `E2E-${p.invoiceNumber}`, returnedOn: '2027-02-20' }) },
  'GET /v1/sepa/collections': { kind: 'operators', query: () => '?dueOn=2027-02-15' },
  'GET /v1/sepa/collections/{id}/pain.008': { kind: 'operators', params: (p) => ({ id: p.collectionId }) },
  'POST /v1/sandbox/psp/chargebacks': { kind: 'operators', body: () => ({ paymentId: 'pi_isolation' }) },
  'GET /v1/retention/destructions': { kind: 'operators' },
  'POST /v1/base-rates': { kind: 'operators', body: () => ({ validFrom: '2027-07-01', basisPoints: 127 }) },
  'GET /v1/dunning/ladder': { kind: 'operators' },
  'PUT /v1/dunning/ladder': { kind: 'operators', body: () => ({ steps: [{ step: 'handover', offsetDays: 30, channels: [], fee: eur(0) }] }) },
  'GET /v1/collection-handovers': { kind: 'operators', query: (p) => `?contractId=${p.contractId}` },
  'GET /v1/credit-reports': { kind: 'operators', query: (p) => `?contractId=${p.contractId}` },
  'GET /v1/audit': { kind: 'operators' },
  // Webhooks: the signature authenticates the sender; a customer token counts for nothing.
  'POST /v1/webhooks/psp': { kind: 'signed', body: (p) => ({ eventId: 'evt-isolation', type: 'payment.succeeded', reference: p.invoiceNumber }) },
  'POST /v1/webhooks/stripe': { kind: 'signed', body: () => ({ id: 'evt_isolation', type: 'payment_intent.succeeded' }) },
  'POST /v1/webhooks/print-partner': { kind: 'signed', body: () => ({ eventId: 'evt-isolation', letterId: randomUUID(), status: 'returned' }) },
  'POST /v1/webhooks/pingen': {
    kind: 'signed',
    body: () => ({ data: { type: 'webhook_undeliverable', id: randomUUID(), attributes: {}, relationships: { letter: { data: { type: 'letters', id: randomUUID() } } } } }),
  },
};

/** `path` with its `{name}` parameters filled in. */
function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`${path}: no value for {${name}}`);
    return encodeURIComponent(params[name]);
  });
}

async function call(route: string, spec: RouteCase, party: Party, token: string) {
  const [method, path] = route.split(' ');
  const url = fill(path, spec.params?.(party) ?? {}) + (spec.query?.(party) ?? '');
  const body = spec.body?.(party);
  const res = await api(method, url, {
    token,
    headers: spec.headers,
    ...(typeof body === 'string' ? { rawBody: body } : body !== undefined ? { body } : {}),
  });
  return { url, request: `${url} ${typeof body === 'string' ? body : JSON.stringify(body ?? null)}`, ...res };
}

const a = {} as Party;
const b = {} as Party;
/** Everything of B's that A must never see: ids, numbers, personal data. */
const secretsOfB: string[] = [];
let bBefore: Record<string, unknown> = {};

/** B's state as the operator sees it, for "unchanged after the walk". */
async function stateOf(party: Party) {
  const read = async (path: string) => {
    const res = await api('GET', path, { token: OPERATOR_TOKEN });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return res.body;
  };
  const c = await read(`/v1/contracts/${party.contractId}`);
  const inv = await read(`/v1/invoices/${party.invoiceId}`);
  return {
    contract: { status: c.status, plan: c.plan, seats: c.seats, cancellation: c.cancellation, pendingPlanChange: c.pendingPlanChange, pausedSince: c.pausedSince, paymentMethod: c.paymentMethod },
    users: (await read(`/v1/contracts/${party.contractId}/users`)).items.length,
    appointments: (await read(`/v1/contracts/${party.contractId}/appointments`)).items.length,
    invoices: (await read(`/v1/contracts/${party.contractId}/invoices`)).items.map((i: { id: string; status: string }) => [i.id, i.status]),
    invoice: { dunning: inv.dunning, legalHold: inv.legalHold },
    statement: (await read(`/v1/contracts/${party.contractId}/statement`)).entries.length,
    customer: await read(`/v1/customers/${party.customerId}`),
  };
}

beforeAll(async () => {
  // Day 0: 15.01.2027 10:00 Berlin.
  await advance('2027-01-15T09:00:00Z');
  for (const [party, fields] of [
    [a, {}],
    [b, { invoiceDelivery: 'post', phone: '+49 30 7654321', dateOfBirth: '1975-04-03' }],
  ] as const) {
    const customer = await newCustomer(fields);
    party.customerId = customer.id;
    party.token = customer.token;
    const created = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus', seats: 3 } });
    expect(created.status).toBe(201);
    party.contractId = created.body.id;
    const mandate = await api('PUT', `/v1/contracts/${party.contractId}/payment-method`, { token: customer.token, body: sepa });
    expect(mandate.status).toBe(200);
    expect((await api('POST', `/v1/contracts/${party.contractId}/users`, { token: customer.token, body: { name: 'Mitarbeiterin', email: `user-${customer.id}@example.org` } })).status).toBe(201);
    expect((await api('POST', `/v1/contracts/${party.contractId}/appointments`, { token: customer.token, body: { startsAt: '2027-02-03T09:00:00+01:00', participants: 3 } })).status).toBe(201);
  }
  // Day 31: 15.02.2027 — the February invoices are issued (01.02.) and collected by SEPA on their due date.
  await advance('2027-02-15T05:00:00Z');
  const collections = await api('GET', '/v1/sepa/collections?dueOn=2027-02-15', { token: OPERATOR_TOKEN });
  expect(collections.body.items).toHaveLength(1);
  for (const party of [a, b]) {
    const invoices = await api('GET', `/v1/contracts/${party.contractId}/invoices`, { token: party.token });
    const february = invoices.body.items.find((i: { issuedOn: string }) => i.issuedOn === '2027-02-01');
    expect(february).toBeDefined();
    party.invoiceId = february.id;
    party.invoiceNumber = february.number;
    party.collectionId = collections.body.items[0].id;
  }

  // B's letters (invoices by post), communications, users, appointments and statement exist.
  const letters = await api('GET', `/v1/letters?contractId=${b.contractId}`, { token: OPERATOR_TOKEN });
  expect(letters.body.items.length).toBeGreaterThanOrEqual(1);
  const communications = await api('GET', `/v1/contracts/${b.contractId}/communications`, { token: b.token });
  expect(communications.body.items.some((c: { channel: string }) => c.channel === 'letter')).toBe(true);
  const users = await api('GET', `/v1/contracts/${b.contractId}/users`, { token: b.token });
  const appointments = await api('GET', `/v1/contracts/${b.contractId}/appointments`, { token: b.token });
  const statement = await api('GET', `/v1/contracts/${b.contractId}/statement`, { token: b.token });
  expect(statement.body.entries.length).toBeGreaterThanOrEqual(1);
  const invoicesOfB = await api('GET', `/v1/contracts/${b.contractId}/invoices`, { token: b.token });
  const customerB = await api('GET', `/v1/customers/${b.customerId}`, { token: OPERATOR_TOKEN });
  const ids = (items: { id: string }[]) => items.map((i) => i.id);
  secretsOfB.push(
    b.customerId,
    b.contractId,
    b.token,
    ...ids(invoicesOfB.body.items),
    ...invoicesOfB.body.items.map((i: { number: string }) => i.number),
    ...ids(letters.body.items),
    ...letters.body.items.map((l: { partnerLetterId: string | null }) => l.partnerLetterId).filter(Boolean),
    ...ids(communications.body.items),
    ...ids(users.body.items),
    ...users.body.items.map((u: { email: string }) => u.email),
    ...ids(appointments.body.items),
    ...ids(statement.body.entries),
    customerB.body.name,
    customerB.body.email,
    customerB.body.phone,
  );
  bBefore = await stateOf(b);
}, 240_000);

test("A's token reaches none of B's resources on any route of the OpenAPI document", async () => {
  const doc = (await api('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  // A route without an entry fails here: decide what it is and add it to ROUTES.
  expect(routes.filter((route) => !(route in ROUTES))).toEqual([]);
  const unknown: Party = { ...b, customerId: randomUUID(), contractId: randomUUID(), invoiceId: randomUUID(), invoiceNumber: '2027-999999', collectionId: randomUUID() };

  const walked: string[] = [];
  const failures: unknown[] = [];
  for (const route of routes) {
    const spec = ROUTES[route];
    const res = await call(route, spec, b, a.token);
    walked.push(`${route.padEnd(52)} ${spec.kind.padEnd(9)} → ${res.status}${res.body?.code ? ` ${res.body.code}` : ''}`);
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
    const leaked = secretsOfB.filter((secret) => text.includes(secret) && !res.request.includes(secret));
    const problems: string[] = [];
    if (res.status >= 500) problems.push('5xx');
    if (leaked.length > 0) problems.push(`leaks ${leaked.join(', ')}`);
    if (spec.kind === 'hidden') {
      if (res.status !== 404 || res.body?.code !== 'NOT_FOUND') problems.push('expected 404 NOT_FOUND');
      // Not yours and does not exist look the same (status and body).
      const missing = await call(route, spec, unknown, a.token);
      if (missing.status !== res.status || JSON.stringify(missing.body) !== JSON.stringify(res.body)) {
        problems.push(`answers differently for an unknown id: ${missing.status} ${JSON.stringify(missing.body)}`);
      }
    }
    if (spec.kind === 'operators' && (res.status !== 403 || res.body?.code !== 'FORBIDDEN')) problems.push('expected 403 FORBIDDEN');
    if (spec.kind === 'signed' && ![401, 404].includes(res.status)) problems.push('expected 401 (or 404 where that webhook is off)');
    if (problems.length > 0) failures.push({ route, url: res.url, status: res.status, body: res.body, problems });
  }
  process.stderr.write(`[isolation] ${walked.length} routes walked with customer A's token and B's ids:\n  ${walked.join('\n  ')}\n`);
  const stale = Object.keys(ROUTES).filter((route) => !routes.includes(route));
  if (stale.length > 0) process.stderr.write(`[isolation] in ROUTES but not in this platform's document: ${stale.join(', ')}\n`);
  expect(failures).toEqual([]);
  expect(walked.length).toBe(routes.length);

  // Nothing of B changed: no cancellation, plan change, pause, seats, payment method, users, appointments, hold or dispute.
  expect(await stateOf(b)).toEqual(bBefore);
}, 240_000);

test("the walk's ids are real: with A's own ids, A's token reads each of A's resources (2xx)", async () => {
  const reads = Object.entries(ROUTES).filter(([route, spec]) => spec.kind === 'hidden' && route.startsWith('GET '));
  expect(reads.length).toBeGreaterThanOrEqual(13);
  const statuses = [];
  for (const [route, spec] of reads) statuses.push([route, (await call(route, spec, a, a.token)).status]);
  expect(statuses.filter(([, status]) => (status as number) < 200 || (status as number) >= 300)).toEqual([]);
  // And B reads its own through the same mappings (the ids name B's resources, not nothing).
  const ofB = [];
  for (const [route, spec] of reads) ofB.push([route, (await call(route, spec, b, b.token)).status]);
  expect(ofB.filter(([, status]) => (status as number) >= 300)).toEqual([]);
});
