/**
 * What a verified PSP event books (docs/payments.md): `payment.succeeded` → a payment (or a
 * prepayment) on the account, `payment.failed` → the charge failed (the workflow suspends a
 * prepaid contract), `chargeback` → the amount is a claim of its invoice again. The event id is
 * recorded in the booking's transaction (`webhook_events (source, event_id)` unique): a replayed
 * event books nothing.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../database/prisma-client';
import type { Country } from '../domain/invoice';
import type { ReceivablesSnapshot } from '../domain/ledger';
import { retainUntil } from '../domain/retention';
import { Prisma } from '../generated/prisma/client';
import { bookEntries, BOOKING_TRANSACTION } from '../ledger/ledger-store';
import type { PspEvent } from '../psp/psp';

/** `webhook_events.source` of PSP events. */
export const PSP_SOURCE = 'psp';

export type PspEventOutcome =
  | { readonly result: 'duplicate' | 'ignored'; readonly eventId: string; readonly reason?: string }
  | {
      readonly result: 'booked' | 'failed';
      readonly eventId: string;
      readonly contractId: string;
      readonly workflowId: string;
      readonly snapshot: ReceivablesSnapshot | null;
      /** Set for `payment.failed`: what the workflow is told. */
      readonly failure: { invoiceId: string | null; purpose: 'invoice' | 'top-up' | 'prepayment'; reason: string } | null;
    };

/** Thrown when the event names a charge the platform does not know (yet): 404, the PSP retries. */
export class UnknownPspPaymentError extends Error {
  constructor(readonly paymentId: string) {
    super(`No charge ${paymentId} is known`);
  }
}

type Charge = NonNullable<Awaited<ReturnType<PrismaClient['cardCharge']['findUnique']>>>;

async function findCharge(prisma: PrismaClient, event: PspEvent): Promise<Charge | null> {
  const byId = await prisma.cardCharge.findUnique({ where: { pspPaymentId: event.paymentId } });
  if (byId) return byId;
  // The webhook can overtake the PSP's answer to the charge: match the pending charge by reference.
  if (!event.reference) return null;
  return prisma.cardCharge.findFirst({ where: { reference: event.reference, pspPaymentId: null, status: 'pending' }, orderBy: { createdAt: 'asc' } });
}

/** Applies one verified PSP event; `bookedOn` is today in the contract's zone (the platform's clock). */
export async function applyPspEvent(prisma: PrismaClient, event: PspEvent, options: { issuerCountry: Country; bookedOnOf: (timeZone: string) => string }): Promise<PspEventOutcome> {
  const charge = await findCharge(prisma, event);
  if (!charge) {
    const replay = await prisma.webhookEvent.findUnique({ where: { source_eventId: { source: PSP_SOURCE, eventId: event.eventId } } });
    if (replay) return { result: 'duplicate', eventId: event.eventId };
    throw new UnknownPspPaymentError(event.paymentId);
  }
  const contract = await prisma.contract.findUniqueOrThrow({ where: { id: charge.contractId }, select: { workflowId: true, timeZone: true } });
  const bookedOn = options.bookedOnOf(contract.timeZone);
  try {
    return await applyInTransaction(prisma, event, charge, contract, bookedOn, options.issuerCountry);
  } catch (error) {
    // The same payment reported again under a new event id (its booking key exists): nothing is booked twice.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return { result: 'duplicate', eventId: event.eventId };
    throw error;
  }
}

async function applyInTransaction(
  prisma: PrismaClient,
  event: PspEvent,
  charge: Charge,
  contract: { workflowId: string },
  bookedOn: string,
  issuerCountry: Country,
): Promise<PspEventOutcome> {
  const options = { issuerCountry };
  return prisma.$transaction(async (tx): Promise<PspEventOutcome> => {
    const recorded = await tx.webhookEvent.createMany({ data: [{ id: randomUUID(), source: PSP_SOURCE, eventId: event.eventId, payload: event }], skipDuplicates: true });
    if (recorded.count === 0) return { result: 'duplicate', eventId: event.eventId };
    await tx.cardCharge.updateMany({ where: { id: charge.id, pspPaymentId: null }, data: { pspPaymentId: event.paymentId } });
    const base = { eventId: event.eventId, contractId: charge.contractId, workflowId: contract.workflowId };
    switch (event.type) {
      case 'payment.succeeded': {
        // A success for a charge already booked (or charged back) books nothing again.
        const current = await tx.cardCharge.findUniqueOrThrow({ where: { id: charge.id } });
        if (current.status === 'succeeded' || current.status === 'charged-back') return { result: 'duplicate', eventId: event.eventId };
        return { ...base, result: 'booked', snapshot: await bookCardPayment(tx, charge, event, bookedOn, options.issuerCountry), failure: null };
      }
      case 'payment.failed': {
        const failed = await tx.cardCharge.updateMany({ where: { id: charge.id, status: 'pending' }, data: { status: 'failed', failureReason: event.failureReason ?? 'payment_failed' } });
        // A failure reported after the charge succeeded (or was already marked failed) changes nothing.
        if (failed.count === 0) return { result: 'ignored', eventId: event.eventId, reason: 'The charge is no longer pending.' };
        if (charge.prepaymentId) await tx.prepayment.updateMany({ where: { id: charge.prepaymentId, status: 'pending' }, data: { status: 'failed' } });
        const purpose = charge.prepaymentId ? (charge.invoiceId ? 'top-up' : 'prepayment') : 'invoice';
        return { ...base, result: 'failed', snapshot: null, failure: { invoiceId: charge.invoiceId, purpose, reason: event.failureReason ?? 'payment_failed' } };
      }
      case 'chargeback': {
        const snapshot = await bookChargeback(tx, charge, event, bookedOn, options.issuerCountry);
        return snapshot ? { ...base, result: 'booked', snapshot, failure: null } : { result: 'ignored', eventId: event.eventId, reason: 'The charge was never paid.' };
      }
    }
  }, BOOKING_TRANSACTION);
}

async function bookCardPayment(tx: Prisma.TransactionClient, charge: Charge, event: PspEvent, bookedOn: string, issuerCountry: Country): Promise<ReceivablesSnapshot> {
  const amountCents = event.amount.amount;
  const key = `psp/${event.paymentId}`;
  const paymentId = randomUUID();
  const prepaid = charge.prepaymentId !== null;
  await tx.cardCharge.update({ where: { id: charge.id }, data: { status: 'succeeded' } });
  if (charge.prepaymentId) await tx.prepayment.update({ where: { id: charge.prepaymentId }, data: { status: 'succeeded' } });
  await tx.payment.create({
    data: {
      id: paymentId,
      contractId: charge.contractId,
      method: 'card',
      source: 'psp',
      amountCents,
      bookedOn,
      reference: event.paymentId,
      invoiceId: prepaid ? null : charge.invoiceId,
      status: 'booked',
      idempotencyKey: key,
      retainUntil: retainUntil('payment', bookedOn, issuerCountry),
    },
  });
  const result = await bookEntries(
    tx,
    charge.contractId,
    [
      {
        type: prepaid ? 'prepayment' : 'payment',
        amountCents,
        bookedOn,
        invoiceId: prepaid ? null : charge.invoiceId,
        paymentId,
        reference: event.paymentId,
        description: prepaid ? 'Prepaid-Aufladung per Karte (nicht erstattungsfähig)' : `Kartenzahlung ${charge.reference}`,
        idempotencyKey: key,
      },
    ],
    issuerCountry,
  );
  return result.snapshot;
}

async function bookChargeback(tx: Prisma.TransactionClient, charge: Charge, event: PspEvent, bookedOn: string, issuerCountry: Country): Promise<ReceivablesSnapshot | null> {
  const payment = await tx.payment.findUnique({ where: { idempotencyKey: `psp/${event.paymentId}` } });
  if (!payment) return null;
  await tx.payment.update({ where: { id: payment.id }, data: { status: 'charged-back' } });
  await tx.cardCharge.update({ where: { id: charge.id }, data: { status: 'charged-back' } });
  const result = await bookEntries(
    tx,
    charge.contractId,
    [
      {
        type: 'chargeback',
        amountCents: payment.amountCents,
        bookedOn,
        invoiceId: charge.invoiceId,
        paymentId: payment.id,
        reference: event.paymentId,
        description: `Rückbelastung der Kartenzahlung ${charge.reference}`,
        idempotencyKey: `psp-chargeback/${event.paymentId}`,
      },
    ],
    issuerCountry,
  );
  return result.snapshot;
}
