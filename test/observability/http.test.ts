/**
 * The API's observability on a real PostgreSQL (the Temporal client is a stand-in that accepts
 * signals): JSON request logs with requestId and the contract a route names, `X-Request-Id`
 * honoured or generated and echoed, `GET /metrics` with the HTTP histogram, a payment booked and
 * an invoice issued through the worker's activity interceptor counted once each.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { IssuedInvoice } from '../../activities/billing.activity';
import { createBillingActivities } from '../../activities/billing.activity';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/config';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import type { InvoiceDraft } from '../../src/domain/invoice';
import { activityObserver } from '../../src/observability/activity-observer';
import { Metrics } from '../../src/observability/metrics';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { apiClient, OPERATOR_TOKEN } from '../helpers/platform';
import { capturingLogger, sample } from './capture';

const config = loadConfig({ OPERATOR_TOKEN, PORT: '0' });
const temporal = { workflow: { getHandle: () => ({ signal: async () => undefined }) } } as unknown as Client;
const { log, lines, raw } = capturingLogger();
const metrics = new Metrics();
let database: TestDatabase;
let prisma: PrismaClient;
let app: INestApplication;
let api: ReturnType<typeof apiClient>;
let baseUrl: string;
let seeded: { contractId: string; number: string };

/** Issues a 22.61 € invoice of a new contract through the activity interceptor, as the worker runs it. */
async function issueThroughInterceptor(contractId: string, idempotencyKey: string) {
  const period = { from: '2027-02-01', to: '2027-02-28' };
  const draft: InvoiceDraft = {
    billingDay: '2027-02-01', issuedOn: '2027-02-01', dueOn: '2027-02-15', servicePeriod: period, reverseCharge: false, currency: 'EUR',
    lines: [{ kind: 'base-fee', plan: 'plus', quantity: 1, unitPriceCents: 1900, proration: null, netCents: 1900, vatRatePercent: 19, servicePeriod: period }],
    vatGroups: [{ ratePercent: 19, category: 'S', netCents: 1900, vatCents: 361 }], netCents: 1900, vatCents: 361, grossCents: 2261,
  };
  const billing = createBillingActivities({ prisma, issuer: config.issuer, newId: randomUUID });
  const env = new MockActivityEnvironment({ activityType: 'issueInvoice', workflowExecution: { workflowId: `contract-${contractId}`, runId: 'run-1' } }, { interceptors: [activityObserver(metrics, log)] });
  return (await env.run(billing.issueInvoice, { idempotencyKey, contractId, draft, usageAsOf: new Date().toISOString(), usageThrough: null })) as IssuedInvoice;
}

async function scrape() {
  const res = await fetch(`${baseUrl}/metrics`);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The final line pino-http wrote for the request with this id. */
function requestLine(requestId: string) {
  return lines.find((l) => l.requestId === requestId && (l.msg === 'request completed' || l.msg === 'request errored'));
}

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  const customerId = randomUUID();
  const contractId = randomUUID();
  await prisma.customer.create({ data: { id: customerId, type: 'business', name: 'Praxis Dr. Muster', email: 'praxis@example.org', addressLine1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' } });
  await prisma.contract.create({ data: { id: contractId, customerId, plan: 'plus', seats: 1, status: 'active', timeZone: 'Europe/Berlin', startedOn: '2027-01-01', billingMode: 'postpaid', workflowId: `contract-${contractId}`, revision: 1 } });
  const invoice = await issueThroughInterceptor(contractId, `contract-${contractId}/bill/2027-02-01`);
  seeded = { contractId, number: invoice.number };
  app = await createApp({ config, prisma, temporal }, { log, metrics });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  api = apiClient(baseUrl);
});
afterAll(async () => {
  await app?.close();
  await prisma?.$disconnect();
  await database?.drop();
});

test('X-Request-Id: an incoming id is kept and echoed, a missing or unusable one replaced by a UUID', async () => {
  const kept = await api('GET', '/health/live', { headers: { 'x-request-id': 'lb-7f3a:0042' } });
  expect(kept.headers.get('x-request-id')).toBe('lb-7f3a:0042');
  const generated = await api('GET', `/v1/contracts/${seeded.contractId}`, { token: OPERATOR_TOKEN });
  expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(requestLine(generated.headers.get('x-request-id') as string)).toBeDefined();
  const unusable = await api('GET', '/health/live', { headers: { 'x-request-id': 'has spaces "and quotes"' } });
  expect(unusable.headers.get('x-request-id')).not.toBe('has spaces "and quotes"');
  expect(unusable.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  // A problem answer carries it too.
  expect((await api('GET', '/v1/contracts/nope', { token: OPERATOR_TOKEN, headers: { 'x-request-id': 'probe-404' } })).headers.get('x-request-id')).toBe('probe-404');
});

test('a route under /v1/contracts/:id: every JSON line of the request carries requestId, contractId and workflowId', async () => {
  const res = await api('PUT', `/v1/contracts/${seeded.contractId}/payment-method`, { token: OPERATOR_TOKEN, body: { type: 'transfer' }, headers: { 'x-request-id': 'ops-4711' } });
  expect(res.status).toBe(200);
  const mine = lines.filter((l) => l.requestId === 'ops-4711');
  // The service's own Nest Logger line, and pino-http's line when the answer is done.
  expect(mine.map((l) => l.msg)).toEqual([`contract ${seeded.contractId}: payment method set to transfer by operator`, 'request completed']);
  for (const line of mine) expect(line).toMatchObject({ contractId: seeded.contractId, workflowId: `contract-${seeded.contractId}`, requestId: 'ops-4711' });
  expect(mine[0]).toMatchObject({ level: 'info', context: 'ContractCommands' });
  expect(mine[1]).toMatchObject({ level: 'info', req: { method: 'PUT', url: `/v1/contracts/${seeded.contractId}/payment-method` }, res: { statusCode: 200 } });
  expect(typeof mine[1].responseTime).toBe('number');
  expect(typeof mine[1].time).toBe('string');
  // Headers are not logged: the bearer token never reaches the log.
  expect(raw.join('')).not.toContain(OPERATOR_TOKEN);
  expect(mine[1].req).not.toHaveProperty('headers');
});

test('a contract named by the answer (a bank transfer booked on its invoice) is on the final line; a non-UUID id is not a contract id', async () => {
  const transfer = await api('POST', '/v1/bank-transfers', {
    token: OPERATOR_TOKEN,
    body: { reference: `Rechnung ${seeded.number}`, amount: { amount: 2261, currency: 'EUR' }, bookedOn: '2027-02-10' },
    headers: { 'idempotency-key': 'transfer-obs-1', 'x-request-id': 'bank-1' },
  });
  expect(transfer.status).toBe(201);
  expect(requestLine('bank-1')).toMatchObject({ contractId: seeded.contractId, workflowId: `contract-${seeded.contractId}`, res: { statusCode: 201 } });

  await api('GET', '/v1/contracts/nope', { token: OPERATOR_TOKEN, headers: { 'x-request-id': 'junk-1' } });
  const junk = requestLine('junk-1');
  expect(junk).toMatchObject({ level: 'warn', res: { statusCode: 404 } });
  expect(junk).not.toHaveProperty('contractId');
});

test('GET /metrics without a token: the HTTP histogram by route template, the domain counters, process metrics', async () => {
  const before = await scrape();
  expect(before.status).toBe(200);
  expect(before.contentType).toMatch(/^text\/plain;/);
  expect(before.contentType).toContain('version=0.0.4');
  const route = { method: 'PUT', route: '/v1/contracts/:id/payment-method', status_code: '200' };
  const puts = sample(before.text, 'http_request_duration_seconds_count', route);
  expect(puts).toBeGreaterThanOrEqual(1);
  expect(sample(before.text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(0);
  expect(before.text).toContain('http_request_duration_seconds_bucket{le="0.005",method="PUT",route="/v1/contracts/:id/payment-method",status_code="200"}');
  expect(before.text).toMatch(/^process_cpu_user_seconds_total \d/m);
  expect(before.text).toMatch(/^nodejs_eventloop_lag_seconds /m);

  // The transfer above booked once; its replay (same Idempotency-Key) books nothing and counts nothing.
  expect(sample(before.text, 'vertragswerk_payments_booked_total', { source: 'bank-transfer' })).toBe(1);
  const replay = await api('POST', '/v1/bank-transfers', {
    token: OPERATOR_TOKEN,
    body: { reference: `Rechnung ${seeded.number}`, amount: { amount: 2261, currency: 'EUR' }, bookedOn: '2027-02-10' },
    headers: { 'idempotency-key': 'transfer-obs-1' },
  });
  expect(replay.status).toBe(201);

  // The invoice issued in beforeAll through the activity interceptor; issued again with the same key: not counted twice.
  const again = await issueThroughInterceptor(seeded.contractId, `contract-${seeded.contractId}/bill/2027-02-01`);
  expect(again.created).toBe(false);
  await api('PUT', `/v1/contracts/${seeded.contractId}/payment-method`, { token: OPERATOR_TOKEN, body: { type: 'transfer' } });

  const after = (await scrape()).text;
  expect(sample(after, 'vertragswerk_payments_booked_total', { source: 'bank-transfer' })).toBe(1);
  expect(sample(after, 'vertragswerk_invoices_issued_total')).toBe(1);
  expect(sample(after, 'vertragswerk_activity_executions_total', { activity_type: 'issueInvoice', outcome: 'completed' })).toBe(2);
  expect(sample(after, 'http_request_duration_seconds_count', route)).toBe(puts + 1);
  // Scrapes and probes are counted but not logged line by line.
  expect(sample(after, 'http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status_code: '200' })).toBeGreaterThanOrEqual(1);
  expect(lines.some((l) => (l.req as { url?: string } | undefined)?.url === '/metrics')).toBe(false);
});

test('METRICS_ENABLED=false: no /metrics route', async () => {
  const quiet = await createApp({ config: loadConfig({ OPERATOR_TOKEN, PORT: '0', METRICS_ENABLED: 'false' }), prisma, temporal }, { logger: false });
  await quiet.listen(0, '127.0.0.1');
  try {
    const res = await fetch(`http://127.0.0.1:${(quiet.getHttpServer().address() as { port: number }).port}/metrics`);
    expect(res.status).toBe(404);
  } finally {
    await quiet.close();
  }
});
