/**
 * Every source of money on the debtor account is booked exactly once, against a real
 * PostgreSQL: bank transfers, camt.053 statements, PSP events, SEPA collections and returns, card
 * charges. Each source is replayed twice (a retry after the answer was lost) and ten times at
 * once (retries racing each other, two API replicas); row counts and amounts are asserted to the
 * cent, and the account's invariants (test/payments/ledger-invariants.ts) after every scenario.
 */
import { randomUUID } from 'node:crypto';
import { createBillingActivities } from '../../activities/billing.activity';
import { createPaymentActivities } from '../../activities/payments.activity';
import { systemClock } from '../../src/app/clock';
import { parseCamt053 } from '../../src/bank-statements/camt053';
import { loadConfig } from '../../src/config/config';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import { bookSepaReturn, bookTransfer, type TransferInput } from '../../src/payments/payment-bookings';
import { PaymentsService } from '../../src/payments/payments.service';
import { createPspRef } from '../../src/payments/psp-ref';
import { applyPspEvent } from '../../src/payments/psp-event-bookings';
import type { PspEvent } from '../../src/psp/psp';
import { camt053Xml, SEPA_DIRECT_DEBIT_RETURNED, type Camt053FixtureEntry } from '../helpers/camt053-fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { CountingPsp } from './fake-psp';
import { assertLedgerInvariants } from './ledger-invariants';
import { RecordingSignals } from './recording-signals';
import { GROSS_CENTS, issueInvoice, rowCounts, seedContract, seedContracts, tenAtOnce, type SeededContract } from './seed';
import { describeMeasurement, ENTRY_CENTS, measureStatementImport, STATEMENT_IBAN } from './statement-import-measurement';

const config = loadConfig({});
const ISSUER_COUNTRY = config.issuer.country;
const FEE_CENTS = config.payments.sepaReturnFeeCents;

let database: TestDatabase;
let prisma: PrismaClient;
let billing: ReturnType<typeof createBillingActivities>;

beforeAll(async () => {
  database = await createTestDatabase();
  // Ten concurrent bookings hold a connection each while they wait for the contract lock.
  prisma = createPrismaClient(database.url, { maxConnections: 25 });
  billing = createBillingActivities({ prisma, issuer: config.issuer, newId: randomUUID });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

function paymentActivities(psp = new CountingPsp()) {
  return { psp, payments: createPaymentActivities({ prisma, psp, issuerCountry: ISSUER_COUNTRY, newId: randomUUID }) };
}

function transfer(reference: string, amountCents: number, bookedOn = '2027-02-05'): TransferInput {
  return { reference, amountCents, bookedOn, payerName: 'Praxis Dr. Muster', source: 'bank-transfer', sourceKey: `transfer/${randomUUID()}` };
}

function paymentsService(signals = new RecordingSignals()) {
  return { signals, service: new PaymentsService(prisma, systemClock, config, createPspRef(), signals) };
}

async function invoiceRow(invoiceId: string) {
  return prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { openCents: true, claimCents: true, status: true } });
}

describe('bank transfers (bookTransfer)', () => {
  test('the same sourceKey replayed twice, and a new one ten times at once: one payment and one entry each, the open amount reduced once each', async () => {
    const contract = await seedContract(prisma);
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    const once = transfer(`Rechnung ${invoice.number}`, 2000);

    const first = await bookTransfer(prisma, once, ISSUER_COUNTRY);
    const replay = await bookTransfer(prisma, once, ISSUER_COUNTRY);
    if (!first.matched || !replay.matched) throw new Error('the transfer names its invoice');
    expect(first.payment.booked).toBe(true);
    expect(replay.payment).toMatchObject({ booked: false, paymentId: first.payment.paymentId, invoiceId: invoice.invoiceId });
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: GROSS_CENTS - 2000, claimCents: GROSS_CENTS - 2000, status: 'open' });

    const raced = transfer(`Rechnung ${invoice.number}`, 1500);
    const results = await tenAtOnce(() => bookTransfer(prisma, raced, ISSUER_COUNTRY));
    const payments = results.map((r) => (r.matched ? r.payment : null));
    expect(payments.filter((p) => p?.booked)).toHaveLength(1);
    expect(new Set(payments.map((p) => p?.paymentId)).size).toBe(1);

    expect(await rowCounts(prisma, contract.contractId)).toEqual({ payments: 2, entries: { invoice: 1, payment: 2 }, cardCharges: 0, sepaDebits: 0 });
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: GROSS_CENTS - 3500, claimCents: GROSS_CENTS - 3500, status: 'open' });
    expect(await assertLedgerInvariants(prisma, contract.contractId)).toMatchObject({ balanceCents: GROSS_CENTS - 3500, unappliedCreditCents: 0 });
  });

  test('two transfers with different keys for one reference: a partial payment and the rest pay the invoice, balance 0', async () => {
    const contract = await seedContract(prisma);
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    const partial = transfer(`RE ${invoice.number} Teil 1`, 4000);
    const rest = transfer(`RE ${invoice.number} Rest`, GROSS_CENTS - 4000, '2027-02-12');

    await tenAtOnce(() => bookTransfer(prisma, partial, ISSUER_COUNTRY));
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: GROSS_CENTS - 4000, claimCents: GROSS_CENTS - 4000, status: 'open' });
    const [last] = await Promise.all([bookTransfer(prisma, rest, ISSUER_COUNTRY), bookTransfer(prisma, rest, ISSUER_COUNTRY)]);

    if (!last.matched) throw new Error('the transfer names its invoice');
    expect(last.payment.snapshot).toMatchObject({ balanceCents: 0, creditCents: 0, openInvoices: [] });
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: 0, claimCents: 0, status: 'paid' });
    const amounts = await prisma.payment.findMany({ where: { contractId: contract.contractId }, orderBy: { bookedOn: 'asc' }, select: { amountCents: true, idempotencyKey: true } });
    expect(amounts).toEqual([
      { amountCents: 4000, idempotencyKey: partial.sourceKey },
      { amountCents: GROSS_CENTS - 4000, idempotencyKey: rest.sourceKey },
    ]);
    expect(await rowCounts(prisma, contract.contractId)).toMatchObject({ payments: 2, entries: { invoice: 1, payment: 2 } });
    expect(await assertLedgerInvariants(prisma, contract.contractId)).toEqual({ balanceCents: 0, openClaimCents: 0, unappliedCreditCents: 0, entries: 3 });
  });

  test('an overpayment stays credit once and pays the next invoice issued; its replay after that books nothing', async () => {
    const contract = await seedContract(prisma);
    const february = await issueInvoice(billing, contract, '2027-02-01');
    const over = transfer(`Rechnung ${february.number}`, 10_000);
    const results = await tenAtOnce(() => bookTransfer(prisma, over, ISSUER_COUNTRY));
    const booked = results.find((r) => r.matched && r.payment.booked);
    if (!booked?.matched) throw new Error('one of the ten books the transfer');
    expect(booked.payment.applied).toEqual([{ invoiceId: february.invoiceId, invoiceNumber: february.number, component: 'principal', amount: { amount: GROSS_CENTS, currency: 'EUR' } }]);
    expect(booked.payment.credit).toEqual({ amount: 10_000 - GROSS_CENTS, currency: 'EUR' });
    expect(await assertLedgerInvariants(prisma, contract.contractId)).toMatchObject({ balanceCents: GROSS_CENTS - 10_000, unappliedCreditCents: 10_000 - GROSS_CENTS });

    // Day 1 of March: the invoice run books the next invoice; the credit pays part of it at once.
    const march = await issueInvoice(billing, contract, '2027-03-01');
    const left = GROSS_CENTS - (10_000 - GROSS_CENTS);
    expect(march.openCents).toBe(left);
    expect(march.receivables).toMatchObject({ balanceCents: left, creditCents: 0 });
    expect(await invoiceRow(march.invoiceId)).toEqual({ openCents: left, claimCents: left, status: 'open' });

    const replay = await bookTransfer(prisma, over, ISSUER_COUNTRY);
    if (!replay.matched) throw new Error('the transfer names its invoice');
    expect(replay.payment.booked).toBe(false);
    expect(replay.payment.applied.map((a) => [a.invoiceNumber, a.amount.amount])).toEqual([
      [february.number, GROSS_CENTS],
      [march.number, 10_000 - GROSS_CENTS],
    ]);
    expect(replay.payment.credit.amount).toBe(0);
    expect(await rowCounts(prisma, contract.contractId)).toMatchObject({ payments: 1, entries: { invoice: 2, payment: 1 } });
    expect(await assertLedgerInvariants(prisma, contract.contractId)).toMatchObject({ balanceCents: left, unappliedCreditCents: 0 });
  });

  test('a transfer naming no invoice is kept once for operators, however often it arrives', async () => {
    const lost = transfer('Miete Januar', 4200);
    const results = await tenAtOnce(() => bookTransfer(prisma, lost, ISSUER_COUNTRY));
    expect(results.every((r) => !r.matched)).toBe(true);
    expect(new Set(results.map((r) => (r.matched ? null : r.unmatchedId))).size).toBe(1);
    expect(await prisma.unmatchedTransfer.count({ where: { sourceKey: lost.sourceKey } })).toBe(1);
    expect(await prisma.payment.count({ where: { idempotencyKey: lost.sourceKey } })).toBe(0);
  });
});

describe('camt.053 statements (PaymentsService.importStatement)', () => {
  /** Three contracts with a February invoice each, and a statement paying them. */
  async function statementFor(label: string) {
    const contracts = await seedContracts(prisma, 3);
    const invoices = [];
    for (const contract of contracts) invoices.push(await issueInvoice(billing, contract, '2027-02-01'));
    const [a, b, c] = invoices;
    const credit = (ref: string, amountCents: number, remittance: string[]): Camt053FixtureEntry => ({
      amount: (amountCents / 100).toFixed(2),
      direction: 'credit',
      bookedOn: '2027-02-10',
      accountServicerReference: `${label}-${ref}`,
      transactions: [{ remittance, debtor: { name: 'Praxis Dr. Muster', iban: 'DE89370400440532013000' } }],
    });
    const entries: Camt053FixtureEntry[] = [
      credit('1', 3000, [`Rechnung ${a.number}`]),
      credit('2', GROSS_CENTS - 3000, [`RG ${a.number} Rest`]),
      credit('3', 10_000, [`${b.number}`]),
      // A batch booking: two payments in one entry, keys …/0 and …/1.
      {
        amount: ((1000 + 2000) / 100).toFixed(2),
        direction: 'credit',
        bookedOn: '2027-02-10',
        accountServicerReference: `${label}-4`,
        transactions: [
          { amount: '10.00', remittance: [`Rechnung ${c.number}`] },
          { amount: '20.00', remittance: [`Rechnung ${c.number}`] },
        ],
      },
      credit('5', 4200, ['Spende ohne Rechnungsnummer']),
      { ...credit('6', 999, [`Rechnung ${c.number}`]), status: 'PDNG' },
    ];
    const xml = Buffer.from(camt053Xml({ version: '001.08', statementId: `STMT-${label}`, iban: STATEMENT_IBAN, entries }));
    // a: paid in two parts; b: overpaid (credit 100.00 − 67.83); c: 10.00 + 20.00 of the batch.
    const expectedOpen = new Map([
      [a.invoiceId, 0],
      [b.invoiceId, 0],
      [c.invoiceId, GROSS_CENTS - 3000],
    ]);
    return { contracts, invoices, xml, expectedOpen };
  }

  async function expectBookedOnce(contracts: SeededContract[], invoices: { invoiceId: string }[], expectedOpen: Map<string, number>) {
    for (const invoice of invoices) {
      const open = expectedOpen.get(invoice.invoiceId) as number;
      expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: open, claimCents: open, status: open > 0 ? 'open' : 'paid' });
    }
    const [a, b, c] = contracts;
    expect(await rowCounts(prisma, a.contractId)).toMatchObject({ payments: 2, entries: { invoice: 1, payment: 2 } });
    expect(await rowCounts(prisma, b.contractId)).toMatchObject({ payments: 1, entries: { invoice: 1, payment: 1 } });
    expect(await rowCounts(prisma, c.contractId)).toMatchObject({ payments: 2, entries: { invoice: 1, payment: 2 } });
    expect((await assertLedgerInvariants(prisma, a.contractId)).balanceCents).toBe(0);
    expect(await assertLedgerInvariants(prisma, b.contractId)).toMatchObject({ balanceCents: GROSS_CENTS - 10_000, unappliedCreditCents: 10_000 - GROSS_CENTS });
    expect((await assertLedgerInvariants(prisma, c.contractId)).balanceCents).toBe(GROSS_CENTS - 3000);
  }

  test('the same statement imported twice: every credit matched once under camt/<iban>/<entry>/<index>, the replay books nothing and signals no newer snapshot', async () => {
    const { contracts, invoices, xml, expectedOpen } = await statementFor('TWICE');
    const { service, signals } = paymentsService();

    const first = await service.importStatement(xml, 'application/xml');
    expect(first).toMatchObject({ imported: 6, matched: 5, duplicates: 0, returns: 0, ignored: 1 });
    expect(first.unmatched).toEqual([{ entryReference: 'TWICE-5', reference: 'Spende ohne Rechnungsnummer', amount: { amount: 4200, currency: 'EUR' }, reason: 'The reference names no invoice number.' }]);
    const firstSignals = new Map(signals.changedCalls.map((s) => [s.workflowId, s.snapshot.version]));
    expect([...firstSignals.keys()].sort()).toEqual(contracts.map((c) => c.workflowId).sort());

    const second = await service.importStatement(xml, 'application/xml');
    expect(second).toMatchObject({ imported: 6, matched: 0, duplicates: 5, returns: 0, ignored: 1 });
    expect(second.unmatched).toHaveLength(1);
    // The replay booked nothing, so it signals nothing.
    expect(signals.changedCalls.slice(firstSignals.size)).toEqual([]);

    const parsed = parseCamt053(xml);
    const expectedKeys = parsed.statements[0].entries
      .filter((e) => e.status === 'BOOK' && !e.transactions[0].remittance.startsWith('Spende'))
      .flatMap((e) => e.transactions.map((_, index) => `camt/${STATEMENT_IBAN}/${e.entryReference}/${index}`));
    expect(expectedKeys).toEqual(['TWICE-1/0', 'TWICE-2/0', 'TWICE-3/0', 'TWICE-4/0', 'TWICE-4/1'].map((key) => `camt/${STATEMENT_IBAN}/${key}`));
    const keys = await prisma.payment.findMany({ where: { contractId: { in: contracts.map((c) => c.contractId) } }, select: { idempotencyKey: true, amountCents: true, source: true } });
    expect(keys.map((k) => k.idempotencyKey).sort()).toEqual([...expectedKeys].sort());
    expect(keys.every((k) => k.source === 'bank-statement')).toBe(true);
    expect(await prisma.unmatchedTransfer.count({ where: { sourceKey: `camt/${STATEMENT_IBAN}/TWICE-5/0` } })).toBe(1);
    await expectBookedOnce(contracts, invoices, expectedOpen);
  });

  test('the same statement imported ten times at once: every credit matched exactly once across the ten imports', async () => {
    const { contracts, invoices, xml, expectedOpen } = await statementFor('RACE');
    const { service } = paymentsService();
    const summaries = await tenAtOnce(() => service.importStatement(xml, 'application/xml'));
    expect(summaries.reduce((sum, s) => sum + s.matched, 0)).toBe(5);
    expect(summaries.every((s) => s.matched + s.duplicates === 5 && s.unmatched.length === 1 && s.ignored === 1)).toBe(true);
    expect(await prisma.unmatchedTransfer.count({ where: { sourceKey: `camt/${STATEMENT_IBAN}/RACE-5/0` } })).toBe(1);
    await expectBookedOnce(contracts, invoices, expectedOpen);
  });
});

describe('PSP events (applyPspEvent)', () => {
  const bookedOnOf = () => '2027-02-02';
  const options = { issuerCountry: ISSUER_COUNTRY, bookedOnOf };

  /** A card contract whose February invoice was handed to the PSP. */
  async function chargedInvoice() {
    const contract = await seedContract(prisma, { type: 'card', pspToken: 'tok_ok' });
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    const { payments } = paymentActivities();
    const charge = await payments.chargeInvoice({ idempotencyKey: `${contract.workflowId}/charge/${invoice.number}`, contractId: contract.contractId, invoiceId: invoice.invoiceId });
    if (!charge.charged) throw new Error(`the card is charged, got ${charge.reason}`);
    const event = (type: PspEvent['type'], eventId = `evt_${randomUUID()}`): PspEvent => ({
      eventId,
      createdAt: '2027-02-01T10:00:00Z',
      type,
      paymentId: charge.pspPaymentId,
      reference: invoice.number,
      amount: { amount: GROSS_CENTS, currency: 'EUR' },
      ...(type === 'payment.failed' ? { failureReason: 'card_declined' } : {}),
    });
    return { contract, invoice, charge, event };
  }

  test('payment.succeeded ten times at once with one eventId, then again: one payment (psp/<paymentId>), the invoice paid', async () => {
    const { contract, invoice, charge, event } = await chargedInvoice();
    const succeeded = event('payment.succeeded');
    const outcomes = await tenAtOnce(() => applyPspEvent(prisma, succeeded, options));
    expect(outcomes.filter((o) => o.result === 'booked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.result === 'duplicate')).toHaveLength(9);
    expect((await applyPspEvent(prisma, succeeded, options)).result).toBe('duplicate');

    const payments = await prisma.payment.findMany({ where: { contractId: contract.contractId } });
    expect(payments.map((p) => [p.idempotencyKey, p.amountCents, p.method, p.status])).toEqual([[`psp/${charge.pspPaymentId}`, GROSS_CENTS, 'card', 'booked']]);
    expect(await prisma.webhookEvent.count({ where: { source: 'psp', eventId: succeeded.eventId } })).toBe(1);
    expect((await prisma.cardCharge.findUniqueOrThrow({ where: { id: charge.chargeId } })).status).toBe('succeeded');
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: 0, claimCents: 0, status: 'paid' });
    expect(await rowCounts(prisma, contract.contractId)).toEqual({ payments: 1, entries: { invoice: 1, payment: 1 }, cardCharges: 1, sepaDebits: 0 });
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(0);
  });

  /** The charge's payment.succeeded booked, then the PSP re-sends it under a new eventId. */
  async function resentSucceeded() {
    const charged = await chargedInvoice();
    await applyPspEvent(prisma, charged.event('payment.succeeded'), options);
    const answer = await applyPspEvent(prisma, charged.event('payment.succeeded'), options).then(
      (outcome) => outcome.result,
      (error: Error) => `rejected: ${error.message.split('\n').pop()}`,
    );
    return { ...charged, answer };
  }

  test('payment.succeeded re-sent by the PSP under a new eventId books no second payment', async () => {
    const { contract } = await resentSucceeded();
    expect(await rowCounts(prisma, contract.contractId)).toMatchObject({ payments: 1, entries: { invoice: 1, payment: 1 } });
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(0);
  });

  test('payment.succeeded re-sent under a new eventId is answered duplicate, not with a unique violation (the webhook would answer 500 and the PSP re-send it forever)', async () => {
    const { answer } = await resentSucceeded();
    expect(answer).toBe('duplicate');
  });

  test('a chargeback twice (ten at once, then under a new eventId): one chargeback entry, the invoice open again for its gross', async () => {
    const { contract, invoice, charge, event } = await chargedInvoice();
    await applyPspEvent(prisma, event('payment.succeeded'), options);
    const chargeback = event('chargeback');
    const outcomes = await tenAtOnce(() => applyPspEvent(prisma, chargeback, options));
    expect(outcomes.filter((o) => o.result === 'booked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.result === 'duplicate')).toHaveLength(9);
    const version = (outcomes.find((o) => o.result === 'booked') as { snapshot: { version: number } }).snapshot.version;
    // The PSP re-sends the dispute under new event ids, ten at once: recorded, but nothing booked.
    const resent = await tenAtOnce(() => applyPspEvent(prisma, event('chargeback'), options));
    expect(resent.map((o) => (o.result === 'booked' ? o.snapshot?.version : o.result))).toEqual(Array.from({ length: 10 }, () => version));

    const entries = await prisma.ledgerEntry.findMany({ where: { contractId: contract.contractId, type: 'chargeback' } });
    expect(entries.map((e) => [e.amountCents, e.idempotencyKey, e.invoiceId])).toEqual([[GROSS_CENTS, `psp-chargeback/${charge.pspPaymentId}`, invoice.invoiceId]]);
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: GROSS_CENTS, claimCents: GROSS_CENTS, status: 'open' });
    expect((await prisma.payment.findFirstOrThrow({ where: { contractId: contract.contractId } })).status).toBe('charged-back');
    expect((await prisma.cardCharge.findUniqueOrThrow({ where: { id: charge.chargeId } })).status).toBe('charged-back');
    expect(await rowCounts(prisma, contract.contractId)).toMatchObject({ payments: 1, entries: { invoice: 1, payment: 1, chargeback: 1 } });
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(GROSS_CENTS);
  });

  test('payment.failed ten times at once: the charge failed once, nothing booked, a new attempt with the same key is declined without asking the PSP', async () => {
    const { contract, invoice, charge, event } = await chargedInvoice();
    const failed = event('payment.failed');
    const outcomes = await tenAtOnce(() => applyPspEvent(prisma, failed, options));
    const reported = outcomes.filter((o) => o.result === 'failed');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ failure: { invoiceId: invoice.invoiceId, purpose: 'invoice', reason: 'card_declined' }, snapshot: null });
    expect(await prisma.cardCharge.findUniqueOrThrow({ where: { id: charge.chargeId } })).toMatchObject({ status: 'failed', failureReason: 'card_declined' });
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: GROSS_CENTS, claimCents: GROSS_CENTS, status: 'open' });

    const { psp, payments } = paymentActivities();
    const retried = await payments.chargeInvoice({ idempotencyKey: `${contract.workflowId}/charge/${invoice.number}`, contractId: contract.contractId, invoiceId: invoice.invoiceId });
    expect(retried).toMatchObject({ charged: false, reason: 'CARD_DECLINED' });
    expect(psp.requests).toHaveLength(0);
    expect(await rowCounts(prisma, contract.contractId)).toEqual({ payments: 0, entries: { invoice: 1 }, cardCharges: 1, sepaDebits: 0 });
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(GROSS_CENTS);
  });

  test('a payment.failed arriving after payment.succeeded of the same charge (events out of order) reports no failed charge and leaves the payment booked', async () => {
    const { contract, charge, event } = await chargedInvoice();
    await applyPspEvent(prisma, event('payment.succeeded'), options);
    const late = await applyPspEvent(prisma, event('payment.failed'), options);
    expect((await prisma.cardCharge.findUniqueOrThrow({ where: { id: charge.chargeId } })).status).toBe('succeeded');
    expect(await rowCounts(prisma, contract.contractId)).toMatchObject({ payments: 1, entries: { invoice: 1, payment: 1 } });
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(0);
    // `failed` makes the webhook signal chargeFailed, on which the workflow suspends a prepaid contract.
    expect(late.result).not.toBe('failed');
  });
});

describe('SEPA collections and returns', () => {
  const DUE_ON = '2027-03-15';

  async function sepaContracts(count: number) {
    const contracts = await seedContracts(prisma, count, { type: 'sepa' });
    const invoices = [];
    for (const contract of contracts) invoices.push(await issueInvoice(billing, contract, '2027-03-01'));
    return { contracts, invoices };
  }

  const collect = (payments: ReturnType<typeof paymentActivities>['payments'], contract: SeededContract, invoiceId: string, bookedOn = DUE_ON) =>
    payments.collectSepaDebit({ idempotencyKey: `${contract.workflowId}/collect/${invoiceId}`, contractId: contract.contractId, invoiceId, bookedOn });

  test('the invoice of a SEPA contract schedules one FRST debit; collected twice: one payment, the debit collected, the invoice paid; the next debit is RCUR', async () => {
    const { contracts, invoices } = await sepaContracts(1);
    const [contract] = contracts;
    const [march] = invoices;
    expect(march.paymentMethod).toBe('sepa');
    const debit = await prisma.sepaDebit.findUniqueOrThrow({ where: { invoiceId: march.invoiceId } });
    expect(debit).toMatchObject({ sequenceType: 'FRST', status: 'scheduled', amountCents: GROSS_CENTS, dueOn: DUE_ON, endToEndId: `E2E-${march.number}`, mandateReference: `VW-${contract.contractId}` });

    const { payments } = paymentActivities();
    const first = await collect(payments, contract, march.invoiceId);
    const second = await collect(payments, contract, march.invoiceId);
    expect(first).toMatchObject({ result: 'collected', amountCents: GROSS_CENTS });
    expect(second).toMatchObject({ result: 'already', collectionId: first.collectionId, amountCents: GROSS_CENTS });
    expect(await prisma.sepaDebit.findUniqueOrThrow({ where: { id: debit.id } })).toMatchObject({ status: 'collected', collectionId: first.collectionId });
    expect(await invoiceRow(march.invoiceId)).toEqual({ openCents: 0, claimCents: 0, status: 'paid' });
    expect((await prisma.paymentMethod.findUniqueOrThrow({ where: { id: contract.paymentMethodId as string } })).lastCollectedOn).toBe(DUE_ON);

    const april = await issueInvoice(billing, contract, '2027-04-01');
    expect((await prisma.sepaDebit.findUniqueOrThrow({ where: { invoiceId: april.invoiceId } })).sequenceType).toBe('RCUR');
    expect(await collect(payments, contract, april.invoiceId, '2027-04-15')).toMatchObject({ result: 'collected', amountCents: GROSS_CENTS });
    expect(await rowCounts(prisma, contract.contractId)).toEqual({ payments: 2, entries: { invoice: 2, payment: 2 }, cardCharges: 0, sepaDebits: 2 });
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(0);
  });

  /** Two SEPA contracts due on `dueOn`, each debit collected ten times at once (twenty calls). */
  async function collectRaced(dueOn: string) {
    const contracts = await seedContracts(prisma, 2, { type: 'sepa' });
    const invoices = await Promise.all(contracts.map((c) => issueInvoice(billing, c, `${dueOn.slice(0, 8)}01`)));
    const { payments } = paymentActivities();
    const settled = await Promise.allSettled(contracts.flatMap((contract, i) => Array.from({ length: 10 }, () => collect(payments, contract, invoices[i].invoiceId, dueOn))));
    const results = settled.map((s) => (s.status === 'fulfilled' ? s.value.result : `rejected: ${String((s.reason as Error).message).split('\n').pop()}`));
    return { contracts, invoices, results };
  }

  test('two contracts due on the same day, each collected ten times at once: one payment each, one sepa_collections row for the day holding both debits', async () => {
    const dueOn = '2027-05-15';
    const { contracts, invoices, results } = await collectRaced(dueOn);
    expect(results.filter((r) => r === 'collected')).toHaveLength(2);
    for (const [i, contract] of contracts.entries()) {
      expect(await rowCounts(prisma, contract.contractId)).toEqual({ payments: 1, entries: { invoice: 1, payment: 1 }, cardCharges: 0, sepaDebits: 1 });
      expect(await invoiceRow(invoices[i].invoiceId)).toEqual({ openCents: 0, claimCents: 0, status: 'paid' });
      expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(0);
    }
    const collections = await prisma.sepaCollection.findMany({ where: { dueOn } });
    expect(collections.map((c) => c.messageId)).toEqual(['VW-20270515']);
    const debits = await prisma.sepaDebit.findMany({ where: { invoiceId: { in: invoices.map((i) => i.invoiceId) } } });
    expect(debits.map((d) => [d.status, d.collectionId, d.amountCents, d.sequenceType])).toEqual([
      ['collected', collections[0].id, GROSS_CENTS, 'FRST'],
      ['collected', collections[0].id, GROSS_CENTS, 'FRST'],
    ]);
  });

  test('ten concurrent attempts to collect one debit each answer collected or already (none rejects with a unique violation)', async () => {
    const { results } = await collectRaced('2027-06-15');
    expect(results.filter((r) => r === 'collected')).toHaveLength(2);
    expect(results.filter((r) => r !== 'collected' && r !== 'already')).toEqual([]);
  });

  test('a return reported twice, ten times at once and by camt.053: one chargeback and one 3.00 fee, the invoice open again with claim = gross + fee', async () => {
    expect(FEE_CENTS).toBe(300);
    const { contracts, invoices } = await sepaContracts(1);
    const [contract] = contracts;
    const [invoice] = invoices;
    const { payments } = paymentActivities();
    await collect(payments, contract, invoice.invoiceId, '2027-03-15');
    const endToEndId = `E2E-${invoice.number}`;
    const input = { endToEndId, returnedOn: '2027-03-20', reasonCode: 'MD06', feeCents: FEE_CENTS };

    const first = await bookSepaReturn(prisma, input, ISSUER_COUNTRY);
    const second = await bookSepaReturn(prisma, input, ISSUER_COUNTRY);
    expect(first).toMatchObject({ found: true, booked: true, invoiceId: invoice.invoiceId });
    expect(second).toMatchObject({ found: true, booked: false });
    const raced = await tenAtOnce(() => bookSepaReturn(prisma, input, ISSUER_COUNTRY));
    expect(raced.every((r) => r.found && !r.booked)).toBe(true);

    const returned: Camt053FixtureEntry = {
      amount: (GROSS_CENTS / 100).toFixed(2),
      direction: 'debit',
      bookedOn: '2027-03-20',
      accountServicerReference: `RTN-${invoice.number}`,
      bankTransactionCode: SEPA_DIRECT_DEBIT_RETURNED,
      transactions: [{ endToEndId, returnReason: 'MD06' }],
    };
    const { service } = paymentsService();
    const statement = Buffer.from(camt053Xml({ version: '001.02', statementId: `RTN-${invoice.number}`, iban: STATEMENT_IBAN, entries: [returned] }));
    const imports = await Promise.all([service.importStatement(statement, 'application/xml'), service.importStatement(statement, 'application/xml')]);
    expect(imports.map((s) => [s.returns, s.duplicates])).toEqual([
      [0, 1],
      [0, 1],
    ]);

    const entries = await prisma.ledgerEntry.findMany({ where: { contractId: contract.contractId }, orderBy: { seq: 'asc' }, select: { type: true, amountCents: true, idempotencyKey: true } });
    expect(entries).toEqual([
      { type: 'invoice', amountCents: GROSS_CENTS, idempotencyKey: `invoice/${invoice.invoiceId}` },
      { type: 'payment', amountCents: -GROSS_CENTS, idempotencyKey: `sepa/${endToEndId}` },
      { type: 'chargeback', amountCents: GROSS_CENTS, idempotencyKey: `sepa-return/${endToEndId}` },
      { type: 'fee', amountCents: FEE_CENTS, idempotencyKey: `sepa-return/${endToEndId}/fee` },
    ]);
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: GROSS_CENTS, claimCents: GROSS_CENTS + FEE_CENTS, status: 'open' });
    expect(await prisma.sepaDebit.findUniqueOrThrow({ where: { invoiceId: invoice.invoiceId } })).toMatchObject({ status: 'returned', returnReason: 'MD06' });
    expect((await prisma.payment.findUniqueOrThrow({ where: { idempotencyKey: `sepa/${endToEndId}` } })).status).toBe('returned');
    expect(await rowCounts(prisma, contract.contractId)).toEqual({ payments: 1, entries: { invoice: 1, payment: 1, chargeback: 1, fee: 1 }, cardCharges: 0, sepaDebits: 1 });
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(GROSS_CENTS + FEE_CENTS);

    // The customer transfers what is claimed: the fee is paid first (§ 367), then the principal.
    const paid = await bookTransfer(prisma, transfer(`Rechnung ${invoice.number}`, GROSS_CENTS + FEE_CENTS, '2027-03-25'), ISSUER_COUNTRY);
    if (!paid.matched) throw new Error('the transfer names its invoice');
    expect(paid.payment.applied.map((a) => [a.component, a.amount.amount])).toEqual([
      ['fee', FEE_CENTS],
      ['principal', GROSS_CENTS],
    ]);
    expect(await invoiceRow(invoice.invoiceId)).toEqual({ openCents: 0, claimCents: 0, status: 'paid' });
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(0);
  });
});

describe('card charges (chargeInvoice)', () => {
  test('the same idempotency key twice: one card_charges row, one PSP charge, the same payment id', async () => {
    const contract = await seedContract(prisma, { type: 'card', pspToken: 'tok_ok' });
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    expect(invoice.paymentMethod).toBe('card');
    const { psp, payments } = paymentActivities();
    const input = { idempotencyKey: `${contract.workflowId}/charge/${invoice.number}`, contractId: contract.contractId, invoiceId: invoice.invoiceId };
    const first = await payments.chargeInvoice(input);
    const second = await payments.chargeInvoice(input);
    expect(first).toMatchObject({ charged: true, amountCents: GROSS_CENTS });
    expect(second).toEqual(first);
    // The second call finds the PSP's payment id on the row and does not ask again.
    expect(psp.requests.map((r) => [r.idempotencyKey, r.amountCents, r.cardToken, r.reference])).toEqual([[input.idempotencyKey, GROSS_CENTS, 'tok_ok', invoice.number]]);
    expect(await prisma.cardCharge.findMany({ where: { contractId: contract.contractId }, select: { idempotencyKey: true, amountCents: true, status: true, pspPaymentId: true } })).toEqual([
      { idempotencyKey: input.idempotencyKey, amountCents: GROSS_CENTS, status: 'pending', pspPaymentId: first.charged ? first.pspPaymentId : null },
    ]);
    await assertLedgerInvariants(prisma, contract.contractId);
  });

  test('the same idempotency key ten times at once: one card_charges row, every call answers the one PSP payment', async () => {
    const contract = await seedContract(prisma, { type: 'card', pspToken: 'tok_ok' });
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    const { psp, payments } = paymentActivities();
    const input = { idempotencyKey: `${contract.workflowId}/charge/${invoice.number}`, contractId: contract.contractId, invoiceId: invoice.invoiceId };
    const outcomes = await tenAtOnce(() => payments.chargeInvoice(input));
    expect(outcomes.every((o) => o.charged)).toBe(true);
    expect(new Set(outcomes.map((o) => (o.charged ? `${o.chargeId}/${o.pspPaymentId}` : null))).size).toBe(1);
    expect(await prisma.cardCharge.count({ where: { contractId: contract.contractId } })).toBe(1);
    // Calls that raced past the row's creation ask the PSP too, with the same key: it charges once.
    expect(psp.charges).toBe(1);
    expect(new Set(psp.requests.map((r) => r.idempotencyKey))).toEqual(new Set([input.idempotencyKey]));
    process.stderr.write(`[exactly-once] chargeInvoice ×10 at once: ${psp.requests.length} PSP requests with one key, ${psp.charges} charge\n`);
    await assertLedgerInvariants(prisma, contract.contractId);
  });

  test('a card without a token: NO_CARD, no charge row, the PSP never asked', async () => {
    const contract = await seedContract(prisma, { type: 'card', pspToken: null });
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    const { psp, payments } = paymentActivities();
    const outcome = await payments.chargeInvoice({ idempotencyKey: `${contract.workflowId}/charge/${invoice.number}`, contractId: contract.contractId, invoiceId: invoice.invoiceId });
    expect(outcome).toMatchObject({ charged: false, reason: 'NO_CARD', receivables: { balanceCents: GROSS_CENTS } });
    expect(psp.requests).toHaveLength(0);
    expect(await prisma.cardCharge.count({ where: { contractId: contract.contractId } })).toBe(0);
    await assertLedgerInvariants(prisma, contract.contractId);
  });

  test('an invoice already paid by transfer: NOTHING_OPEN, no charge row, the PSP never asked', async () => {
    const contract = await seedContract(prisma, { type: 'card', pspToken: 'tok_ok' });
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    await bookTransfer(prisma, transfer(`Rechnung ${invoice.number}`, GROSS_CENTS), ISSUER_COUNTRY);
    const { psp, payments } = paymentActivities();
    const outcome = await payments.chargeInvoice({ idempotencyKey: `${contract.workflowId}/charge/${invoice.number}`, contractId: contract.contractId, invoiceId: invoice.invoiceId });
    expect(outcome).toMatchObject({ charged: false, reason: 'NOTHING_OPEN', receivables: { balanceCents: 0, openInvoices: [] } });
    expect(psp.requests).toHaveLength(0);
    expect(await prisma.cardCharge.count({ where: { contractId: contract.contractId } })).toBe(0);
    expect((await assertLedgerInvariants(prisma, contract.contractId)).balanceCents).toBe(0);
  });
});

describe('the database guards the ledger', () => {
  test('an UPDATE of a ledger entry is refused (trigger); a payment entry with a positive amount is refused (check constraint)', async () => {
    const contract = await seedContract(prisma);
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    const entry = await prisma.ledgerEntry.findFirstOrThrow({ where: { contractId: contract.contractId } });

    await expect(prisma.$executeRaw`UPDATE ledger_entries SET amount_cents = 1 WHERE id = ${entry.id}::uuid`).rejects.toThrow(/ledger entries are immutable/);
    await expect(prisma.ledgerEntry.update({ where: { id: entry.id }, data: { description: 'changed' } })).rejects.toThrow(/ledger entries are immutable/);
    await expect(
      prisma.ledgerEntry.create({
        data: { id: randomUUID(), contractId: contract.contractId, customerId: contract.customerId, type: 'payment', bookedOn: '2027-02-05', amountCents: 500, invoiceId: invoice.invoiceId, description: 'positive payment', idempotencyKey: `bad/${randomUUID()}`, retainUntil: '2037-12-31' },
      }),
    ).rejects.toThrow(/ledger_entries_sign/);
    await expect(
      prisma.ledgerEntry.create({
        data: { id: randomUUID(), contractId: contract.contractId, customerId: contract.customerId, type: 'invoice', bookedOn: '2027-02-05', amountCents: -500, description: 'negative claim', idempotencyKey: `bad/${randomUUID()}`, retainUntil: '2037-12-31' },
      }),
    ).rejects.toThrow(/ledger_entries_sign/);
    expect(await prisma.ledgerEntry.findUniqueOrThrow({ where: { id: entry.id } })).toEqual(entry);
    expect(await assertLedgerInvariants(prisma, contract.contractId)).toMatchObject({ balanceCents: GROSS_CENTS, entries: 1 });
  });

  test('assertLedgerInvariants itself fails on an over-applied credit and on a stale open amount', async () => {
    const contract = await seedContract(prisma);
    const invoice = await issueInvoice(billing, contract, '2027-02-01');
    const paid = await bookTransfer(prisma, transfer(`Rechnung ${invoice.number}`, 1000), ISSUER_COUNTRY);
    if (!paid.matched) throw new Error('the transfer names its invoice');
    await assertLedgerInvariants(prisma, contract.contractId);

    await prisma.invoice.update({ where: { id: invoice.invoiceId }, data: { openCents: GROSS_CENTS } });
    await expect(assertLedgerInvariants(prisma, contract.contractId)).rejects.toThrow(`open_cents ${GROSS_CENTS}, its entries leave ${GROSS_CENTS - 1000}`);
    await prisma.invoice.update({ where: { id: invoice.invoiceId }, data: { openCents: GROSS_CENTS - 1000 } });

    const [claim, credit] = await prisma.ledgerEntry.findMany({ where: { contractId: contract.contractId }, orderBy: { seq: 'asc' } });
    await prisma.ledgerAllocation.create({ data: { id: randomUUID(), contractId: contract.contractId, creditEntryId: credit.id, claimEntryId: claim.id, invoiceId: invoice.invoiceId, component: 'principal', amountCents: 1 } });
    await expect(assertLedgerInvariants(prisma, contract.contractId)).rejects.toThrow(`credit ${credit.id} (payment, -1000) is applied 1001`);
  });
});

// 10,000 entries took 4.5 minutes on this 2-core machine (bench/statement-import.ts: 171 s for the
// first pass at ~17 ms per booked entry, 87 s for the duplicate pass at ~9 ms per entry; one
// transaction and ~21 sequential statements per booked entry), so the suite imports 1,000 by
// default; STATEMENT_IMPORT_ENTRIES=10000 runs the full size here.
const ENTRIES = Number(process.env.STATEMENT_IMPORT_ENTRIES ?? 1000);
const CONTRACTS = 100;

test(`throughput: a camt.053 statement of ${ENTRIES} credits over ${CONTRACTS} contracts imported twice, next to ${ENTRIES} single-row INSERTs`, async () => {
  const measurement = await measureStatementImport(prisma, { contracts: CONTRACTS, entries: ENTRIES });
  console.log(describeMeasurement(measurement, '2 cores'));
  expect(measurement.first).toMatchObject({ matched: ENTRIES, duplicates: 0, unmatched: 0, signals: CONTRACTS });
  expect(measurement.second).toMatchObject({ matched: 0, duplicates: ENTRIES, unmatched: 0 });
  const open = GROSS_CENTS - (ENTRIES / CONTRACTS) * ENTRY_CENTS;
  expect(measurement.invoices).toHaveLength(CONTRACTS);
  expect(measurement.invoices.every((i) => i.openCents === open)).toBe(true);
  for (const contractId of measurement.invoices.map((i) => i.contractId).slice(0, 10)) {
    expect(await assertLedgerInvariants(prisma, contractId)).toMatchObject({ balanceCents: open, entries: 1 + ENTRIES / CONTRACTS });
  }
}, 900_000);
