/**
 * SEPA direct debits of invoices (docs/payments.md): scheduled when the invoice is issued (the
 * invoice carries the pre-notification: amount, due date, mandate, creditor id — 14 days ahead),
 * collected on the due date into that day's collection, whose pain.008.001.08 goes to the bank.
 */
import type { Prisma } from '../generated/prisma/client';
import { endToEndIdOf, sequenceTypeOf } from '../domain/sepa-mandate';

interface Mandate {
  readonly id: string;
  readonly mandateReference: string | null;
  readonly signedOn: string | null;
  readonly iban: string | null;
  readonly accountHolder: string | null;
}

/** Schedules the debit of a SEPA invoice (inside the invoice's transaction; one per invoice). */
export async function scheduleSepaDebit(
  tx: Prisma.TransactionClient,
  input: { invoice: { id: string; number: string; contractId: string; grossCents: number; dueOn: string }; mandate: Mandate; newId: () => string },
): Promise<void> {
  const { invoice, mandate } = input;
  if (!mandate.mandateReference || !mandate.iban || !mandate.signedOn || !mandate.accountHolder) {
    throw new Error(`Payment method ${mandate.id} is not a complete SEPA mandate`);
  }
  const earlier = await tx.sepaDebit.count({ where: { paymentMethodId: mandate.id, status: { not: 'cancelled' } } });
  await tx.sepaDebit.create({
    data: {
      id: input.newId(),
      invoiceId: invoice.id,
      contractId: invoice.contractId,
      paymentMethodId: mandate.id,
      mandateReference: mandate.mandateReference,
      mandateSignedOn: mandate.signedOn,
      debtorName: mandate.accountHolder,
      iban: mandate.iban,
      amountCents: invoice.grossCents,
      dueOn: invoice.dueOn,
      endToEndId: endToEndIdOf(invoice.number),
      sequenceType: sequenceTypeOf(earlier),
      status: 'scheduled',
    },
  });
}
