/**
 * Billing activities of the contract workflow: read what an invoice run needs (usage, the
 * customer's tax profile) and issue the invoice the domain computed — with its gapless number,
 * in one short transaction, exactly once per contract and billing day.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/database/prisma-client';
import type { LocalDate } from '../src/domain/calendar';
import type { UsageSummary } from '../src/domain/billing-run';
import type { Country, InvoiceDocumentData, InvoiceDraft, Issuer, PaymentInstructions } from '../src/domain/invoice';
import type { TaxProfile } from '../src/domain/vat';
import { CURRENT_INVOICE_TEMPLATE_VERSION } from '../src/documents/invoice-pdf';
import { toDocumentLines } from '../src/documents/line-descriptions';
import { formatInvoiceNumber, issuerKeyOf } from '../src/domain/invoice-number';
import { Prisma } from '../src/generated/prisma/client';
import type { ReceivablesSnapshot } from '../src/domain/ledger';
import { isMandateExpired } from '../src/domain/sepa-mandate';
import { bookEntries, readReceivables, BOOKING_TRANSACTION } from '../src/ledger/ledger-store';
import { scheduleSepaDebit } from '../src/sepa/sepa-debits';

/** Input of {@link BillingActivities.prepareInvoiceRun}. */
export interface PrepareInvoiceRunInput {
  readonly contractId: string;
  /** Unbilled usage on or before this local date is counted; null: no usage period. */
  readonly usageThrough: LocalDate | null;
}

/** What an invoice run reads from the database. */
export interface InvoiceRunInputs {
  readonly usage: UsageSummary;
  /** ISO instant of the usage read: exactly the events recorded up to it are billed. */
  readonly usageAsOf: string;
  readonly tax: TaxProfile;
}

/** Input of {@link BillingActivities.issueInvoice}. */
export interface IssueInvoiceInput {
  /** `<workflowId>/bill/<billing day>`: one invoice per contract and billing day, ever. */
  readonly idempotencyKey: string;
  readonly contractId: string;
  readonly draft: InvoiceDraft;
  readonly usageAsOf: string;
  readonly usageThrough: LocalDate | null;
}

/** The billing activities the contract workflow calls. */
export interface BillingActivities {
  prepareInvoiceRun(input: PrepareInvoiceRunInput): Promise<InvoiceRunInputs>;
  /**
   * Issues the invoice: takes the next number of the issuer's year and stores the invoice with
   * its document data (customer name and address as of today) in one transaction, and marks the
   * usage it bills. A retry finds the invoice by its idempotency key and takes no second number.
   */
  issueInvoice(input: IssueInvoiceInput): Promise<IssuedInvoice>;
}

/** An issued invoice as the workflow continues with it: how it is paid, and the account after it. */
export interface IssuedInvoice {
  readonly invoiceId: string;
  readonly number: string;
  readonly created: boolean;
  readonly paymentMethod: PaymentInstructions['method'];
  readonly dueOn: LocalDate;
  /** Open principal after credit on the account was applied (prepaid balance, overpayments). */
  readonly openCents: number;
  readonly receivables: ReceivablesSnapshot;
}

/** Non-retryable failure types of the billing activities. */
export const BILLING_FAILURE_TYPES = { CONTRACT_ROW_MISSING: 'CONTRACT_ROW_MISSING', CUSTOMER_DATA_MISSING: 'CUSTOMER_DATA_MISSING' } as const;

function issuedResult(invoice: { id: string; number: string; paymentMethod: string; dueOn: string; openCents: number }, created: boolean, receivables: ReceivablesSnapshot): IssuedInvoice {
  return {
    invoiceId: invoice.id,
    number: invoice.number,
    created,
    paymentMethod: invoice.paymentMethod as PaymentInstructions['method'],
    dueOn: invoice.dueOn,
    openCents: invoice.openCents,
    receivables,
  };
}

export function createBillingActivities(deps: { prisma: PrismaClient; issuer: Issuer; newId: () => string; mandateExpiryMonths?: number }): BillingActivities {
  const { prisma, issuer } = deps;
  return {
    async prepareInvoiceRun(input) {
      const contract = await prisma.contract.findUnique({ where: { id: input.contractId }, include: { customer: true } });
      if (!contract) throw ApplicationFailure.nonRetryable(`Contract ${input.contractId} has no database row`, BILLING_FAILURE_TYPES.CONTRACT_ROW_MISSING);
      const asOf = new Date();
      let usage: UsageSummary = { quantity: 0, firstOn: null };
      if (input.usageThrough) {
        const where = { contractId: contract.id, invoiceId: null, kind: 'sms', occurredOn: { lte: input.usageThrough }, recordedAt: { lte: asOf } };
        const [sum, first] = await Promise.all([
          prisma.usageEvent.aggregate({ where, _sum: { quantity: true } }),
          prisma.usageEvent.findFirst({ where, orderBy: { occurredOn: 'asc' }, select: { occurredOn: true } }),
        ]);
        usage = { quantity: sum._sum.quantity ?? 0, firstOn: first?.occurredOn ?? null };
      }
      const customer = contract.customer;
      return {
        usage,
        usageAsOf: asOf.toISOString(),
        tax: {
          issuerCountry: issuer.country,
          customerCountry: customer.country === 'AT' ? 'AT' : 'DE',
          customerType: customer.type === 'consumer' ? 'consumer' : 'business',
          customerVatId: customer.vatId,
        },
      };
    },

    async issueInvoice(input) {
      const existing = await prisma.invoice.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing) return issuedResult(existing, false, await readReceivables(prisma, existing.contractId));
      const contract = await prisma.contract.findUnique({
        where: { id: input.contractId },
        include: { customer: true, paymentMethods: { where: { revokedAt: null }, orderBy: { createdAt: 'desc' }, take: 1 } },
      });
      if (!contract) throw ApplicationFailure.nonRetryable(`Contract ${input.contractId} has no database row`, BILLING_FAILURE_TYPES.CONTRACT_ROW_MISSING);
      const customer = contract.customer;
      if (!customer.name || !customer.addressLine1 || !customer.postalCode || !customer.city) {
        // The invoice must name its recipient (§ 14 (4) UStG); deleted personal data cannot be invented.
        throw ApplicationFailure.nonRetryable(`Customer ${customer.id} has no name or address for invoice ${input.idempotencyKey}`, BILLING_FAILURE_TYPES.CUSTOMER_DATA_MISSING);
      }
      const draft = input.draft;
      const current = contract.paymentMethods[0];
      // A mandate unused for 36 months has expired (SEPA rulebook): the invoice is paid by transfer.
      const mandateExpired = current?.type === 'sepa' && isMandateExpired(current, draft.dueOn, deps.mandateExpiryMonths);
      const method: PaymentInstructions['method'] =
        contract.billingMode === 'prepaid' ? 'prepaid' : mandateExpired ? 'transfer' : ((current?.type ?? 'transfer') as PaymentInstructions['method']);
      const sepa = method === 'sepa' ? current : null;
      const locale = customer.locale === 'en' ? 'en' : 'de';
      const year = Number(draft.issuedOn.slice(0, 4));
      const issuerKey = issuerKeyOf(issuer);
      const id = deps.newId();
      try {
        return await prisma.$transaction(async (tx) => {
          // The counter row is locked until commit: numbers are taken in order, and only together
          // with their invoice (a rolled-back issue leaves no gap).
          const [{ last_number: sequence }] = await tx.$queryRaw<{ last_number: number }[]>`
            INSERT INTO invoice_number_sequences (issuer_key, year, last_number) VALUES (${issuerKey}, ${year}, 1)
            ON CONFLICT (issuer_key, year) DO UPDATE SET last_number = invoice_number_sequences.last_number + 1
            RETURNING last_number`;
          const number = formatInvoiceNumber(year, sequence);
          const document: InvoiceDocumentData = {
            templateVersion: CURRENT_INVOICE_TEMPLATE_VERSION,
            number,
            contractId: contract.id,
            customerId: customer.id,
            locale,
            issuedOn: draft.issuedOn,
            dueOn: draft.dueOn,
            servicePeriod: draft.servicePeriod,
            issuer,
            customer: {
              type: customer.type === 'consumer' ? 'consumer' : 'business',
              name: customer.name as string,
              addressLine1: customer.addressLine1 as string,
              addressLine2: customer.addressLine2,
              postalCode: customer.postalCode as string,
              city: customer.city as string,
              country: (customer.country === 'AT' ? 'AT' : 'DE') as Country,
              vatId: customer.vatId,
              email: customer.email,
            },
            lines: toDocumentLines(draft.lines, locale),
            vatGroups: draft.vatGroups,
            netCents: draft.netCents,
            vatCents: draft.vatCents,
            grossCents: draft.grossCents,
            currency: draft.currency,
            reverseCharge: draft.reverseCharge,
            payment: {
              method,
              reference: number,
              mandateReference: sepa?.mandateReference ?? null,
              debtorIbanLast4: sepa?.ibanLast4 ?? null,
              collectionOn: sepa ? draft.dueOn : null,
            },
            consumerDefaultNotice: customer.type === 'consumer',
          };
          const invoice = await tx.invoice.create({
            data: {
              id,
              number,
              issuerKey,
              year,
              sequence,
              idempotencyKey: input.idempotencyKey,
              contractId: contract.id,
              customerId: customer.id,
              issuedOn: draft.issuedOn,
              dueOn: draft.dueOn,
              status: 'open',
              delivery: customer.invoiceDelivery === 'post' ? 'post' : 'email',
              paymentMethod: method,
              netCents: draft.netCents,
              vatCents: draft.vatCents,
              grossCents: draft.grossCents,
              openCents: draft.grossCents,
              currency: draft.currency,
              reverseCharge: draft.reverseCharge,
              templateVersion: CURRENT_INVOICE_TEMPLATE_VERSION,
              document: document as unknown as Prisma.InputJsonValue,
            },
          });
          if (input.usageThrough) {
            await tx.usageEvent.updateMany({
              where: { contractId: contract.id, invoiceId: null, kind: 'sms', occurredOn: { lte: input.usageThrough }, recordedAt: { lte: new Date(input.usageAsOf) } },
              data: { invoiceId: invoice.id },
            });
          }
          if (mandateExpired && current) {
            await tx.paymentMethod.update({ where: { id: current.id }, data: { expiredOn: draft.issuedOn, revokedAt: new Date() } });
            await tx.paymentMethod.create({ data: { id: deps.newId(), contractId: contract.id, type: 'transfer' } });
          }
          if (sepa) await scheduleSepaDebit(tx, { invoice, mandate: sepa, newId: deps.newId });
          // The invoice is a claim on the debtor account; credit on the account pays it at once.
          const booking = await bookEntries(
            tx,
            contract.id,
            [{ type: 'invoice', amountCents: draft.grossCents, bookedOn: draft.issuedOn, invoiceId: invoice.id, reference: number, description: `Rechnung ${number}`, idempotencyKey: `invoice/${invoice.id}` }],
            issuer.country,
          );
          const open = booking.snapshot.openInvoices.find((i) => i.invoiceId === invoice.id);
          return issuedResult({ ...invoice, openCents: open?.openCents ?? 0 }, true, booking.snapshot);
        }, BOOKING_TRANSACTION);
      } catch (error) {
        // A concurrent attempt with the same key won: its invoice is the one (its number, no gap).
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
          const winner = await prisma.invoice.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
          if (winner) return issuedResult(winner, false, await readReceivables(prisma, winner.contractId));
        }
        throw error;
      }
    },
  };
}
