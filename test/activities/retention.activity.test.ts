/**
 * The retention activities against a real PostgreSQL: a contract's records destroyed on the day
 * after their last day and not before, logged once however often (and however concurrently) the
 * activity runs, kept by a legal hold until it is lifted, print copies removed from the drop folder.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { type BillingActivities, createBillingActivities } from '../../activities/billing.activity';
import { createPrintPartnerActivities, type PrintPartnerActivities } from '../../activities/print-partner.activity';
import { createRetentionActivities, type RetentionActivities } from '../../activities/retention.activity';
import { loadConfig } from '../../src/config/config';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import type { InvoiceDraft } from '../../src/domain/invoice';
import { createPrismaLettersStore } from '../../src/letters/letters.store';
import { bookTransfer } from '../../src/payments/payment-bookings';
import { LocalPrintPartner } from '../../src/print-partner/local-print-partner';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
let prisma: PrismaClient;
let billing: BillingActivities;
let letters: PrintPartnerActivities;
let partner: LocalPrintPartner;
let retention: RetentionActivities;
let dropDir: string;
const issuer = loadConfig({}).issuer;
const PDF = Buffer.from('%PDF-1.7\n% a letter\n%%EOF\n').toString('base64');

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url, { maxConnections: 10 });
  dropDir = path.resolve(`var/test/retention-${database.name}`);
  billing = createBillingActivities({ prisma, issuer, newId: randomUUID });
  // The local print partner writes real drop folders; its status reports never start (closed at the end).
  partner = new LocalPrintPartner({ dropDir, webhookUrl: 'http://127.0.0.1:9/never', webhookSecret: 'unused', clock: { now: async () => new Date() }, printDelayMs: 3_600_000, logger: { log: () => undefined, warn: () => undefined, error: () => undefined } });
  letters = createPrintPartnerActivities({ store: createPrismaLettersStore(prisma), partner, newId: randomUUID, now: () => new Date() });
  retention = createRetentionActivities({ prisma, issuerCountry: 'DE', printDropDir: dropDir, now: () => new Date() });
});
afterAll(async () => {
  await partner?.close();
  await prisma?.$disconnect();
  await database?.drop();
  if (dropDir) await rm(dropDir, { recursive: true, force: true });
});

async function seedContract(): Promise<string> {
  const customerId = randomUUID();
  const contractId = randomUUID();
  await prisma.customer.create({
    data: { id: customerId, type: 'business', name: 'Praxis Dr. Muster', email: 'praxis@example.org', addressLine1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
  });
  await prisma.contract.create({
    data: { id: contractId, customerId, plan: 'plus', seats: 3, status: 'ended', timeZone: 'Europe/Berlin', startedOn: '2027-01-15', endedOn: '2027-12-31', billingMode: 'postpaid', workflowId: `contract-${contractId}`, revision: 1 },
  });
  return contractId;
}

/** Issues a one-line invoice (5700 net + 19 % = 6783 gross) through the billing activity, with its stored PDF and billed usage. */
async function issue(contractId: string, issuedOn: string) {
  const period = { from: issuedOn, to: `${issuedOn.slice(0, 8)}28` };
  const draft: InvoiceDraft = {
    billingDay: issuedOn,
    issuedOn,
    dueOn: `${issuedOn.slice(0, 8)}15`,
    servicePeriod: period,
    lines: [{ kind: 'base-fee', plan: 'plus', quantity: 3, unitPriceCents: 1900, proration: null, netCents: 5700, vatRatePercent: 19, servicePeriod: period }],
    vatGroups: [{ ratePercent: 19, category: 'S', netCents: 5700, vatCents: 1083 }],
    netCents: 5700,
    vatCents: 1083,
    grossCents: 6783,
    reverseCharge: false,
    currency: 'EUR',
  };
  await prisma.usageEvent.create({ data: { id: randomUUID(), contractId, kind: 'sms', quantity: 7, occurredAt: new Date(`${issuedOn}T08:00:00Z`), occurredOn: issuedOn, idempotencyKey: `u-${issuedOn}` } });
  const invoice = await billing.issueInvoice({ idempotencyKey: `contract-${contractId}/bill/${issuedOn}`, contractId, draft, usageAsOf: new Date().toISOString(), usageThrough: issuedOn });
  await prisma.invoiceDocument.create({ data: { invoiceId: invoice.invoiceId, kind: 'pdf', contentType: 'application/pdf', content: Buffer.from(PDF, 'base64'), sha256: 'x' } });
  return invoice;
}

/** A bank transfer naming the invoice, booked on `bookedOn`. */
async function pay(number: string, bookedOn: string, amountCents = 6783) {
  const result = await bookTransfer(prisma, { reference: `RE ${number}`, amountCents, bookedOn, payerName: 'Dr. Muster', source: 'bank-transfer', sourceKey: `transfer/${number}/${bookedOn}` }, 'DE');
  if (!result.matched) throw new Error(`transfer for ${number} not matched`);
  return result.payment;
}

/** The invoice mail and the invoice by post (print copy in the drop folder), both created now (dated `createdAt`). */
async function deliver(contractId: string, invoiceId: string, createdAt: string) {
  await prisma.communication.create({
    data: { id: randomUUID(), idempotencyKey: `mail/${invoiceId}`, contractId, kind: 'invoice', channel: 'email', template: 'invoice-issued', locale: 'de', recipient: 'praxis@example.org', subject: 'Ihre Rechnung', status: 'sent', invoiceId, createdAt: new Date(createdAt) },
  });
  const sent = await letters.sendLetter({ idempotencyKey: `letter/${invoiceId}`, contractId, kind: 'invoice', template: 'invoice', invoiceId, pdfBase64: PDF });
  await prisma.letter.update({ where: { id: sent.letterId }, data: { createdAt: new Date(createdAt) } });
  await prisma.communication.update({ where: { id: sent.communicationId }, data: { createdAt: new Date(createdAt) } });
  return { ...sent, copy: path.join(dropDir, sent.partnerLetterId as string, 'letter.pdf') };
}

async function rowsOf(contractId: string) {
  const where = { contractId };
  const [invoices, live, documents, usage, payments, entries, allocations, letterRows, communications, steps, log] = await Promise.all([
    prisma.invoice.count({ where }),
    prisma.invoice.count({ where: { contractId, status: { not: 'destroyed' } } }),
    prisma.invoiceDocument.count({ where: { invoice: { contractId } } }),
    prisma.usageEvent.count({ where }),
    prisma.payment.count({ where }),
    prisma.ledgerEntry.count({ where }),
    prisma.ledgerAllocation.count({ where }),
    prisma.letter.count({ where }),
    prisma.communication.count({ where }),
    prisma.dunningStep.count({ where }),
    prisma.retentionDestruction.count({ where }),
  ]);
  return { invoices, live, documents, usage, payments, entries, allocations, letters: letterRows, communications, steps, log };
}

test('a DE contract of 2027: letters and mail go on 01.01.2034, invoices and payments on 01.01.2036, the ledger on 01.01.2038 — never a day earlier', async () => {
  const contractId = await seedContract();
  const feb = await issue(contractId, '2027-02-01');
  const mar = await issue(contractId, '2027-03-01');
  await pay(feb.number, '2027-02-10');
  const post = await deliver(contractId, mar.invoiceId, '2027-03-01T09:00:00Z');
  await prisma.dunningStep.create({
    data: { id: randomUUID(), idempotencyKey: `dun/${mar.invoiceId}`, contractId, invoiceId: mar.invoiceId, step: 'reminder', level: 1, round: 1, runOn: '2027-03-22', feeCents: 0, interestCents: 0, flatFeeCents: 0 },
  });
  expect(existsSync(post.copy)).toBe(true);
  // 2 invoices, 1 payment, 3 ledger entries (2 invoices, 1 payment), 1 letter, 1 mail, 1 dunning step.
  expect(await retention.retentionStatus({ contractId })).toEqual({ nextRetainUntil: '2033-12-31', remaining: 9, held: 0 });

  const destroyOn = (today: string) => retention.destroyDueRecords({ contractId, today, idempotencyKey: `contract-${contractId}/retention/${today}` });

  expect(await destroyOn('2033-12-31')).toEqual({ destroyed: [], nextRetainUntil: '2033-12-31', remaining: 9, held: 0 });
  expect(existsSync(post.copy)).toBe(true);

  expect(await destroyOn('2034-01-01')).toEqual({
    destroyed: [
      { recordType: 'billing-mail', count: 1 },
      { recordType: 'dunning-step', count: 1 },
      { recordType: 'letter', count: 1 },
    ],
    nextRetainUntil: '2035-12-31',
    remaining: 6,
    held: 0,
  });
  expect(existsSync(post.copy)).toBe(false);
  expect(existsSync(path.dirname(post.copy))).toBe(false);
  expect(await rowsOf(contractId)).toMatchObject({ letters: 0, communications: 0, steps: 0, live: 2, documents: 2, payments: 1, log: 3 });

  expect((await destroyOn('2035-12-31')).destroyed).toEqual([]);
  expect(await rowsOf(contractId)).toMatchObject({ live: 2, documents: 2, usage: 2, payments: 1 });

  expect(await destroyOn('2036-01-01')).toEqual({
    destroyed: [
      { recordType: 'invoice', count: 2 },
      { recordType: 'payment', count: 1 },
    ],
    nextRetainUntil: '2037-12-31',
    remaining: 3,
    held: 0,
  });
  expect(await rowsOf(contractId)).toMatchObject({ invoices: 2, live: 0, documents: 0, usage: 0, payments: 0, entries: 3, allocations: 1 });
  // The tombstone: number, dates and amounts stay; nothing about the customer or the lines.
  const tombstone = await prisma.invoice.findUniqueOrThrow({ where: { id: feb.invoiceId } });
  expect(tombstone).toMatchObject({ status: 'destroyed', number: feb.number, issuedOn: '2027-02-01', grossCents: 6783, destroyedAt: expect.any(Date), document: { destroyed: true, servicePeriod: null, lines: [], vatGroups: [] } });
  expect(JSON.stringify(tombstone)).not.toMatch(/Muster|Hauptstraße|praxis@|10115/);

  expect((await destroyOn('2037-12-31')).destroyed).toEqual([]);
  expect(await destroyOn('2038-01-01')).toEqual({ destroyed: [{ recordType: 'ledger-entry', count: 3 }], nextRetainUntil: null, remaining: 0, held: 0 });
  expect(await rowsOf(contractId)).toMatchObject({ entries: 0, allocations: 0, log: 9 });
  expect(await retention.retentionStatus({ contractId })).toEqual({ nextRetainUntil: null, remaining: 0, held: 0 });

  // The log: one entry per record, type, id, year, rule and time — no personal content.
  const log = await prisma.retentionDestruction.findMany({ where: { contractId }, orderBy: [{ destroyedAt: 'asc' }, { recordType: 'asc' }] });
  expect(log.map((l) => [l.recordType, l.year, l.retainUntil, l.rule])).toEqual([
    ['billing-mail', 2027, '2033-12-31', 'DE § 147 AO: billing-mail 6 years'],
    ['dunning-step', 2027, '2033-12-31', 'DE § 147 AO: dunning-letter 6 years'],
    ['letter', 2027, '2033-12-31', 'DE § 147 AO: letter 6 years'],
    ['invoice', 2027, '2035-12-31', 'DE § 147 AO: invoice 8 years'],
    ['invoice', 2027, '2035-12-31', 'DE § 147 AO: invoice 8 years'],
    ['payment', 2027, '2035-12-31', 'DE § 147 AO: payment 8 years'],
    ['ledger-entry', 2027, '2037-12-31', 'DE § 147 AO, § 257 HGB: ledger-entry 10 years'],
    ['ledger-entry', 2027, '2037-12-31', 'DE § 147 AO, § 257 HGB: ledger-entry 10 years'],
    ['ledger-entry', 2027, '2037-12-31', 'DE § 147 AO, § 257 HGB: ledger-entry 10 years'],
  ]);
  expect(log.find((l) => l.recordType === 'letter')?.recordId).toBe(post.letterId);
  expect(JSON.stringify(log)).not.toMatch(/Muster|Hauptstraße|praxis@|10115|Rechnung/);
});

test('AT (§ 132 BAO, 7 years): an invoice of 2027 exists on 31.12.2034 and is gone on 01.01.2035', async () => {
  const contractId = await seedContract();
  const invoice = await issue(contractId, '2027-06-01');
  const at = createRetentionActivities({ prisma, issuerCountry: 'AT', printDropDir: dropDir, now: () => new Date() });
  expect(await at.retentionStatus({ contractId })).toEqual({ nextRetainUntil: '2034-12-31', remaining: 2, held: 0 });
  expect((await at.destroyDueRecords({ contractId, today: '2034-12-31', idempotencyKey: 'k1' })).destroyed).toEqual([]);
  expect(await at.destroyDueRecords({ contractId, today: '2035-01-01', idempotencyKey: 'k2' })).toEqual({
    destroyed: [
      { recordType: 'invoice', count: 1 },
      { recordType: 'ledger-entry', count: 1 },
    ],
    nextRetainUntil: null,
    remaining: 0,
    held: 0,
  });
  expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.invoiceId } })).status).toBe('destroyed');
});

test('called twice, and three times at once in small batches: every record destroyed and logged exactly once', async () => {
  const contractId = await seedContract();
  for (let month = 1; month <= 12; month++) {
    const invoice = await issue(contractId, `2027-${String(month).padStart(2, '0')}-01`);
    await pay(invoice.number, `2027-${String(month).padStart(2, '0')}-10`);
    await deliver(contractId, invoice.invoiceId, `2027-${String(month).padStart(2, '0')}-01T09:00:00Z`);
  }
  // 12 invoices, 12 payments, 24 ledger entries, 12 letters, 12 mails.
  expect((await retention.retentionStatus({ contractId })).remaining).toBe(72);
  const small = createRetentionActivities({ prisma, issuerCountry: 'DE', printDropDir: dropDir, now: () => new Date(), batchSize: 7 });
  const input = { contractId, today: '2040-01-01', idempotencyKey: `contract-${contractId}/retention/2040-01-01` };
  const results = await Promise.all([small.destroyDueRecords(input), small.destroyDueRecords(input), retention.destroyDueRecords(input)]);
  const total = (type: string) => results.flatMap((r) => r.destroyed).filter((d) => d.recordType === type).reduce((sum, d) => sum + d.count, 0);
  expect(['invoice', 'payment', 'ledger-entry', 'letter', 'billing-mail'].map(total)).toEqual([12, 12, 24, 12, 12]);
  for (const result of results) expect(result).toMatchObject({ nextRetainUntil: null, remaining: 0, held: 0 });
  // A retry after the answer was lost: nothing more.
  expect(await retention.destroyDueRecords(input)).toEqual({ destroyed: [], nextRetainUntil: null, remaining: 0, held: 0 });
  const log = await prisma.retentionDestruction.findMany({ where: { contractId } });
  expect(log).toHaveLength(72);
  expect(new Set(log.map((l) => `${l.recordType}/${l.recordId}`)).size).toBe(72);
  expect(await rowsOf(contractId)).toMatchObject({ invoices: 12, live: 0, payments: 0, entries: 0, allocations: 0, letters: 0, communications: 0, documents: 0 });
});

test('a legal hold keeps the invoice and every record about it past retention until it is lifted', async () => {
  const contractId = await seedContract();
  const held = await issue(contractId, '2027-02-01');
  const other = await issue(contractId, '2027-03-01');
  await pay(held.number, '2027-02-10');
  await pay(other.number, '2027-03-10');
  const heldPost = await deliver(contractId, held.invoiceId, '2027-02-01T09:00:00Z');
  await deliver(contractId, other.invoiceId, '2027-03-01T09:00:00Z');

  const placed = await retention.setLegalHold({ invoiceId: held.invoiceId, hold: true, reason: 'Betriebsprüfung 2031, Az. 123/45', at: '2031-05-04T10:00:00.000Z' });
  expect(placed).toEqual({ invoiceId: held.invoiceId, contractId, hold: true, reason: 'Betriebsprüfung 2031, Az. 123/45', since: '2031-05-04T10:00:00.000Z' });
  // Re-worded (or a retried activity): the hold keeps its first day.
  expect((await retention.setLegalHold({ invoiceId: held.invoiceId, hold: true, reason: 'Betriebsprüfung 2031–2033', at: '2032-01-01T00:00:00.000Z' })).since).toBe('2031-05-04T10:00:00.000Z');
  // held: invoice, payment, 2 ledger entries, letter, mail.
  expect(await retention.retentionStatus({ contractId })).toEqual({ nextRetainUntil: '2033-12-31', remaining: 6, held: 6 });

  expect(await retention.destroyDueRecords({ contractId, today: '2045-01-01', idempotencyKey: 'k-2045' })).toMatchObject({ nextRetainUntil: null, remaining: 0, held: 6 });
  expect((await prisma.invoice.findUniqueOrThrow({ where: { id: other.invoiceId } })).status).toBe('destroyed');
  const kept = await prisma.invoice.findUniqueOrThrow({ where: { id: held.invoiceId } });
  expect(kept).toMatchObject({ status: 'paid', legalHoldReason: 'Betriebsprüfung 2031–2033', destroyedAt: null });
  expect((kept.document as { customer: { name: string } }).customer.name).toBe('Praxis Dr. Muster');
  expect(await rowsOf(contractId)).toMatchObject({ live: 1, documents: 1, payments: 1, entries: 2, allocations: 1, letters: 1, communications: 2 });
  expect(existsSync(heldPost.copy)).toBe(true);

  // A hold on a destroyed invoice is refused; lifting the hold makes everything due at once.
  await expect(retention.setLegalHold({ invoiceId: other.invoiceId, hold: true, reason: 'zu spät', at: '2045-01-02T00:00:00Z' })).rejects.toMatchObject({ type: 'RECORD_DESTROYED', nonRetryable: true });
  await expect(retention.setLegalHold({ invoiceId: held.invoiceId, hold: true, reason: '  ', at: '2045-01-02T00:00:00Z' })).rejects.toMatchObject({ type: 'INVALID_LEGAL_HOLD', nonRetryable: true });
  expect(await retention.setLegalHold({ invoiceId: held.invoiceId, hold: false, reason: null, at: '2045-02-01T00:00:00Z' })).toMatchObject({ hold: false, reason: null, since: null });
  expect(await retention.retentionStatus({ contractId })).toEqual({ nextRetainUntil: '2033-12-31', remaining: 6, held: 0 });
  expect(await retention.destroyDueRecords({ contractId, today: '2045-02-01', idempotencyKey: 'k-2045-02' })).toMatchObject({ nextRetainUntil: null, remaining: 0, held: 0 });
  expect(await rowsOf(contractId)).toMatchObject({ live: 0, documents: 0, payments: 0, entries: 0, allocations: 0, letters: 0, communications: 0, log: 12 });
  expect(existsSync(heldPost.copy)).toBe(false);
});

test('a hold placed after the plan was read, before its batch ran, still keeps the invoice (both take the contract lock)', async () => {
  const contractId = await seedContract();
  const invoice = await issue(contractId, '2027-02-01');
  // Another session holds the contract lock (as setLegalHold does) while the destruction reads its plan.
  const session = new Client({ connectionString: database.url });
  await session.connect();
  try {
    await session.query('BEGIN');
    await session.query('SELECT id FROM contracts WHERE id = $1 FOR UPDATE', [contractId]);
    const destruction = retention.destroyDueRecords({ contractId, today: '2050-01-01', idempotencyKey: 'k-race' });
    await waitForLockWaiter(session);
    await session.query("UPDATE invoices SET legal_hold_reason = 'Klage anhängig', legal_hold_since = now() WHERE id = $1", [invoice.invoiceId]);
    await session.query('COMMIT');
    // The plan saw no hold (the invoice was due); the batch re-read holds under the lock: the ledger entry about the invoice is kept too.
    expect(await destruction).toEqual({ destroyed: [], nextRetainUntil: null, remaining: 0, held: 2 });
  } finally {
    await session.end();
  }
  expect(await rowsOf(contractId)).toMatchObject({ live: 1, entries: 1, log: 0 });
});

/** Waits (bounded) until another session of this database waits for a lock. */
async function waitForLockWaiter(client: Client) {
  for (let attempt = 0; attempt < 400; attempt++) {
    // Inside a transaction the statistics views are a snapshot: clear it each time.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no session waited for the contract lock');
}

test('an unknown contract or invoice fails for good', async () => {
  await expect(retention.retentionStatus({ contractId: randomUUID() })).rejects.toMatchObject({ type: 'CONTRACT_ROW_MISSING', nonRetryable: true });
  await expect(retention.setLegalHold({ invoiceId: randomUUID(), hold: true, reason: 'x', at: '2030-01-01T00:00:00Z' })).rejects.toMatchObject({ type: 'INVOICE_MISSING', nonRetryable: true });
});

test('throughput: one contract with about 2,400 records destroyed in one call', async () => {
  const contractId = await seedContract();
  const customerId = (await prisma.contract.findUniqueOrThrow({ where: { id: contractId } })).customerId;
  const count = 400;
  const invoices = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), number: `2028-${String(i + 1).padStart(6, '0')}`, sequence: i + 1 }));
  await prisma.invoice.createMany({
    data: invoices.map((i) => ({
      id: i.id, number: i.number, issuerKey: 'DE:bench', year: 2028, sequence: i.sequence, idempotencyKey: `bench/${i.id}`, contractId, customerId, issuedOn: '2028-03-01', dueOn: '2028-03-15',
      status: 'paid', delivery: 'email', paymentMethod: 'transfer', netCents: 5700, vatCents: 1083, grossCents: 6783, openCents: 0, reverseCharge: false, templateVersion: 'invoice-v1', document: { customer: { name: 'Praxis Dr. Muster' } },
    })),
  });
  await prisma.invoiceDocument.createMany({ data: invoices.map((i) => ({ invoiceId: i.id, kind: 'pdf', contentType: 'application/pdf', content: Buffer.alloc(20_000, 1), sha256: 'x' })) });
  const claims = invoices.map((i) => ({ id: randomUUID(), invoiceId: i.id }));
  const credits = invoices.map((i) => ({ id: randomUUID(), invoiceId: i.id, paymentId: randomUUID() }));
  const entry = (id: string, type: string, amountCents: number, invoiceId: string, paymentId: string | null) =>
    ({ id, contractId, customerId, type, bookedOn: '2028-03-10', amountCents, invoiceId, paymentId, description: 'bench', idempotencyKey: `bench/${id}`, retainUntil: '2038-12-31' });
  await prisma.ledgerEntry.createMany({ data: [...claims.map((c) => entry(c.id, 'invoice', 6783, c.invoiceId, null)), ...credits.map((c) => entry(c.id, 'payment', -6783, c.invoiceId, c.paymentId))] });
  await prisma.ledgerAllocation.createMany({ data: invoices.map((i, n) => ({ id: randomUUID(), contractId, creditEntryId: credits[n].id, claimEntryId: claims[n].id, invoiceId: i.id, component: 'principal', amountCents: 6783 })) });
  await prisma.payment.createMany({ data: credits.map((c) => ({ id: c.paymentId, contractId, method: 'transfer', source: 'bank-transfer', amountCents: 6783, bookedOn: '2028-03-10', payerName: 'Dr. Muster', invoiceId: c.invoiceId, status: 'booked', idempotencyKey: `bench/${c.paymentId}`, retainUntil: '2036-12-31' })) });
  await prisma.communication.createMany({
    data: invoices.flatMap((i) => ['invoice', 'payment_reminder'].map((kind) => ({ id: randomUUID(), idempotencyKey: `bench/${kind}/${i.id}`, contractId, kind, channel: 'email', template: kind, locale: 'de', recipient: 'praxis@example.org', subject: 'x', status: 'sent', invoiceId: i.id, createdAt: new Date('2028-03-01T09:00:00Z') }))),
  });
  const records = count * 6; // invoice, 2 ledger entries, payment, 2 mails

  expect((await retention.retentionStatus({ contractId })).remaining).toBe(records);
  const started = performance.now();
  const result = await retention.destroyDueRecords({ contractId, today: '2039-01-01', idempotencyKey: 'bench' });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`[retention] ${records} records of one contract destroyed in ${seconds.toFixed(2)} s (${Math.round(records / seconds)} records/s, batches of 500)\n`);
  expect(result.destroyed.reduce((sum, d) => sum + d.count, 0)).toBe(records);
  expect(result).toMatchObject({ remaining: 0, held: 0, nextRetainUntil: null });
  expect(await prisma.retentionDestruction.count({ where: { contractId } })).toBe(records);
});
