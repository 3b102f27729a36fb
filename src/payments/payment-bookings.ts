/**
 * Bookings of money received and reversed (docs/payments.md): bank transfers (operator entry or
 * camt.053), PSP card events, SEPA returns. Each booking is one transaction under the contract
 * lock with an idempotency key derived from its source, enforced by unique constraints on
 * `payments` and `ledger_entries`; a replay books nothing and answers with the first result.
 * Free of Nest: the API services call these; tests call them directly and concurrently.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../database/prisma-client';
import type { Country } from '../domain/invoice';
import type { ReceivablesSnapshot } from '../domain/ledger';
import { retainUntil } from '../domain/retention';
import { Prisma } from '../generated/prisma/client';
import { BOOKING_TRANSACTION, bookEntries, readReceivables } from '../ledger/ledger-store';

/** Invoice numbers (`2027-000001`) in a free-text reference. */
const INVOICE_NUMBER = /\b(\d{4}-\d{6})\b/g;

/** The invoice numbers a bank reference names, in order. */
export function invoiceNumbersIn(reference: string): string[] {
  return [...reference.matchAll(INVOICE_NUMBER)].map((m) => m[1]);
}

/** What one booking of money did to the account. */
export interface AppliedAmount {
  readonly invoiceId: string | null;
  readonly invoiceNumber: string | null;
  readonly component: 'fee' | 'interest' | 'principal';
  readonly amount: { amount: number; currency: 'EUR' };
}

export interface BookedPayment {
  readonly paymentId: string;
  readonly contractId: string;
  readonly workflowId: string;
  readonly invoiceId: string | null;
  readonly applied: readonly AppliedAmount[];
  /** What stayed on the account as credit (an overpayment). */
  readonly credit: { amount: number; currency: 'EUR' };
  /** False when the source was booked before (nothing was booked this time). */
  readonly booked: boolean;
  readonly snapshot: ReceivablesSnapshot;
}

export type TransferResult = { readonly matched: true; readonly payment: BookedPayment } | { readonly matched: false; readonly unmatchedId: string; readonly reason: string };

/** The short answer of a booking in a batch (a statement import): no allocation details, no snapshot. */
export type BatchTransferResult =
  | { readonly matched: true; readonly booked: boolean; readonly contractId: string }
  | { readonly matched: false; readonly unmatchedId: string; readonly reason: string };

export interface TransferInput {
  readonly reference: string;
  readonly amountCents: number;
  readonly bookedOn: string;
  readonly payerName: string | null;
  /** bank-transfer (operator) | bank-statement (camt.053) */
  readonly source: 'bank-transfer' | 'bank-statement';
  /** Idempotency of the source: `transfer/<Idempotency-Key>` or `camt/<account>/<entry>/<tx>`. */
  readonly sourceKey: string;
}

/**
 * Books a received transfer on the invoice its reference names (partial, exact or over: the
 * rest stays credit, § 367 applies). No invoice named → kept in `unmatched_transfers` once.
 */
export async function bookTransfer(prisma: PrismaClient, input: TransferInput, issuerCountry: Country): Promise<TransferResult> {
  const result = await bookTransferInBatch(prisma, input, issuerCountry);
  if (!result.matched) return result;
  const payment = await prisma.payment.findUniqueOrThrow({ where: { idempotencyKey: input.sourceKey }, select: { id: true } });
  return { matched: true, payment: await describePayment(prisma, payment.id, result.booked) };
}

/** {@link bookTransfer} without the description of what it paid (one signal per contract follows the batch). */
export async function bookTransferInBatch(prisma: PrismaClient, input: TransferInput, issuerCountry: Country): Promise<BatchTransferResult> {
  const seen = await prisma.payment.findUnique({ where: { idempotencyKey: input.sourceKey }, select: { contractId: true } });
  if (seen) return { matched: true, booked: false, contractId: seen.contractId };
  const numbers = invoiceNumbersIn(input.reference);
  const invoice = numbers.length > 0 ? await prisma.invoice.findFirst({ where: { number: { in: numbers } }, orderBy: { number: 'asc' } }) : null;
  if (!invoice || invoice.status === 'destroyed') {
    const reason = numbers.length === 0 ? 'The reference names no invoice number.' : `No invoice ${numbers.join(', ')} exists.`;
    await prisma.unmatchedTransfer.createMany({
      data: [{ id: randomUUID(), source: input.source, sourceKey: input.sourceKey, reference: input.reference, amountCents: input.amountCents, bookedOn: input.bookedOn, payerName: input.payerName, reason }],
      skipDuplicates: true,
    });
    const kept = await prisma.unmatchedTransfer.findUniqueOrThrow({ where: { sourceKey: input.sourceKey } });
    return { matched: false, unmatchedId: kept.id, reason };
  }
  const paymentId = randomUUID();
  const booked = await inTransactionOnce(prisma, async (tx) => {
    await tx.payment.create({
      data: {
        id: paymentId,
        contractId: invoice.contractId,
        method: 'transfer',
        source: input.source,
        amountCents: input.amountCents,
        bookedOn: input.bookedOn,
        reference: input.reference,
        payerName: input.payerName,
        invoiceId: invoice.id,
        status: 'booked',
        idempotencyKey: input.sourceKey,
        retainUntil: retainUntil('payment', input.bookedOn, issuerCountry),
      },
    });
    await bookEntries(
      tx,
      invoice.contractId,
      [{ type: 'payment', amountCents: input.amountCents, bookedOn: input.bookedOn, invoiceId: invoice.id, paymentId, reference: input.reference, description: `Überweisung ${invoice.number}`, idempotencyKey: input.sourceKey }],
      issuerCountry,
    );
  });
  return { matched: true, booked, contractId: invoice.contractId };
}

/**
 * Runs `work` in a transaction; a unique violation (a concurrent booking of the same source won)
 * rolls it back and returns false.
 */
export async function inTransactionOnce(prisma: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<void>): Promise<boolean> {
  try {
    await prisma.$transaction(work, BOOKING_TRANSACTION);
    return true;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
    throw error;
  }
}

/** A payment with what its ledger entry was applied to. */
export async function describePayment(prisma: PrismaClient, paymentId: string, booked: boolean): Promise<BookedPayment> {
  const payment = await prisma.payment.findUniqueOrThrow({ where: { id: paymentId } });
  const [entry, contract] = await Promise.all([
    prisma.ledgerEntry.findFirst({ where: { paymentId, type: { in: ['payment', 'prepayment'] } } }),
    prisma.contract.findUniqueOrThrow({ where: { id: payment.contractId }, select: { workflowId: true } }),
  ]);
  const allocations = entry ? await prisma.ledgerAllocation.findMany({ where: { creditEntryId: entry.id }, orderBy: { createdAt: 'asc' } }) : [];
  const numbers = new Map(
    (await prisma.invoice.findMany({ where: { id: { in: allocations.map((a) => a.invoiceId).filter((id): id is string => id !== null) } }, select: { id: true, number: true } })).map((i) => [i.id, i.number]),
  );
  const applied = allocations.map((a) => ({
    invoiceId: a.invoiceId,
    invoiceNumber: a.invoiceId ? (numbers.get(a.invoiceId) ?? null) : null,
    component: a.component as AppliedAmount['component'],
    amount: { amount: a.amountCents, currency: 'EUR' as const },
  }));
  const creditCents = payment.amountCents - allocations.reduce((sum, a) => sum + a.amountCents, 0);
  return {
    paymentId,
    contractId: payment.contractId,
    workflowId: contract.workflowId,
    invoiceId: payment.invoiceId,
    applied,
    credit: { amount: creditCents, currency: 'EUR' },
    booked,
    snapshot: await readReceivables(prisma, payment.contractId),
  };
}

/** A SEPA return (Rücklastschrift) as camt.053 or an operator reports it. */
export interface SepaReturnInput {
  readonly endToEndId: string;
  readonly returnedOn: string;
  readonly reasonCode: string | null;
  /** `sepa-return/<end-to-end id>`: a debit is returned at most once, whatever reports it. */
  readonly feeCents: number;
}

export type SepaReturnResult =
  | { readonly found: true; readonly booked: boolean; readonly contractId: string; readonly workflowId: string; readonly invoiceId: string; readonly snapshot: ReceivablesSnapshot }
  | { readonly found: false };

/**
 * Books a returned debit: the collected amount becomes a claim of its invoice again
 * (`chargeback`), the bank's return fee a `fee` of it; the debit and payment are marked returned.
 */
export async function bookSepaReturn(prisma: PrismaClient, input: SepaReturnInput, issuerCountry: Country): Promise<SepaReturnResult> {
  const debit = await prisma.sepaDebit.findUnique({ where: { endToEndId: input.endToEndId } });
  if (!debit || debit.status === 'scheduled' || debit.status === 'cancelled') return { found: false };
  const payment = await prisma.payment.findUnique({ where: { idempotencyKey: `sepa/${debit.endToEndId}` } });
  if (!payment) return { found: false };
  const contract = await prisma.contract.findUniqueOrThrow({ where: { id: debit.contractId }, select: { workflowId: true } });
  const key = `sepa-return/${debit.endToEndId}`;
  let snapshot: ReceivablesSnapshot | null = null;
  const booked = await inTransactionOnce(prisma, async (tx) => {
    const result = await bookEntries(
      tx,
      debit.contractId,
      [
        { type: 'chargeback', amountCents: payment.amountCents, bookedOn: input.returnedOn, invoiceId: debit.invoiceId, paymentId: payment.id, reference: debit.endToEndId, description: `Rücklastschrift ${debit.endToEndId}${input.reasonCode ? ` (${input.reasonCode})` : ''}`, idempotencyKey: key },
        ...(input.feeCents > 0
          ? [{ type: 'fee' as const, amountCents: input.feeCents, bookedOn: input.returnedOn, invoiceId: debit.invoiceId, reference: debit.endToEndId, description: 'Rücklastschriftgebühr der Bank', idempotencyKey: `${key}/fee` }]
          : []),
      ],
      issuerCountry,
    );
    if (!result.booked) throw new Prisma.PrismaClientKnownRequestError('already booked', { code: 'P2002', clientVersion: Prisma.prismaVersion.client });
    await tx.sepaDebit.update({ where: { id: debit.id }, data: { status: 'returned', returnReason: input.reasonCode } });
    await tx.payment.update({ where: { id: payment.id }, data: { status: 'returned' } });
    snapshot = result.snapshot;
  });
  return { found: true, booked, contractId: debit.contractId, workflowId: contract.workflowId, invoiceId: debit.invoiceId, snapshot: snapshot ?? (await readReceivables(prisma, debit.contractId)) };
}
