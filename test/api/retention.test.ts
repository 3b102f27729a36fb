/**
 * Retention through the REST API on a real PostgreSQL: legal holds sent to the contract's workflow
 * as the `legalHold` update (written directly once the workflow has completed), destroyed
 * invoices answering 410 RECORD_DESTROYED, and the destruction log for operators. The Temporal
 * client is a stand-in that does what the workflow's update handler does: call the activity.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { createBillingActivities } from '../../activities/billing.activity';
import { createRetentionActivities } from '../../activities/retention.activity';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/config';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import type { InvoiceDraft } from '../../src/domain/invoice';
import type { LegalHoldRequest } from '../../workflows/messages';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { apiClient, OPERATOR_TOKEN } from '../helpers/platform';

let database: TestDatabase;
let prisma: PrismaClient;
let app: INestApplication;
let api: ReturnType<typeof apiClient>;
const config = loadConfig({ OPERATOR_TOKEN, PORT: '0' });
const CLOCK_NOW = new Date('2031-05-04T10:00:00.000Z');

/** What the stand-in workflow does with an update; `completed` workflows are gone (as after their last destruction). */
const workflows = { completed: new Set<string>(), reject: null as Error | null, updates: [] as { workflowId: string; name: string; request: LegalHoldRequest }[] };

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  const retention = createRetentionActivities({ prisma, issuerCountry: 'DE', printDropDir: 'var/test/unused', now: () => new Date() });
  const temporal = {
    workflow: {
      getHandle: (workflowId: string) => ({
        async executeUpdate(update: { name: string }, options: { args: [LegalHoldRequest] }) {
          const [request] = options.args;
          workflows.updates.push({ workflowId, name: update.name, request });
          if (workflows.completed.has(workflowId)) throw new WorkflowNotFoundError('workflow execution already completed', workflowId, undefined);
          if (workflows.reject) throw workflows.reject;
          const state = await retention.setLegalHold({ ...request, at: '2031-01-01T00:00:00.000Z' });
          return { invoiceId: state.invoiceId, hold: state.hold };
        },
      }),
    },
  } as unknown as Client;
  app = await createApp({ config, prisma, temporal, clock: { now: async () => CLOCK_NOW } }, { logger: false });
  await app.listen(0, '127.0.0.1');
  api = apiClient(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
});
afterAll(async () => {
  await app?.close();
  await prisma?.$disconnect();
  await database?.drop();
});
beforeEach(() => {
  workflows.updates = [];
  workflows.reject = null;
});

/** A customer with a contract and one issued invoice of `issuedOn`. */
async function seedInvoice(issuedOn = '2027-02-01') {
  const customerId = randomUUID();
  const contractId = randomUUID();
  await prisma.customer.create({ data: { id: customerId, type: 'business', name: 'Praxis Dr. Muster', email: 'praxis@example.org', addressLine1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' } });
  await prisma.contract.create({ data: { id: contractId, customerId, plan: 'plus', seats: 1, status: 'ended', timeZone: 'Europe/Berlin', startedOn: '2027-01-01', billingMode: 'postpaid', workflowId: `contract-${contractId}`, revision: 1 } });
  const period = { from: issuedOn, to: `${issuedOn.slice(0, 8)}28` };
  const draft: InvoiceDraft = {
    billingDay: issuedOn, issuedOn, dueOn: `${issuedOn.slice(0, 8)}15`, servicePeriod: period, reverseCharge: false, currency: 'EUR',
    lines: [{ kind: 'base-fee', plan: 'plus', quantity: 1, unitPriceCents: 1900, proration: null, netCents: 1900, vatRatePercent: 19, servicePeriod: period }],
    vatGroups: [{ ratePercent: 19, category: 'S', netCents: 1900, vatCents: 361 }], netCents: 1900, vatCents: 361, grossCents: 2261,
  };
  const billing = createBillingActivities({ prisma, issuer: config.issuer, newId: randomUUID });
  const invoice = await billing.issueInvoice({ idempotencyKey: `contract-${contractId}/bill/${issuedOn}`, contractId, draft, usageAsOf: new Date().toISOString(), usageThrough: null });
  return { customerId, contractId, workflowId: `contract-${contractId}`, invoiceId: invoice.invoiceId, number: invoice.number };
}

async function customerToken(customerId: string): Promise<string> {
  const created = await api('POST', `/v1/customers/${customerId}/tokens`, { token: OPERATOR_TOKEN });
  expect(created.status).toBe(201);
  return created.body.token as string;
}

function expectProblem(res: { status: number; contentType: string; body: { code?: string } }, status: number, code: string) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.contentType).toContain('application/problem+json');
}

describe('legal hold', () => {
  test('PUT sends the legalHold update to contract-<id> and shows the hold; DELETE lifts it', async () => {
    const seeded = await seedInvoice();
    const path = `/v1/invoices/${seeded.invoiceId}/legal-hold`;
    const placed = await api('PUT', path, { token: OPERATOR_TOKEN, body: { reason: '  Betriebsprüfung 2031 ' } });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ id: seeded.invoiceId, number: seeded.number, legalHold: { reason: 'Betriebsprüfung 2031', since: '2031-01-01T00:00:00.000Z' } });
    expect(workflows.updates).toEqual([{ workflowId: seeded.workflowId, name: 'legalHold', request: { invoiceId: seeded.invoiceId, hold: true, reason: 'Betriebsprüfung 2031' } }]);
    expect((await api('GET', `/v1/invoices/${seeded.invoiceId}`, { token: OPERATOR_TOKEN })).body.legalHold).toEqual({ reason: 'Betriebsprüfung 2031', since: '2031-01-01T00:00:00.000Z' });

    const lifted = await api('DELETE', path, { token: OPERATOR_TOKEN });
    expect(lifted.status).toBe(200);
    expect(lifted.body.legalHold).toBeNull();
    expect(workflows.updates[1]).toEqual({ workflowId: seeded.workflowId, name: 'legalHold', request: { invoiceId: seeded.invoiceId, hold: false, reason: null } });
    // Lifting again: still no hold, no error.
    expect((await api('DELETE', path, { token: OPERATOR_TOKEN })).body.legalHold).toBeNull();
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: seeded.invoiceId } })).toMatchObject({ legalHoldReason: null, legalHoldSince: null });
  });

  test('the workflow has completed: the columns are written directly, since = the API clock', async () => {
    const seeded = await seedInvoice();
    workflows.completed.add(seeded.workflowId);
    const placed = await api('PUT', `/v1/invoices/${seeded.invoiceId}/legal-hold`, { token: OPERATOR_TOKEN, body: { reason: 'Klage anhängig' } });
    expect(placed.status).toBe(200);
    expect(placed.body.legalHold).toEqual({ reason: 'Klage anhängig', since: CLOCK_NOW.toISOString() });
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: seeded.invoiceId } })).toMatchObject({ legalHoldReason: 'Klage anhängig', legalHoldSince: CLOCK_NOW });
    expect((await api('DELETE', `/v1/invoices/${seeded.invoiceId}/legal-hold`, { token: OPERATOR_TOKEN })).body.legalHold).toBeNull();
  });

  test('operators only, a reason required, unknown invoices 404, a destroyed one 410 (also when the workflow says so)', async () => {
    const seeded = await seedInvoice();
    const path = `/v1/invoices/${seeded.invoiceId}/legal-hold`;
    const token = await customerToken(seeded.customerId);
    expectProblem(await api('PUT', path, { token, body: { reason: 'x' } }), 403, 'FORBIDDEN');
    expectProblem(await api('DELETE', path, { token }), 403, 'FORBIDDEN');
    expectProblem(await api('PUT', path, { token: OPERATOR_TOKEN, body: { reason: '   ' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await api('PUT', path, { token: OPERATOR_TOKEN, body: {} }), 400, 'VALIDATION_FAILED');
    expectProblem(await api('PUT', `/v1/invoices/${randomUUID()}/legal-hold`, { token: OPERATOR_TOKEN, body: { reason: 'x' } }), 404, 'NOT_FOUND');
    expectProblem(await api('PUT', '/v1/invoices/not-a-uuid/legal-hold', { token: OPERATOR_TOKEN, body: { reason: 'x' } }), 404, 'NOT_FOUND');
    // Destroyed between the API's check and the workflow's activity: the failure comes back through the update.
    workflows.reject = new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type: 'RECORD_DESTROYED', message: 'destroyed', nonRetryable: true }));
    expectProblem(await api('PUT', path, { token: OPERATOR_TOKEN, body: { reason: 'x' } }), 410, 'RECORD_DESTROYED');
    expect(workflows.updates).toHaveLength(1);
  });
});

describe('destroyed invoices and the destruction log', () => {
  let seeded: Awaited<ReturnType<typeof seedInvoice>>;
  let older: Awaited<ReturnType<typeof seedInvoice>>;

  beforeAll(async () => {
    seeded = await seedInvoice('2027-02-01');
    older = await seedInvoice('2026-02-01');
    const retention = createRetentionActivities({ prisma, issuerCountry: 'DE', printDropDir: 'var/test/unused', now: () => new Date() });
    // 2026: invoice + ledger entry; 2027: invoice only (its ledger entry stays until 2038).
    await retention.destroyDueRecords({ contractId: older.contractId, today: '2037-01-01', idempotencyKey: 'k-older' });
    await retention.destroyDueRecords({ contractId: seeded.contractId, today: '2036-01-01', idempotencyKey: 'k-seeded' });
  });

  test('GET, /pdf and /e-invoice answer 410 RECORD_DESTROYED, for operators and the customer; PUT legal-hold too', async () => {
    const token = await customerToken(seeded.customerId);
    for (const suffix of ['', '/pdf', '/e-invoice']) {
      expectProblem(await api('GET', `/v1/invoices/${seeded.invoiceId}${suffix}`, { token: OPERATOR_TOKEN }), 410, 'RECORD_DESTROYED');
      expectProblem(await api('GET', `/v1/invoices/${seeded.invoiceId}${suffix}`, { token }), 410, 'RECORD_DESTROYED');
    }
    // Someone else's destroyed invoice stays a 404 for a customer.
    expectProblem(await api('GET', `/v1/invoices/${older.invoiceId}`, { token }), 404, 'NOT_FOUND');
    expectProblem(await api('PUT', `/v1/invoices/${seeded.invoiceId}/legal-hold`, { token: OPERATOR_TOKEN, body: { reason: 'zu spät' } }), 410, 'RECORD_DESTROYED');
    expect(workflows.updates).toEqual([]);
  });

  test('lists still show the tombstone: number, status destroyed, amounts, no lines', async () => {
    const listed = await api('GET', `/v1/contracts/${seeded.contractId}/invoices`, { token: OPERATOR_TOKEN });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: seeded.invoiceId, number: seeded.number, status: 'destroyed', lines: [], gross: { amount: 2261, currency: 'EUR' }, legalHold: null })]);
    expect(JSON.stringify(listed.body)).not.toMatch(/Muster|Hauptstraße|praxis@/);
  });

  test('GET /v1/retention/destructions: filtered by type and year, paged, no personal content, operators only', async () => {
    const all = await api('GET', '/v1/retention/destructions', { token: OPERATOR_TOKEN });
    expect(all.status).toBe(200);
    // In the order written (the two of 2026 in one batch, same instant, ordered by id).
    const written = all.body.items.map((i: { recordType: string; year: number }) => `${i.recordType} ${i.year}`);
    expect([...written.slice(0, 2)].sort()).toEqual(['invoice 2026', 'ledger-entry 2026']);
    expect(written[2]).toBe('invoice 2027');
    expect(all.body.items[2]).toEqual({
      id: expect.any(String),
      recordType: 'invoice',
      recordId: seeded.invoiceId,
      year: 2027,
      rule: 'DE § 147 AO: invoice 8 years',
      retainUntil: '2035-12-31',
      destroyedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      contractId: seeded.contractId,
    });
    expect(all.body.nextCursor).toBeNull();
    expect(JSON.stringify(all.body)).not.toMatch(/Muster|Hauptstraße|praxis@|10115/);

    const invoices2027 = await api('GET', '/v1/retention/destructions?recordType=invoice&year=2027', { token: OPERATOR_TOKEN });
    expect(invoices2027.body.items.map((i: { recordId: string }) => i.recordId)).toEqual([seeded.invoiceId]);

    const first = await api('GET', '/v1/retention/destructions?limit=2', { token: OPERATOR_TOKEN });
    expect(first.body.items).toEqual(all.body.items.slice(0, 2));
    expect(first.body.nextCursor).toBe(all.body.items[1].id);
    const second = await api('GET', `/v1/retention/destructions?limit=2&cursor=${first.body.nextCursor}`, { token: OPERATOR_TOKEN });
    expect(second.body).toEqual({ items: all.body.items.slice(2), nextCursor: null });

    expectProblem(await api('GET', '/v1/retention/destructions?recordType=customer', { token: OPERATOR_TOKEN }), 400, 'VALIDATION_FAILED');
    expectProblem(await api('GET', '/v1/retention/destructions', { token: await customerToken(seeded.customerId) }), 403, 'FORBIDDEN');
  });
});
