/**
 * The billing activities against a real PostgreSQL: gapless invoice numbers under concurrency
 * and retries, usage counted and marked once, and the invoice's document data.
 */
import { randomUUID } from 'node:crypto';
import { type BillingActivities, createBillingActivities } from '../../activities/billing.activity';
import { loadConfig } from '../../src/config/config';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import type { InvoiceDocumentData, InvoiceDraft } from '../../src/domain/invoice';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
let prisma: PrismaClient;
let billing: BillingActivities;
const issuer = loadConfig({}).issuer;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url, { maxConnections: 25 });
  billing = createBillingActivities({ prisma, issuer, newId: randomUUID });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

/** A customer and `count` contracts (rows as the workflow's first save writes them). */
async function seedContracts(count: number, customer: Partial<{ type: string; country: string; vatId: string | null; invoiceDelivery: string }> = {}) {
  const customerId = randomUUID();
  await prisma.customer.create({
    data: { id: customerId, type: 'business', name: 'Praxis Dr. Muster', email: 'praxis@example.org', addressLine1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE', ...customer },
  });
  const ids = Array.from({ length: count }, () => randomUUID());
  await prisma.contract.createMany({
    data: ids.map((id) => ({ id, customerId, plan: 'plus', seats: 3, status: 'active', timeZone: 'Europe/Berlin', startedOn: '2027-01-15', billingMode: 'postpaid', workflowId: `contract-${id}`, revision: 1 })),
  });
  return { customerId, ids };
}

function draft(issuedOn: string, netCents = 5700): InvoiceDraft {
  const vatCents = Math.round(netCents * 0.19);
  return {
    billingDay: issuedOn,
    issuedOn,
    dueOn: issuedOn.slice(0, 8) + '15',
    servicePeriod: { from: issuedOn, to: issuedOn.slice(0, 8) + '28' },
    lines: [{ kind: 'base-fee', plan: 'plus', quantity: 3, unitPriceCents: 1900, proration: null, netCents, vatRatePercent: 19, servicePeriod: { from: issuedOn, to: issuedOn.slice(0, 8) + '28' } }],
    vatGroups: [{ ratePercent: 19, category: 'S', netCents, vatCents }],
    netCents,
    vatCents,
    grossCents: netCents + vatCents,
    reverseCharge: false,
    currency: 'EUR',
  };
}

async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await task(items[next++]);
  }));
}

test('1,000 contracts billed on one day, 20 at a time, every tenth issue retried concurrently: numbers 1…1000, no gap, no duplicate', async () => {
  const { ids } = await seedContracts(1000);
  const started = Date.now();
  const results: { number: string; created: boolean; key: string }[] = [];
  await pool(ids, 20, async (id) => {
    const input = { idempotencyKey: `contract-${id}/bill/2029-03-01`, contractId: id, draft: draft('2029-03-01'), usageAsOf: new Date().toISOString(), usageThrough: '2029-02-28' };
    // A retried activity (the worker lost the answer) runs the same issue again, here even at the same time.
    const attempts = ids.indexOf(id) % 10 === 0 ? await Promise.all([billing.issueInvoice(input), billing.issueInvoice(input)]) : [await billing.issueInvoice(input)];
    for (const attempt of attempts) results.push({ ...attempt, key: input.idempotencyKey });
  });
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(`[billing] 1,000 invoices issued in ${seconds.toFixed(1)} s (${(1000 / seconds).toFixed(0)}/s, 20 concurrent)\n`);

  const rows = await prisma.invoice.findMany({ where: { year: 2029 }, orderBy: { sequence: 'asc' } });
  expect(rows).toHaveLength(1000);
  expect(rows.map((r) => r.sequence)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  expect(rows[0].number).toBe('2029-000001');
  expect(rows[999].number).toBe('2029-001000');
  expect(new Set(rows.map((r) => r.contractId)).size).toBe(1000);
  // Every retry got the number of its first attempt.
  const byKey = new Map<string, Set<string>>();
  for (const r of results) byKey.set(r.key, (byKey.get(r.key) ?? new Set()).add(r.number));
  expect([...byKey.values()].every((numbers) => numbers.size === 1)).toBe(true);
  expect(results.filter((r) => r.created)).toHaveLength(1000);
  expect((await prisma.invoiceNumberSequence.findUniqueOrThrow({ where: { issuerKey_year: { issuerKey: `DE:${issuer.vatId}`, year: 2029 } } })).lastNumber).toBe(1000);
}, 120_000);

test('a new calendar year starts at 000001; the number follows the issue date', async () => {
  const { ids } = await seedContracts(2);
  const december = await billing.issueInvoice({ idempotencyKey: `k-${ids[0]}`, contractId: ids[0], draft: draft('2030-12-01'), usageAsOf: new Date().toISOString(), usageThrough: null });
  const january = await billing.issueInvoice({ idempotencyKey: `k-${ids[1]}`, contractId: ids[1], draft: draft('2031-01-01'), usageAsOf: new Date().toISOString(), usageThrough: null });
  expect([december.number, january.number]).toEqual(['2030-000001', '2031-000001']);
});

test('usage: counted up to the period end, marked with the invoice it went on, never billed twice', async () => {
  const { ids } = await seedContracts(1);
  const contractId = ids[0];
  const usage = (occurredOn: string, quantity: number, key: string) =>
    prisma.usageEvent.create({ data: { id: randomUUID(), contractId, kind: 'sms', quantity, occurredAt: new Date(`${occurredOn}T10:00:00Z`), occurredOn, idempotencyKey: key } });
  await usage('2027-01-20', 100, 'u1');
  await usage('2027-01-31', 20, 'u2');
  await usage('2027-02-01', 5, 'u3'); // the next period
  const prepared = await billing.prepareInvoiceRun({ contractId, usageThrough: '2027-01-31' });
  expect(prepared.usage).toEqual({ quantity: 120, firstOn: '2027-01-20' });
  expect(prepared.tax).toEqual({ issuerCountry: 'DE', customerCountry: 'DE', customerType: 'business', customerVatId: null });
  const issued = await billing.issueInvoice({ idempotencyKey: `u-${contractId}`, contractId, draft: draft('2027-02-01', 6900), usageAsOf: prepared.usageAsOf, usageThrough: '2027-01-31' });
  const marked = await prisma.usageEvent.findMany({ where: { contractId }, orderBy: { occurredOn: 'asc' } });
  expect(marked.map((u) => u.invoiceId)).toEqual([issued.invoiceId, issued.invoiceId, null]);
  expect((await billing.prepareInvoiceRun({ contractId, usageThrough: '2027-02-28' })).usage).toEqual({ quantity: 5, firstOn: '2027-02-01' });
});

test('the invoice keeps the customer as on its issue date: name, address, VAT ID, delivery, payment instructions', async () => {
  const { ids } = await seedContracts(1, { type: 'business', country: 'AT', vatId: 'ATU12345678', invoiceDelivery: 'post' });
  const contractId = ids[0];
  await prisma.paymentMethod.create({ data: { id: randomUUID(), contractId, type: 'sepa', iban: 'DE89370400440532013000', ibanLast4: '3000', accountHolder: 'Dr. Muster', signedOn: '2027-01-10', mandateReference: `VW-${contractId.slice(0, 8)}-1` } });
  const issued = await billing.issueInvoice({ idempotencyKey: `d-${contractId}`, contractId, draft: draft('2027-02-01'), usageAsOf: new Date().toISOString(), usageThrough: null });
  const row = await prisma.invoice.findUniqueOrThrow({ where: { id: issued.invoiceId } });
  expect(row).toMatchObject({ delivery: 'post', paymentMethod: 'sepa', status: 'open', openCents: row.grossCents, templateVersion: 'invoice-v1' });
  const document = row.document as unknown as InvoiceDocumentData;
  expect(document.customer).toMatchObject({ name: 'Praxis Dr. Muster', addressLine1: 'Hauptstraße 1', country: 'AT', vatId: 'ATU12345678', type: 'business' });
  expect(document.payment).toEqual({ method: 'sepa', reference: row.number, mandateReference: `VW-${contractId.slice(0, 8)}-1`, debtorIbanLast4: '3000', collectionOn: '2027-02-15' });
  expect(document.lines[0].description).toMatch(/Plus/);
  expect(document.issuer.vatId).toBe(issuer.vatId);
  // Personal data deleted later does not change the issued invoice.
  await prisma.customer.update({ where: { id: row.customerId }, data: { name: null, addressLine1: null } });
  const again = await prisma.invoice.findUniqueOrThrow({ where: { id: issued.invoiceId } });
  expect((again.document as unknown as InvoiceDocumentData).customer.name).toBe('Praxis Dr. Muster');
  // …but a new invoice cannot be issued without a recipient.
  await expect(billing.issueInvoice({ idempotencyKey: `e-${contractId}`, contractId, draft: draft('2027-03-01'), usageAsOf: new Date().toISOString(), usageThrough: null })).rejects.toMatchObject({
    type: 'CUSTOMER_DATA_MISSING',
    nonRetryable: true,
  });
});
