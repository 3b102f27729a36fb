/**
 * Payment activities of the contract workflow (docs/payments.md): card charges through the PSP
 * (postpaid invoices on their issue date, prepaid top-ups) and SEPA collections on the due date.
 * Each is exactly once: the charge row and the PSP call share the step's idempotency key; the
 * collection's booking carries the debit's end-to-end id.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/database/prisma-client';
import type { Country } from '../src/domain/invoice';
import { LedgerContractMissingError, bookEntries, readReceivables, BOOKING_TRANSACTION } from '../src/ledger/ledger-store';
import { retainUntil } from '../src/domain/retention';
import { Prisma } from '../src/generated/prisma/client';
import { lockContract } from '../src/database/row-locks';
import type { Psp } from '../src/psp/psp';
import { PspError } from '../src/psp/psp';
import type { ChargeInput, ChargeOutcome, CollectSepaOutcome, PaymentActivities } from './payments.types';

export type { PaymentActivities } from './payments.types';

/** Non-retryable failure types of the payment activities. */
export const PAYMENT_FAILURE_TYPES = { INVOICE_MISSING: 'INVOICE_MISSING', CONTRACT_ROW_MISSING: 'CONTRACT_ROW_MISSING' } as const;

export function createPaymentActivities(deps: { prisma: PrismaClient; psp: Psp; issuerCountry: Country; newId: () => string }): PaymentActivities {
  const { prisma, psp } = deps;

  /** The card on file, or null. */
  const cardOf = async (contractId: string) =>
    prisma.paymentMethod.findFirst({ where: { contractId, revokedAt: null, type: 'card' }, orderBy: { createdAt: 'desc' } });

  /**
   * Creates the charge row once per key (pending, before the PSP is called: its webhook may
   * arrive before the PSP's answer does), then asks the PSP with the same key.
   */
  const charge = async (input: ChargeInput, purpose: 'invoice' | 'top-up'): Promise<ChargeOutcome> => {
    const invoice = await prisma.invoice.findUnique({ where: { id: input.invoiceId } });
    if (!invoice) throw ApplicationFailure.nonRetryable(`Invoice ${input.invoiceId} does not exist`, PAYMENT_FAILURE_TYPES.INVOICE_MISSING);
    let row = await prisma.cardCharge.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
    if (!row) {
      const receivables = await readReceivables(prisma, input.contractId);
      if (invoice.claimCents === 0) return { charged: false, reason: 'NOTHING_OPEN', receivables };
      const card = await cardOf(input.contractId);
      if (!card?.pspToken) return { charged: false, reason: 'NO_CARD', receivables };
      const amountCents = invoice.claimCents;
      const chargeId = deps.newId();
      const prepaymentId = purpose === 'top-up' ? deps.newId() : null;
      try {
        row = await prisma.$transaction(async (tx) => {
          if (prepaymentId) {
            await tx.prepayment.create({ data: { id: prepaymentId, contractId: input.contractId, amountCents, origin: 'top-up', status: 'pending', idempotencyKey: input.idempotencyKey } });
          }
          return tx.cardCharge.create({
            data: {
              id: chargeId,
              contractId: input.contractId,
              invoiceId: invoice.id,
              prepaymentId,
              psp: psp.name,
              idempotencyKey: input.idempotencyKey,
              reference: prepaymentId ?? invoice.number,
              amountCents,
              status: 'pending',
            },
          });
        }, BOOKING_TRANSACTION);
      } catch (error) {
        if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
        row = await prisma.cardCharge.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
      }
    }
    if (row.status === 'failed') return { charged: false, reason: 'CARD_DECLINED', receivables: await readReceivables(prisma, input.contractId) };
    if (row.pspPaymentId) return { charged: true, chargeId: row.id, pspPaymentId: row.pspPaymentId, amountCents: row.amountCents };
    const card = await cardOf(input.contractId);
    try {
      const accepted = await psp.charge({
        idempotencyKey: input.idempotencyKey,
        amountCents: row.amountCents,
        currency: 'EUR',
        cardToken: card?.pspToken ?? '',
        reference: row.reference,
        contractId: input.contractId,
        description: purpose === 'top-up' ? `Prepaid top-up for invoice ${invoice.number}` : `Invoice ${invoice.number}`,
      });
      // The webhook may have set the id already; a conditional update keeps the first.
      await prisma.cardCharge.updateMany({ where: { id: row.id, pspPaymentId: null }, data: { pspPaymentId: accepted.paymentId } });
      if (accepted.status === 'failed') {
        await markFailed(row.id, row.prepaymentId, accepted.failureReason ?? 'card_declined');
        return { charged: false, reason: 'CARD_DECLINED', receivables: await readReceivables(prisma, input.contractId) };
      }
      return { charged: true, chargeId: row.id, pspPaymentId: accepted.paymentId, amountCents: row.amountCents };
    } catch (error) {
      if (error instanceof PspError && !error.retryable) {
        await markFailed(row.id, row.prepaymentId, `${error.code}: ${error.message}`);
        return { charged: false, reason: error.code === 'INVALID_CARD_TOKEN' ? 'INVALID_CARD_TOKEN' : 'CARD_DECLINED', receivables: await readReceivables(prisma, input.contractId) };
      }
      throw error; // retryable: the activity retries with the same key
    }
  };

  const markFailed = async (chargeId: string, prepaymentId: string | null, reason: string) => {
    await prisma.$transaction([
      prisma.cardCharge.updateMany({ where: { id: chargeId, status: 'pending' }, data: { status: 'failed', failureReason: reason } }),
      ...(prepaymentId ? [prisma.prepayment.updateMany({ where: { id: prepaymentId, status: 'pending' }, data: { status: 'failed' } })] : []),
    ]);
  };

  return {
    chargeInvoice: (input) => charge(input, 'invoice'),
    topUpPrepaid: (input) => charge(input, 'top-up'),

    async collectSepaDebit(input): Promise<CollectSepaOutcome> {
      try {
        return await prisma.$transaction(async (tx) => {
          // Under the contract lock: two attempts of the same collection serialize, the second finds it collected.
          if (!(await lockContract(tx, input.contractId))) throw new LedgerContractMissingError(input.contractId);
          const debit = await tx.sepaDebit.findUnique({ where: { invoiceId: input.invoiceId } });
          if (!debit) throw ApplicationFailure.nonRetryable(`Invoice ${input.invoiceId} has no SEPA debit`, PAYMENT_FAILURE_TYPES.INVOICE_MISSING);
          if (debit.status !== 'scheduled') {
            return { result: 'already' as const, collectionId: debit.collectionId, amountCents: debit.amountCents, receivables: await readReceivables(tx, input.contractId) };
          }
          const [invoice, mandate] = await Promise.all([
            tx.invoice.findUniqueOrThrow({ where: { id: input.invoiceId } }),
            tx.paymentMethod.findUnique({ where: { id: debit.paymentMethodId } }),
          ]);
          // Nothing left to collect (paid by transfer meanwhile), or the mandate was revoked
          // before the due date: the debit is not sent; the invoice is paid by transfer.
          const amountCents = Math.min(debit.amountCents, invoice.claimCents);
          if (amountCents <= 0 || !mandate || mandate.revokedAt !== null) {
            await tx.sepaDebit.update({ where: { id: debit.id }, data: { status: 'cancelled' } });
            return { result: 'cancelled' as const, collectionId: null, amountCents: 0, receivables: await readReceivables(tx, input.contractId) };
          }
          // One collection per due date: created by the first debit of the day, found by the others.
          await tx.sepaCollection.createMany({ data: [{ id: deps.newId(), dueOn: debit.dueOn, messageId: `VW-${debit.dueOn.replaceAll('-', '')}` }], skipDuplicates: true });
          const collection = await tx.sepaCollection.findUniqueOrThrow({ where: { dueOn: debit.dueOn } });
          await tx.sepaDebit.update({ where: { id: debit.id }, data: { status: 'collected', collectionId: collection.id, amountCents } });
          await tx.paymentMethod.update({ where: { id: mandate.id }, data: { lastCollectedOn: input.bookedOn } });
          const paymentId = deps.newId();
          await tx.payment.create({
            data: {
              id: paymentId,
              contractId: input.contractId,
              method: 'sepa',
              source: 'sepa-collection',
              amountCents,
              bookedOn: input.bookedOn,
              reference: debit.endToEndId,
              payerName: debit.debtorName,
              invoiceId: invoice.id,
              status: 'booked',
              idempotencyKey: `sepa/${debit.endToEndId}`,
              retainUntil: retainUntil('payment', input.bookedOn, deps.issuerCountry),
            },
          });
          const booking = await bookEntries(
            tx,
            input.contractId,
            [
              {
                type: 'payment',
                amountCents,
                bookedOn: input.bookedOn,
                invoiceId: invoice.id,
                paymentId,
                reference: debit.endToEndId,
                description: `SEPA-Lastschrift ${invoice.number} (Mandat ${debit.mandateReference})`,
                idempotencyKey: `sepa/${debit.endToEndId}`,
              },
            ],
            deps.issuerCountry,
          );
          return { result: 'collected' as const, collectionId: collection.id, amountCents, receivables: booking.snapshot };
        }, BOOKING_TRANSACTION);
      } catch (error) {
        if (error instanceof LedgerContractMissingError) throw ApplicationFailure.nonRetryable(error.message, PAYMENT_FAILURE_TYPES.CONTRACT_ROW_MISSING);
        throw error;
      }
    },
  };
}
