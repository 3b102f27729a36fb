/**
 * The dunning activities against a real PostgreSQL, a real SMTP sink, the local print partner,
 * collection agency and credit bureau (drop folders): a DE business invoice of 22.61 € due
 * 15.03.2027 dunned through the default ladder — reminder 22.03., 1st letter 29.03., final letter
 * 12.04., handover 26.04. — each step retried in a row and raced 5× at once, booked, mailed,
 * printed and handed over exactly once, to the cent. Then a consumer, a payment that wins over the
 * step's timer, a missing base rate, the § 31 BDSG conditions and the ladder in force.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createBillingActivities, type BillingActivities } from '../../activities/billing.activity';
import type { DunningActivities } from '../../activities/dunning.activity';
import type { RunDunningStepInput, RunDunningStepResult } from '../../activities/dunning.types';
import type { CollectionHandover } from '../../src/collection-agency/collection-agency';
import { loadConfig } from '../../src/config/config';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import { DEFAULT_DUNNING_LADDER, type DunningLadder } from '../../src/domain/dunning';
import { bookTransfer } from '../../src/payments/payment-bookings';
import { localLetterId } from '../../src/print-partner/local-print-partner';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { issueInvoice, seedContract } from '../payments/seed';
import { foldersWithFiles, ladderInputs, startDunningHarness, visibleEntries, type DunnedInvoice, type DunningHarness, type DunningUnderTest } from './dunning-harness';

const issuer = loadConfig({}).issuer;
/** Net 19.00 + 19 % VAT = 22.61 €. */
const NET_CENTS = 1900;
const GROSS_CENTS = 2261;
const sha32 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

let database: TestDatabase;
let prisma: PrismaClient;
let billing: BillingActivities;
let harness: DunningHarness;

beforeAll(async () => {
  database = await createTestDatabase();
  // Five racing steps hold a connection each while they wait for the contract lock.
  prisma = createPrismaClient(database.url, { maxConnections: 25 });
  billing = createBillingActivities({ prisma, issuer, newId: randomUUID });
  harness = await startDunningHarness(prisma, issuer);
  // The migration seeds the Basiszinssatz through 2026-H2; 2027-H1 is 1.27 % as well.
  await prisma.baseRate.create({ data: { validFrom: '2027-01-01', basisPoints: 127 } });
});
afterAll(async () => {
  await harness?.close();
  await prisma?.$disconnect();
  await database?.drop();
});

interface Overdue extends DunnedInvoice {
  readonly number: string;
  readonly email: string;
  readonly dunning: DunningUnderTest;
}

/** A contract whose invoice of `issuedOn` (22.61 €, due 14 days later) is unpaid, with dunning activities of its own. */
async function overdueInvoice(options: { customerType?: 'business' | 'consumer'; issuedOn?: string } = {}): Promise<Overdue> {
  const contract = await seedContract(prisma);
  const customer = await prisma.customer.update({ where: { id: contract.customerId }, data: { type: options.customerType ?? 'business' } });
  const issued = await issueInvoice(billing, contract, options.issuedOn ?? '2027-03-01', NET_CENTS);
  expect((await prisma.invoice.findUniqueOrThrow({ where: { id: issued.invoiceId } })).grossCents).toBe(GROSS_CENTS);
  return { workflowId: contract.workflowId, contractId: contract.contractId, invoiceId: issued.invoiceId, dueOn: issued.dueOn, number: issued.number, email: customer.email as string, dunning: harness.dunning() };
}

/** Each step of the ladder, called as `attempts` says (twice in a row, or 5× at once); every result of a step. */
async function runLadder(invoice: Overdue, inputs: readonly RunDunningStepInput[], attempts: (call: () => Promise<RunDunningStepResult>) => Promise<RunDunningStepResult[]>) {
  const results: RunDunningStepResult[][] = [];
  for (const input of inputs) results.push(await attempts(() => invoice.dunning.activities.runDunningStep(input)));
  return results;
}
const twiceInARow = async (call: () => Promise<RunDunningStepResult>) => [await call(), await call()];

const charges = (r: RunDunningStepResult) => ({ feeCents: r.feeCents, interestCents: r.interestCents, flatFeeCents: r.flatFeeCents, creditReport: r.handover?.creditReport ?? null, reason: r.handover?.reason ?? null });

async function entriesOf(invoiceId: string) {
  const rows = await prisma.ledgerEntry.findMany({ where: { invoiceId }, orderBy: { seq: 'asc' } });
  return rows.map((e) => [e.type, e.bookedOn, e.amountCents]);
}
async function stepsOf(invoiceId: string) {
  const rows = await prisma.dunningStep.findMany({ where: { invoiceId }, orderBy: { level: 'asc' } });
  return rows.map((s) => [s.step, s.level, s.runOn, s.feeCents, s.interestCents, s.flatFeeCents]);
}
async function communicationsOf(contractId: string) {
  const rows = await prisma.communication.findMany({ where: { contractId } });
  return rows.map((c) => [c.kind, c.channel, c.status, c.idempotencyKey]).sort((a, b) => a[3].localeCompare(b[3]));
}
async function lettersOf(contractId: string) {
  const rows = await prisma.letter.findMany({ where: { contractId } });
  return rows.map((l) => [l.kind, l.status, l.partnerLetterId, l.idempotencyKey]).sort((a, b) => String(a[3]).localeCompare(String(b[3])));
}
const mailsTo = (email: string) => harness.mails.filter((m) => m.to === email);

/** Everything the default ladder leaves behind for one invoice, counted and summed to the cent. */
async function expectDefaultLadderDoneOnce(invoice: Overdue, results: RunDunningStepResult[][]) {
  const key = (step: string) => `${invoice.workflowId}/dunning/${invoice.invoiceId}/1/${step}`;
  // Every attempt of a step answers what the first one booked.
  expect(results.map((attempts) => [...new Set(attempts.map((r) => JSON.stringify(charges(r))))].map((c) => JSON.parse(c)))).toEqual([
    [{ feeCents: 0, interestCents: 0, flatFeeCents: 0, creditReport: null, reason: null }],
    // 22.61 × (1.27 + 9) % × 14 days (16.–29.03.) ÷ 365 = 0.0891 → 0.09; fee 5.00; the 40.00 with the 1st letter.
    [{ feeCents: 500, interestCents: 9, flatFeeCents: 4000, creditReport: null, reason: null }],
    // 30.03.–12.04. and 13.04.–26.04.: 14 days each, 0.09 again; no second 40.00.
    [{ feeCents: 500, interestCents: 9, flatFeeCents: 0, creditReport: null, reason: null }],
    [{ feeCents: 0, interestCents: 9, flatFeeCents: 0, creditReport: 'sent', reason: null }],
  ]);
  const total = GROSS_CENTS + 3 * 9 + 2 * 500 + 4000;
  expect(results.at(-1)?.every((r) => r.receivables.balanceCents === total)).toBe(true);

  expect(await stepsOf(invoice.invoiceId)).toEqual([
    ['reminder', 1, '2027-03-22', 0, 0, 0],
    ['first-letter', 2, '2027-03-29', 500, 9, 4000],
    ['final-letter', 3, '2027-04-12', 500, 9, 0],
    ['handover', 4, '2027-04-26', 0, 9, 0],
  ]);
  expect(await entriesOf(invoice.invoiceId)).toEqual([
    ['invoice', '2027-03-01', GROSS_CENTS],
    ['interest', '2027-03-29', 9],
    ['fee', '2027-03-29', 500],
    ['fee', '2027-03-29', 4000],
    ['interest', '2027-04-12', 9],
    ['fee', '2027-04-12', 500],
    ['interest', '2027-04-26', 9],
  ]);
  expect(await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.invoiceId }, select: { dunningLevel: true, dunningNextStepOn: true, openCents: true, claimCents: true } })).toEqual({
    dunningLevel: 4,
    dunningNextStepOn: null,
    openCents: GROSS_CENTS,
    claimCents: total,
  });

  // One mail per step, in the SMTP sink and as a communication; the letters with their PDF.
  const mails = mailsTo(invoice.email);
  expect(mails.map((m) => [m.subject, m.idempotencyKey, m.attachments])).toEqual([
    [`Zahlungserinnerung: Rechnung ${invoice.number}`, key('reminder/mail'), []],
    [`1. Mahnung: Rechnung ${invoice.number}`, key('first-letter/mail'), [`1-Mahnung-${invoice.number}.pdf`]],
    [`Letzte Mahnung: Rechnung ${invoice.number}`, key('final-letter/mail'), [`Letzte-Mahnung-${invoice.number}.pdf`]],
    ['Übergabe der offenen Forderung an ein Inkassounternehmen', key('handover/mail'), []],
  ]);
  expect(mails[2].text).toContain('übergeben wir die Forderung am 26. April 2027 an ein Inkassounternehmen');
  expect(await communicationsOf(invoice.contractId)).toEqual([
    ['dunning_letter_final', 'letter', 'sent', key('final-letter/letter')],
    ['dunning_letter_final', 'email', 'sent', key('final-letter/mail')],
    ['dunning_letter_1', 'letter', 'sent', key('first-letter/letter')],
    ['dunning_letter_1', 'email', 'sent', key('first-letter/mail')],
    ['collection_handover', 'email', 'sent', key('handover/mail')],
    ['payment_reminder', 'email', 'sent', key('reminder/mail')],
  ]);
  const firstLetter = localLetterId(key('first-letter/letter'));
  const finalLetter = localLetterId(key('final-letter/letter'));
  expect(await lettersOf(invoice.contractId)).toEqual([
    ['dunning_letter_final', 'submitted', finalLetter, key('final-letter/letter')],
    ['dunning_letter_1', 'submitted', firstLetter, key('first-letter/letter')],
  ]);
  expect(foldersWithFiles(invoice.dunning.folders.letters)).toEqual(
    [
      [firstLetter, ['letter.pdf', 'manifest.json']],
      [finalLetter, ['letter.pdf', 'manifest.json']],
    ].sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

  // One handover: the folder, the row, the claim to the cent; one credit report, sent.
  const handoverId = sha32(key('handover'));
  expect(foldersWithFiles(invoice.dunning.folders.agency)).toEqual([[handoverId, ['handover.json', 'statement.pdf']]]);
  const handover = JSON.parse(readFileSync(path.join(invoice.dunning.folders.agency, handoverId, 'handover.json'), 'utf8')) as CollectionHandover;
  expect(handover.claims).toEqual([
    { invoiceNumber: invoice.number, issuedOn: '2027-03-01', dueOn: '2027-03-15', openAmount: { amount: GROSS_CENTS, currency: 'EUR' }, fees: { amount: 5000, currency: 'EUR' }, interest: { amount: 27, currency: 'EUR' } },
  ]);
  expect(handover.claimTotal).toEqual({ amount: total, currency: 'EUR' });
  const handovers = await prisma.collectionHandover.findMany({ where: { contractId: invoice.contractId } });
  expect(handovers.map((h) => [h.handedOverOn, h.claimTotalCents, h.status, h.agencyReference])).toEqual([['2027-04-26', total, 'delivered', `local-${handoverId}`]]);
  expect(results.at(-1)?.every((r) => r.handover?.handoverId === handovers[0].id)).toBe(true);
  const reports = await prisma.creditReport.findMany({ where: { contractId: invoice.contractId } });
  expect(reports.map((r) => [r.decision, r.reason, r.decidedOn, r.bureau])).toEqual([['sent', null, '2027-04-26', 'local']]);
  expect(visibleEntries(invoice.dunning.folders.bureau)).toEqual([`${sha32(key('handover/credit-report'))}.json`]);
}

describe('the default ladder of a DE business invoice of 22.61 € due 15.03.2027', () => {
  test('each step run twice in a row (a retry after the answer was lost): booked, mailed, printed and handed over once, to the cent', async () => {
    const invoice = await overdueInvoice();
    const results = await runLadder(invoice, ladderInputs(invoice, DEFAULT_DUNNING_LADDER), twiceInARow);
    await expectDefaultLadderDoneOnce(invoice, results);
  });

  test('each step run 5× at once (retries racing each other): an attempt that finds the mail being sent is told to retry (MailSendInProgress); booked, mailed, printed and handed over once, to the cent', async () => {
    const invoice = await overdueInvoice();
    const results = await runLadder(invoice, ladderInputs(invoice, DEFAULT_DUNNING_LADDER), async (call) => {
      const settled = await Promise.allSettled(Array.from({ length: 5 }, call));
      for (const s of settled) if (s.status === 'rejected') expect((s.reason as { type?: string }).type).toBe('MailSendInProgress');
      return Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value : call())));
    });
    await expectDefaultLadderDoneOnce(invoice, results);
  });

  test('each step run 5× at once, an attempt that fails retried as Temporal would: still one mail per step in the SMTP sink', async () => {
    const invoice = await overdueInvoice();
    const results = await runLadder(invoice, ladderInputs(invoice, DEFAULT_DUNNING_LADDER), async (call) => {
      const settled = await Promise.allSettled(Array.from({ length: 5 }, call));
      return Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value : call())));
    });
    await expectDefaultLadderDoneOnce(invoice, results);
  });
});

test('a consumer: no 40.00, base rate + 5 points (22.61 × 6.27 % × 14 ÷ 365 = 0.0544 → 0.05)', async () => {
  const invoice = await overdueInvoice({ customerType: 'consumer' });
  const [reminder, first, final] = ladderInputs(invoice, DEFAULT_DUNNING_LADDER);
  const results = await runLadder(invoice, [reminder, first, final], twiceInARow);
  expect(results.map((attempts) => attempts.map(charges))).toEqual([
    Array(2).fill({ feeCents: 0, interestCents: 0, flatFeeCents: 0, creditReport: null, reason: null }),
    Array(2).fill({ feeCents: 500, interestCents: 5, flatFeeCents: 0, creditReport: null, reason: null }),
    Array(2).fill({ feeCents: 500, interestCents: 5, flatFeeCents: 0, creditReport: null, reason: null }),
  ]);
  expect(await entriesOf(invoice.invoiceId)).toEqual([
    ['invoice', '2027-03-01', GROSS_CENTS],
    ['interest', '2027-03-29', 5],
    ['fee', '2027-03-29', 500],
    ['interest', '2027-04-12', 5],
    ['fee', '2027-04-12', 500],
  ]);
  expect(mailsTo(invoice.email)).toHaveLength(3);
  expect(foldersWithFiles(invoice.dunning.folders.letters)).toHaveLength(2);
});

test('the claim paid in full before the final letter runs (the payment won over the timer): nothing booked, sent or handed over, fee 0', async () => {
  const invoice = await overdueInvoice();
  const [reminder, first, final, handover] = ladderInputs(invoice, DEFAULT_DUNNING_LADDER);
  await runLadder(invoice, [reminder, first], twiceInARow);
  const claim = GROSS_CENTS + 9 + 500 + 4000;
  const paid = await bookTransfer(prisma, { reference: `Rechnung ${invoice.number}`, amountCents: claim, bookedOn: '2027-04-10', payerName: 'Praxis Dr. Muster', source: 'bank-transfer', sourceKey: `transfer/${randomUUID()}` }, issuer.country);
  expect(paid.matched && paid.payment.snapshot.balanceCents).toBe(0);
  const before = { mails: mailsTo(invoice.email).length, communications: await communicationsOf(invoice.contractId) };

  const results = await runLadder(invoice, [final, handover], twiceInARow);
  expect(results.flat().map((r) => [charges(r), r.receivables.balanceCents])).toEqual(Array(4).fill([{ feeCents: 0, interestCents: 0, flatFeeCents: 0, creditReport: null, reason: null }, 0]));
  expect((await stepsOf(invoice.invoiceId)).map((s) => s[0])).toEqual(['reminder', 'first-letter']);
  expect(await entriesOf(invoice.invoiceId)).toEqual([
    ['invoice', '2027-03-01', GROSS_CENTS],
    ['interest', '2027-03-29', 9],
    ['fee', '2027-03-29', 500],
    ['fee', '2027-03-29', 4000],
    ['payment', '2027-04-10', -claim],
  ]);
  expect(mailsTo(invoice.email)).toHaveLength(before.mails);
  expect(await communicationsOf(invoice.contractId)).toEqual(before.communications);
  expect(foldersWithFiles(invoice.dunning.folders.letters)).toHaveLength(1);
  expect(visibleEntries(invoice.dunning.folders.agency)).toEqual([]);
  expect(await prisma.creditReport.count({ where: { contractId: invoice.contractId } })).toBe(0);
  expect(await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.invoiceId }, select: { status: true, claimCents: true, dunningLevel: true } })).toEqual({ status: 'paid', claimCents: 0, dunningLevel: 2 });
});

test('no base rate for 2027-H2: the 1st letter fails non-retryably with BASE_RATE_MISSING, nothing booked or sent; with the rate added the same call succeeds once', async () => {
  // Due 15.07.2027: the interest of 16.–29.07. needs the rate of 01.07.2027, which nobody added yet.
  const invoice = await overdueInvoice({ issuedOn: '2027-07-01' });
  const [reminder, first] = ladderInputs(invoice, DEFAULT_DUNNING_LADDER);
  await invoice.dunning.activities.runDunningStep(reminder);

  for (let attempt = 0; attempt < 2; attempt++) {
    const failure = await invoice.dunning.activities.runDunningStep(first).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'BASE_RATE_MISSING', nonRetryable: true, message: expect.stringContaining('2027-07-01') });
  }
  expect(await stepsOf(invoice.invoiceId)).toEqual([['reminder', 1, '2027-07-22', 0, 0, 0]]);
  expect(await entriesOf(invoice.invoiceId)).toEqual([['invoice', '2027-07-01', GROSS_CENTS]]);
  expect(mailsTo(invoice.email).map((m) => m.idempotencyKey)).toEqual([reminder.idempotencyKey + '/mail']);
  expect((await communicationsOf(invoice.contractId)).map((c) => c[0])).toEqual(['payment_reminder']);
  expect(visibleEntries(invoice.dunning.folders.letters)).toEqual([]);

  // The operator adds the half-year (POST /v1/base-rates) and retries the step.
  await prisma.baseRate.create({ data: { validFrom: '2027-07-01', basisPoints: 127 } });
  const results = await runLadder(invoice, [first], twiceInARow);
  expect(results[0].map(charges)).toEqual(Array(2).fill({ feeCents: 500, interestCents: 9, flatFeeCents: 4000, creditReport: null, reason: null }));
  expect((await stepsOf(invoice.invoiceId)).map((s) => s[0])).toEqual(['reminder', 'first-letter']);
  expect(await entriesOf(invoice.invoiceId)).toEqual([
    ['invoice', '2027-07-01', GROSS_CENTS],
    ['interest', '2027-07-29', 9],
    ['fee', '2027-07-29', 500],
    ['fee', '2027-07-29', 4000],
  ]);
  expect(mailsTo(invoice.email)).toHaveLength(2);
  expect(foldersWithFiles(invoice.dunning.folders.letters)).toHaveLength(1);
});

describe('the credit-bureau report at the handover (§ 31 (2) Nr. 4 BDSG)', () => {
  test('a shortened ladder (1st letter D+14, handover D+35: 21 days, not four weeks): handed over, report withheld FIRST_LETTER_TOO_RECENT', async () => {
    const shortened: DunningLadder = { version: 2, steps: DEFAULT_DUNNING_LADDER.steps.map((s) => (s.step === 'handover' ? { ...s, offsetDays: 35 } : s)) };
    const invoice = await overdueInvoice();
    const results = await runLadder(invoice, ladderInputs(invoice, shortened), twiceInARow);
    // 13.–19.04.: 7 days, 22.61 × 10.27 % × 7 ÷ 365 = 0.0445 → 0.04.
    expect(results[3].map(charges)).toEqual(Array(2).fill({ feeCents: 0, interestCents: 4, flatFeeCents: 0, creditReport: 'withheld', reason: 'FIRST_LETTER_TOO_RECENT' }));
    expect(await prisma.collectionHandover.count({ where: { contractId: invoice.contractId } })).toBe(1);
    expect(visibleEntries(invoice.dunning.folders.agency)).toHaveLength(1);
    const reports = await prisma.creditReport.findMany({ where: { contractId: invoice.contractId } });
    expect(reports.map((r) => [r.decision, r.reason, r.decidedOn])).toEqual([['withheld', 'FIRST_LETTER_TOO_RECENT', '2027-04-19']]);
    expect(visibleEntries(invoice.dunning.folders.bureau)).toEqual([]);
  });

  test('a claim disputed in this round (hold lifted again): handed over, report withheld DISPUTED', async () => {
    const invoice = await overdueInvoice();
    const results = await runLadder(invoice, ladderInputs(invoice, DEFAULT_DUNNING_LADDER, true), twiceInARow);
    expect(await prisma.collectionHandover.count({ where: { contractId: invoice.contractId } })).toBe(1);
    expect(results[3].map(charges)).toEqual(Array(2).fill({ feeCents: 0, interestCents: 9, flatFeeCents: 0, creditReport: 'withheld', reason: 'DISPUTED' }));
    const reports = await prisma.creditReport.findMany({ where: { contractId: invoice.contractId } });
    expect(reports.map((r) => [r.decision, r.reason, r.decidedOn])).toEqual([['withheld', 'DISPUTED', '2027-04-26']]);
    expect(visibleEntries(invoice.dunning.folders.bureau)).toEqual([]);
  });
});

// These store ladder versions, which every later step would see: they run last.
describe('the ladder in force', () => {
  /** What PUT /v1/dunning/ladder stores: the next version. */
  async function storeLadder(steps: DunningLadder['steps']): Promise<DunningLadder> {
    const newest = await prisma.dunningLadder.findFirst({ orderBy: { version: 'desc' } });
    const version = Math.max(newest?.version ?? 1, DEFAULT_DUNNING_LADDER.version) + 1;
    await prisma.dunningLadder.create({ data: { version, steps: steps.map((s) => ({ ...s, channels: [...s.channels] })) } });
    return { version, steps };
  }
  const later: DunningLadder['steps'] = [
    { step: 'reminder', offsetDays: 10, channels: ['email'], fee: 0 },
    { step: 'first-letter', offsetDays: 17, channels: ['letter', 'email'], fee: 300 },
    { step: 'final-letter', offsetDays: 31, channels: ['letter', 'email'], fee: 300 },
    { step: 'handover', offsetDays: 38, channels: [], fee: 0 },
  ];
  const start = (activities: DunningActivities, invoice: Overdue) =>
    activities.startDunning({ idempotencyKey: `${invoice.workflowId}/dunning/${invoice.invoiceId}/start`, contractId: invoice.contractId, invoiceId: invoice.invoiceId, startedOn: invoice.dueOn });
  const nextStepOn = async (invoiceId: string) => (await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).dunningNextStepOn;

  test('startDunning returns the built-in ladder while none is stored, then the newest stored version, and sets dunning_next_step_on', async () => {
    const before = await overdueInvoice();
    expect(await start(before.dunning.activities, before)).toEqual({ ladder: DEFAULT_DUNNING_LADDER, nextStepOn: '2027-03-22' });
    expect(await nextStepOn(before.invoiceId)).toBe('2027-03-22');

    const stored = await storeLadder(later);
    expect(stored.version).toBe(2);
    const after = await overdueInvoice();
    expect(await start(after.dunning.activities, after)).toEqual({ ladder: { version: 2, steps: later }, nextStepOn: '2027-03-25' });
    expect(await nextStepOn(after.invoiceId)).toBe('2027-03-25');
  });

  test('the final letter announces the handover day of the invoice’s own ladder, not of a ladder an operator stored after the invoice became overdue', async () => {
    const stored = await storeLadder(later);
    const invoice = await overdueInvoice();
    const { ladder } = await start(invoice.dunning.activities, invoice);
    expect(ladder).toEqual(stored);
    // The operator goes back to the default ladder; this invoice keeps its own (handover D+38 = 22.04.).
    await storeLadder(DEFAULT_DUNNING_LADDER.steps);
    const [reminder, first, final] = ladderInputs(invoice, ladder);
    expect(final).toMatchObject({ runOn: '2027-04-15', nextStepOn: '2027-04-22' });
    await runLadder(invoice, [reminder, first, final], twiceInARow);
    const finalMail = mailsTo(invoice.email).find((m) => m.idempotencyKey === `${final.idempotencyKey}/mail`);
    expect(finalMail?.text).toContain('übergeben wir die Forderung am 22. April 2027 an ein Inkassounternehmen');
  });
});
