/**
 * Dunning activities of the contract workflow (docs/dunning.md). A step is two phases:
 * 1. the booking, in one transaction under the contract lock: the claim is checked (paid in the
 *    meantime → nothing happens), the fee, the flat 40.00 (businesses, once per invoice) and the
 *    default interest since the last booking are booked, and the step is recorded in
 *    `dunning_steps` (unique idempotency key: a retried step books nothing twice);
 * 2. the side effects from what phase 1 recorded, each idempotent by its own key: the reminder
 *    mail, the letter through the print partner and its mail, or the handover (agency export,
 *    credit-bureau decision, mail).
 */
import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { CollectionAgency, CollectionHandover } from '../src/collection-agency/collection-agency';
import { CollectionAgencyTransientError } from '../src/collection-agency/collection-agency';
import type { CreditBureau } from '../src/credit-bureau/credit-bureau';
import { CreditBureauTransientError } from '../src/credit-bureau/credit-bureau';
import type { PrismaClient } from '../src/database/prisma-client';
import { lockContract } from '../src/database/row-locks';
import type { DunningLetterData } from '../src/documents/dunning-letter-pdf';
import { renderDunningLetterPdf } from '../src/documents/dunning-letter-pdf';
import { addDays, compareLocalDates } from '../src/domain/calendar';
import { creditReportDecision } from '../src/domain/credit-bureau';
import { announcedHandoverOn, DUNNING_LEVEL, payByOf } from '../src/domain/dunning';
import type { DefaultInterest, PrincipalFrom } from '../src/domain/interest';
import { defaultInterest, FLAT_FEE_CENTS, marginFor, MissingBaseRateError } from '../src/domain/interest';
import type { Issuer } from '../src/domain/invoice';
import type { NewLedgerEntry } from '../src/ledger/ledger-store';
import { bookEntries, readReceivables, BOOKING_TRANSACTION } from '../src/ledger/ledger-store';
import { loadBaseRates } from '../src/dunning/base-rates.store';
import { loadCurrentLadder } from '../src/dunning/ladder.store';
import type { Prisma } from '../src/generated/prisma/client';
import { openClaimParts, renderStatement } from '../src/payments/statement-document';
import type { MailActivities } from './mail.activity';
import type { PrintPartnerActivities } from './print-partner.activity';
import type { DunningActivities, RunDunningStepInput, RunDunningStepResult } from './dunning.types';
import { DUNNING_FAILURE_TYPES } from './dunning.types';

export type { DunningActivities } from './dunning.types';


export interface DunningActivityDeps {
  prisma: PrismaClient;
  issuer: Issuer;
  mail: MailActivities;
  letters: PrintPartnerActivities;
  agency: CollectionAgency;
  /** Null: no credit bureau configured (every report is withheld as not announced). */
  bureau: CreditBureau | null;
  newId?: () => string;
}

type InvoiceRow = NonNullable<Awaited<ReturnType<PrismaClient['invoice']['findUnique']>>>;

export function createDunningActivities(deps: DunningActivityDeps): DunningActivities {
  const { prisma, issuer } = deps;
  const newId = deps.newId ?? randomUUID;

  return {
    async reportCollectionPayments(input) {
      const handovers = await prisma.collectionHandover.findMany({ where: { contractId: input.contractId, status: 'delivered' }, orderBy: { createdAt: 'asc' } });
      if (handovers.length === 0) return { reported: 0 };
      const first = handovers[0];
      const payments = await prisma.payment.findMany({ where: { contractId: input.contractId, createdAt: { gt: first.createdAt }, status: 'booked' }, orderBy: { createdAt: 'asc' } });
      let reported = 0;
      for (const payment of payments) {
        const entry = await prisma.ledgerEntry.findFirst({ where: { paymentId: payment.id, type: { in: ['payment', 'prepayment'] } } });
        if (!entry) continue;
        // What was still owed right after this payment: the balance through its entry (stable on a retry).
        const after = await prisma.ledgerEntry.aggregate({ where: { contractId: input.contractId, seq: { lte: entry.seq } }, _sum: { amountCents: true } });
        const invoiceNumber = payment.invoiceId ? ((await prisma.invoice.findUnique({ where: { id: payment.invoiceId }, select: { number: true } }))?.number ?? null) : null;
        try {
          await deps.agency.reportPayment(handoverIdOf(first.idempotencyKey), {
            paymentId: payment.id,
            bookedOn: payment.bookedOn,
            amount: eur(payment.amountCents),
            invoiceNumber,
            remainingClaim: eur(Math.max(0, after._sum.amountCents ?? 0)),
          });
        } catch (error) {
          if (error instanceof CollectionAgencyTransientError) throw error;
          throw ApplicationFailure.nonRetryable(`The collection agency refused payment ${payment.id}: ${(error as Error).message}`, 'CollectionAgencyRejected');
        }
        reported += 1;
      }
      return { reported };
    },

    async startDunning(input) {
      const ladder = await loadCurrentLadder(prisma);
      const first = ladder.steps[0];
      const nextStepOn = first ? addDays(input.startedOn, first.offsetDays) : null;
      await prisma.invoice.updateMany({ where: { id: input.invoiceId, status: { not: 'destroyed' } }, data: { dunningNextStepOn: nextStepOn } });
      return { ladder, nextStepOn };
    },

    async recordDispute(input) {
      await prisma.invoice.updateMany({
        where: { id: input.invoiceId },
        data: input.onHold
          ? { disputeReason: input.reason ?? 'disputed', disputedSince: new Date(input.at), dunningNextStepOn: input.nextStepOn }
          : { disputeReason: null, disputedSince: null, dunningNextStepOn: input.nextStepOn },
      });
    },

    async runDunningStep(input): Promise<RunDunningStepResult> {
      const booked = await bookStep(input);
      if (!booked) return { feeCents: 0, interestCents: 0, flatFeeCents: 0, handover: null, receivables: await readReceivables(prisma, input.contractId) };
      const invoice = (await prisma.invoice.findUnique({ where: { id: input.invoiceId } })) as InvoiceRow;
      let handover: RunDunningStepResult['handover'] = null;
      switch (input.ladderStep.step) {
        case 'reminder':
          await sendReminder(input, invoice);
          break;
        case 'first-letter':
        case 'final-letter':
          await sendLetter(input, invoice, booked);
          break;
        case 'handover':
          handover = await handOver(input, invoice);
          break;
      }
      return { feeCents: booked.feeCents, interestCents: booked.interestCents, flatFeeCents: booked.flatFeeCents, handover, receivables: await readReceivables(prisma, input.contractId) };
    },
  };

  /** Phase 1. Null when the claim is paid (the payment won over the timer): nothing is booked or sent. */
  async function bookStep(input: RunDunningStepInput): Promise<{ feeCents: number; interestCents: number; flatFeeCents: number; interest: DefaultInterest | null } | null> {
    const existing = await prisma.dunningStep.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
    if (existing) return storedBooking(existing);
    const rates = await loadBaseRates(prisma);
    try {
      return await prisma.$transaction(async (tx) => {
        const contract = await lockContract(tx, input.contractId);
        if (!contract) throw ApplicationFailure.nonRetryable(`Contract ${input.contractId} has no row`, DUNNING_FAILURE_TYPES.INVOICE_MISSING);
        const again = await tx.dunningStep.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (again) return storedBooking(again);
        const invoice = await tx.invoice.findUnique({ where: { id: input.invoiceId } });
        if (!invoice || invoice.status === 'destroyed') throw ApplicationFailure.nonRetryable(`Invoice ${input.invoiceId} does not exist`, DUNNING_FAILURE_TYPES.INVOICE_MISSING);
        if (invoice.claimCents <= 0) return null;
        const customer = await tx.customer.findUniqueOrThrow({ where: { id: contract.customerId } });
        const business = customer.type !== 'consumer';
        const step = input.ladderStep;
        const entries: NewLedgerEntry[] = [];
        let interest: DefaultInterest | null = null;
        // Interest is booked with each letter and at the handover, for the days since the last booking.
        if (step.step !== 'reminder') {
          interest = await interestFor(tx, invoice, input.runOn, business, rates);
          if (interest.cents > 0) {
            entries.push({ type: 'interest', amountCents: interest.cents, bookedOn: input.runOn, invoiceId: invoice.id, description: `Verzugszinsen ${invoice.number} bis ${input.runOn}`, idempotencyKey: `${input.idempotencyKey}/interest` });
          }
        }
        if (step.fee > 0) entries.push({ type: 'fee', amountCents: step.fee, bookedOn: input.runOn, invoiceId: invoice.id, description: `Mahngebühr ${invoice.number}`, idempotencyKey: `${input.idempotencyKey}/fee` });
        let flatFeeCents = 0;
        if (step.step === 'first-letter' && business && !(await tx.ledgerEntry.findUnique({ where: { idempotencyKey: `flat-fee/${invoice.id}` } }))) {
          flatFeeCents = FLAT_FEE_CENTS;
          entries.push({ type: 'fee', amountCents: FLAT_FEE_CENTS, bookedOn: input.runOn, invoiceId: invoice.id, description: `Verzugspauschale § 288 Abs. 5 BGB ${invoice.number}`, idempotencyKey: `flat-fee/${invoice.id}` });
        }
        if (entries.length > 0) await bookEntries(tx, contract.id, entries, issuer.country);
        await tx.dunningStep.create({
          data: {
            id: newId(),
            idempotencyKey: input.idempotencyKey,
            contractId: contract.id,
            invoiceId: invoice.id,
            step: step.step,
            level: DUNNING_LEVEL[step.step],
            round: input.round,
            runOn: input.runOn,
            feeCents: step.fee,
            interestCents: interest?.cents ?? 0,
            flatFeeCents,
            interestPeriods: (interest?.periods ?? []) as unknown as Prisma.InputJsonValue,
          },
        });
        await tx.invoice.update({ where: { id: invoice.id }, data: { dunningLevel: Math.max(invoice.dunningLevel, DUNNING_LEVEL[step.step]), dunningNextStepOn: input.nextStepOn } });
        return { feeCents: step.fee, interestCents: interest?.cents ?? 0, flatFeeCents, interest };
      }, BOOKING_TRANSACTION);
    } catch (error) {
      if (error instanceof MissingBaseRateError) {
        throw ApplicationFailure.nonRetryable(
          `No Basiszinssatz for the half-year from ${error.halfYearStart}: add it with POST /v1/base-rates, then retry this step.`,
          DUNNING_FAILURE_TYPES.BASE_RATE_MISSING,
        );
      }
      throw error;
    }
  }

  /** What a step booked, as recorded (a retry renders the same letter). */
  function storedBooking(row: { feeCents: number; interestCents: number; flatFeeCents: number; interestPeriods: unknown }) {
    const periods = row.interestPeriods as DefaultInterest['periods'];
    return { feeCents: row.feeCents, interestCents: row.interestCents, flatFeeCents: row.flatFeeCents, interest: { cents: row.interestCents, periods } };
  }

  /**
   * Default interest on the invoice's open principal from D + 1 (or the day after the last
   * interest booking) through `through`. The principal over time comes from the ledger: the
   * invoice and its chargebacks raise it, payments applied to principal lower it on their
   * booking day.
   */
  async function interestFor(tx: Prisma.TransactionClient, invoice: InvoiceRow, through: string, business: boolean, rates: Awaited<ReturnType<typeof loadBaseRates>>): Promise<DefaultInterest> {
    const last = await tx.ledgerEntry.findFirst({ where: { invoiceId: invoice.id, type: 'interest' }, orderBy: { bookedOn: 'desc' } });
    const from = last ? addDays(last.bookedOn, 1) : addDays(invoice.dueOn, 1);
    const principal = await principalTimeline(tx, invoice);
    if (compareLocalDates(from, through) > 0) return { cents: 0, periods: [] };
    return defaultInterest({ principal: principal.length > 0 && compareLocalDates(principal[0].from, from) <= 0 ? principal : [{ from, principalCents: 0 }, ...principal], from, through, marginBasisPoints: marginFor(business ? 'business' : 'consumer'), rates });
  }

  async function principalTimeline(tx: Prisma.TransactionClient, invoice: InvoiceRow): Promise<PrincipalFrom[]> {
    const changes = new Map<string, number>();
    const add = (on: string, cents: number) => changes.set(on, (changes.get(on) ?? 0) + cents);
    const claims = await tx.ledgerEntry.findMany({ where: { invoiceId: invoice.id, type: { in: ['invoice', 'chargeback'] } } });
    for (const c of claims) add(c.bookedOn, c.amountCents);
    const allocations = await tx.ledgerAllocation.findMany({ where: { invoiceId: invoice.id, component: 'principal' } });
    if (allocations.length > 0) {
      const credits = await tx.ledgerEntry.findMany({ where: { id: { in: allocations.map((a) => a.creditEntryId) } }, select: { id: true, bookedOn: true } });
      const bookedOn = new Map(credits.map((c) => [c.id, c.bookedOn]));
      for (const a of allocations) add(bookedOn.get(a.creditEntryId) ?? invoice.issuedOn, -a.amountCents);
    }
    let running = 0;
    return [...changes.entries()]
      .sort(([a], [b]) => compareLocalDates(a, b))
      .map(([from, delta]) => {
        running += delta;
        return { from, principalCents: Math.max(0, running) };
      });
  }

  async function customerOf(contractId: string) {
    const contract = await prisma.contract.findUniqueOrThrow({ where: { id: contractId }, include: { customer: true } });
    return { contract, customer: contract.customer, locale: contract.customer.locale === 'en' ? ('en' as const) : ('de' as const) };
  }

  async function sendReminder(input: RunDunningStepInput, invoice: InvoiceRow): Promise<void> {
    const { contract, customer, locale } = await customerOf(input.contractId);
    await deps.mail.sendMail({
      idempotencyKey: `${input.idempotencyKey}/mail`,
      contractId: contract.id,
      to: customer.email,
      locale,
      kind: 'payment_reminder',
      invoiceId: invoice.id,
      message: {
        template: 'payment-reminder',
        context: { customerName: customer.name ?? '', contractId: contract.id, invoiceNumber: invoice.number, issuedOn: invoice.issuedOn, dueOn: invoice.dueOn, openCents: invoice.claimCents, payBy: payByOf(input.runOn, null) },
      },
    });
  }

  async function sendLetter(input: RunDunningStepInput, invoice: InvoiceRow, booked: { feeCents: number; interestCents: number; flatFeeCents: number; interest: DefaultInterest | null }): Promise<void> {
    const { contract, customer, locale } = await customerOf(input.contractId);
    const kind = input.ladderStep.step as 'first-letter' | 'final-letter';
    const open = await prisma.invoice.findMany({ where: { contractId: contract.id, status: 'open' }, orderBy: { issuedOn: 'asc' } });
    const parts = await openClaimParts(prisma, open.map((i) => i.id));
    // Pay within 7 days, and before the next step (a short ladder gives less time).
    const payBy = payByOf(input.runOn, input.nextStepOn);
    const address = customer.addressLine1 && customer.postalCode && customer.city && customer.name;
    const data: DunningLetterData | null = address
      ? {
          kind,
          issuer,
          recipient: { name: customer.name as string, addressLine1: customer.addressLine1 as string, addressLine2: customer.addressLine2, postalCode: customer.postalCode as string, city: customer.city as string, country: customer.country === 'AT' ? 'AT' : 'DE' },
          locale,
          contractId: contract.id,
          customerType: customer.type === 'consumer' ? 'consumer' : 'business',
          letterOn: input.runOn,
          invoices: open.map((i) => ({ number: i.number, issuedOn: i.issuedOn, dueOn: i.dueOn, grossCents: i.grossCents, openCents: i.openCents, feesCents: parts.get(i.id)?.fee ?? 0, interestCents: parts.get(i.id)?.interest ?? 0 })),
          interest: (booked.interest?.periods ?? []).map((p) => ({ from: p.from, to: p.to, days: p.days, principalCents: p.principalCents, ratePercentBasisPoints: p.ratePercentBasisPoints, cents: p.cents })),
          feeCents: booked.feeCents,
          flatFeeCents: booked.flatFeeCents,
          totalCents: open.reduce((sum, i) => sum + i.claimCents, 0),
          payBy,
          // The handover is the step after the final letter: its day comes from the invoice's own ladder (and holds).
          handoverOn: kind === 'final-letter' ? announcedHandoverOn(payBy, input.nextStepOn) : null,
          announceCreditReport: kind === 'final-letter' && deps.bureau !== null,
        }
      : null;
    const pdf = data ? await renderDunningLetterPdf(data) : null;
    const fileName = `${kind === 'first-letter' ? '1-Mahnung' : 'Letzte-Mahnung'}-${invoice.number}.pdf`;
    const letterKind = kind === 'first-letter' ? 'dunning_letter_1' : 'dunning_letter_final';
    if (pdf && input.ladderStep.channels.includes('letter')) {
      await deps.letters.sendLetter({ idempotencyKey: `${input.idempotencyKey}/letter`, contractId: contract.id, kind: letterKind, template: kind, invoiceId: invoice.id, locale, fileName, subject: fileName.replace('.pdf', ''), pdfBase64: pdf.toString('base64') });
    }
    if (input.ladderStep.channels.includes('email')) {
      const context = { customerName: customer.name ?? '', contractId: contract.id, invoiceNumber: invoice.number, dueOn: invoice.dueOn, totalCents: data?.totalCents ?? invoice.claimCents, feeCents: booked.feeCents, interestCents: booked.interestCents, flatFeeCents: booked.flatFeeCents, payBy };
      await deps.mail.sendMail({
        idempotencyKey: `${input.idempotencyKey}/mail`,
        contractId: contract.id,
        to: customer.email,
        locale,
        kind: letterKind,
        invoiceId: invoice.id,
        message:
          kind === 'first-letter'
            ? { template: 'dunning-letter-1', context }
            : { template: 'dunning-letter-final', context: { ...context, handoverOn: data?.handoverOn ?? input.runOn, announceCreditReport: data?.announceCreditReport ?? false } },
        attachments: pdf ? [{ filename: fileName, contentType: 'application/pdf', content: pdf }] : [],
      });
    }
  }

  /** The handover: exactly DOMAIN.md's data set, the open claims and the statement, to the agency; then the credit-bureau decision. */
  async function handOver(input: RunDunningStepInput, invoice: InvoiceRow): Promise<NonNullable<RunDunningStepResult['handover']>> {
    const { contract, customer, locale } = await customerOf(input.contractId);
    const handoverId = handoverIdOf(input.idempotencyKey);
    let row = await prisma.collectionHandover.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
    if (!row) {
      // Every open claim goes, except disputed ones (a dispute hold keeps an invoice out of collection).
      const open = await prisma.invoice.findMany({ where: { contractId: contract.id, status: 'open', disputeReason: null }, orderBy: { issuedOn: 'asc' } });
      const parts = await openClaimParts(prisma, open.map((i) => i.id));
      const claims = open.map((i) => ({
        invoiceNumber: i.number,
        issuedOn: i.issuedOn,
        dueOn: i.dueOn,
        openAmount: eur(i.openCents),
        fees: eur(parts.get(i.id)?.fee ?? 0),
        interest: eur(parts.get(i.id)?.interest ?? 0),
      }));
      const debtor = {
        name: customer.name ?? '',
        birthName: customer.birthName,
        address: { line1: customer.addressLine1 ?? '', line2: customer.addressLine2, postalCode: customer.postalCode ?? '', city: customer.city ?? '', country: customer.country },
        email: customer.email ?? '',
        dateOfBirth: customer.dateOfBirth,
        occupation: customer.occupation,
        phone: customer.phone,
        contractDate: contract.startedOn,
      };
      const total = open.reduce((sum, i) => sum + i.claimCents, 0);
      const statement = (await renderStatement(prisma, issuer, contract.id, input.runOn)) ?? Buffer.alloc(0);
      const document: CollectionHandover = {
        formatVersion: 1,
        handoverId,
        handedOverOn: input.runOn,
        creditor: { name: issuer.name, vatId: issuer.vatId, address: { line1: issuer.addressLine1, line2: issuer.addressLine2, postalCode: issuer.postalCode, city: issuer.city, country: issuer.country } },
        debtor,
        claims,
        claimTotal: eur(total),
        statement: { fileName: 'statement.pdf', sha256: createHash('sha256').update(statement).digest('hex') },
      };
      let agencyReference: string;
      try {
        ({ agencyReference } = await deps.agency.handOver(document, statement));
      } catch (error) {
        if (error instanceof CollectionAgencyTransientError) throw error; // retried
        throw ApplicationFailure.nonRetryable(`The collection agency refused handover ${handoverId}: ${(error as Error).message}`, 'CollectionAgencyRejected');
      }
      await prisma.collectionHandover.createMany({
        data: [{ id: newId(), idempotencyKey: input.idempotencyKey, contractId: contract.id, handedOverOn: input.runOn, debtor, claims, claimTotalCents: total, status: 'delivered', agency: deps.agency.name, agencyReference }],
        skipDuplicates: true,
      });
      row = await prisma.collectionHandover.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
      await deps.mail.sendMail({
        idempotencyKey: `${input.idempotencyKey}/mail`,
        contractId: contract.id,
        to: customer.email,
        locale,
        kind: 'collection_handover',
        invoiceId: invoice.id,
        message: { template: 'collection-handover', context: { customerName: customer.name ?? '', contractId: contract.id, invoiceNumbers: open.map((i) => i.number).join(', '), totalCents: total, handedOverOn: input.runOn, agencyName: deps.agency.name } },
      });
    }
    // Credit-bureau report only when § 31 (2) Nr. 4 BDSG holds.
    const letters = input.earlier.filter((e): e is { step: 'first-letter' | 'final-letter'; runOn: string } => e.step === 'first-letter' || e.step === 'final-letter').map((e) => ({ kind: e.step, sentOn: e.runOn }));
    const decision = creditReportDecision({ letters, announced: deps.bureau !== null && letters.some((l) => l.kind === 'final-letter'), disputed: input.disputed, today: input.runOn });
    const reason = decision.decision === 'withheld' ? decision.reason : null;
    const reportKey = `${input.idempotencyKey}/credit-report`;
    if (decision.decision === 'sent' && deps.bureau) {
      try {
        await deps.bureau.report({
          reportId: createHash('sha256').update(reportKey).digest('hex').slice(0, 32),
          debtor: { name: customer.name ?? '', birthName: customer.birthName, dateOfBirth: customer.dateOfBirth, address: { line1: customer.addressLine1 ?? '', line2: customer.addressLine2, postalCode: customer.postalCode ?? '', city: customer.city ?? '', country: customer.country } },
          claim: { invoiceNumber: invoice.number, amount: eur(invoice.claimCents), dueOn: invoice.dueOn },
          decidedOn: input.runOn,
        });
      } catch (error) {
        if (error instanceof CreditBureauTransientError) throw error;
        throw ApplicationFailure.nonRetryable(`The credit bureau refused the report: ${(error as Error).message}`, 'CreditBureauRejected');
      }
    }
    await prisma.creditReport.createMany({
      data: [{ id: newId(), idempotencyKey: reportKey, contractId: contract.id, invoiceId: invoice.id, decision: decision.decision, reason, decidedOn: input.runOn, bureau: deps.bureau?.name ?? 'none' }],
      skipDuplicates: true,
    });
    return { handoverId: row.id, creditReport: decision.decision, reason };
  }
}

const eur = (amount: number) => ({ amount, currency: 'EUR' as const });

/** The handover's id towards the agency (a folder name: hex only), derived from the step's key. */
function handoverIdOf(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
}
