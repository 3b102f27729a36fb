/**
 * Seeds for the payment tests: contracts with a customer row (as the workflow's first save writes
 * them), their payment method, and invoices issued the way the workflow issues them
 * (`createBillingActivities().issueInvoice`, which books the invoice on the ledger and schedules
 * the SEPA debit of a SEPA contract).
 */
import { randomUUID } from 'node:crypto';
import type { BillingActivities, IssuedInvoice } from '../../activities/billing.activity';
import type { PrismaClient } from '../../src/database/prisma-client';
import { buildInvoiceDraft, type BillingRun } from '../../src/domain/billing-run';
import { endOfMonth } from '../../src/domain/calendar';
import type { InvoiceDraft } from '../../src/domain/invoice';
import { vatOf } from '../../src/domain/money';

/** Net 57.00 at 19 %: gross 67.83, the invoice every scenario starts from (and its due date the 15th). */
export const NET_CENTS = 5700;
export const GROSS_CENTS = NET_CENTS + vatOf(NET_CENTS, 19);

export type SeedPaymentMethod =
  | { readonly type: 'transfer' }
  | { readonly type: 'card'; readonly pspToken: string | null }
  | { readonly type: 'sepa'; readonly iban?: string; readonly signedOn?: string };

export interface SeededContract {
  readonly contractId: string;
  readonly customerId: string;
  readonly workflowId: string;
  /** The payment method row (a SEPA mandate, a card); null for transfer. */
  readonly paymentMethodId: string | null;
}

/** A business customer with an address and `count` active postpaid contracts, each with `method`. */
export async function seedContracts(prisma: PrismaClient, count: number, method: SeedPaymentMethod = { type: 'transfer' }): Promise<SeededContract[]> {
  const customerId = randomUUID();
  await prisma.customer.create({
    data: { id: customerId, type: 'business', name: 'Praxis Dr. Muster', email: `praxis-${customerId}@example.org`, addressLine1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
  });
  const ids = Array.from({ length: count }, () => randomUUID());
  await prisma.contract.createMany({
    data: ids.map((id) => ({ id, customerId, plan: 'plus', seats: 3, status: 'active', timeZone: 'Europe/Berlin', startedOn: '2027-01-15', billingMode: 'postpaid', workflowId: `contract-${id}`, revision: 1 })),
  });
  const seeded: SeededContract[] = [];
  for (const contractId of ids) {
    const paymentMethodId = method.type === 'transfer' ? null : randomUUID();
    if (method.type === 'sepa') {
      const iban = method.iban ?? 'DE89370400440532013000';
      await prisma.paymentMethod.create({
        data: { id: paymentMethodId as string, contractId, type: 'sepa', iban, ibanLast4: iban.slice(-4), accountHolder: 'Dr. Muster', signedOn: method.signedOn ?? '2027-01-10', mandateReference: `VW-${contractId}` },
      });
    } else if (method.type === 'card') {
      await prisma.paymentMethod.create({ data: { id: paymentMethodId as string, contractId, type: 'card', cardLast4: '4242', pspToken: method.pspToken } });
    }
    seeded.push({ contractId, customerId, workflowId: `contract-${contractId}`, paymentMethodId });
  }
  return seeded;
}

/** One contract (see {@link seedContracts}). */
export async function seedContract(prisma: PrismaClient, method: SeedPaymentMethod = { type: 'transfer' }): Promise<SeededContract> {
  const [contract] = await seedContracts(prisma, 1, method);
  return contract;
}

/**
 * The invoice of a run on `issuedOn` with one full-month base-fee line, as the domain computes it
 * (`buildInvoiceDraft`: 19 % VAT for a German business, due 14 days later).
 */
export function invoiceDraft(issuedOn: string, netCents = NET_CENTS): InvoiceDraft {
  const monthEnd = endOfMonth(issuedOn);
  const run: BillingRun = {
    runOn: issuedOn,
    final: false,
    lines: [{ kind: 'base-fee', plan: 'plus', quantity: 1, unitPriceCents: netCents, proration: null, netCents, servicePeriod: { from: issuedOn, to: monthEnd } }],
    usagePeriod: null,
    smsPriceCents: 0,
  };
  const draft = buildInvoiceDraft(run, { quantity: 0, firstOn: null }, { issuerCountry: 'DE', customerCountry: 'DE', customerType: 'business', customerVatId: null });
  if (!draft) throw new Error(`No invoice for ${netCents} cents`);
  return draft;
}

/** Issues the contract's invoice of `issuedOn` as the workflow's billing step does (key `<workflowId>/bill/<day>`). */
export function issueInvoice(billing: BillingActivities, contract: SeededContract, issuedOn: string, netCents = NET_CENTS): Promise<IssuedInvoice> {
  return billing.issueInvoice({ idempotencyKey: `${contract.workflowId}/bill/${issuedOn}`, contractId: contract.contractId, draft: invoiceDraft(issuedOn, netCents), usageAsOf: new Date().toISOString(), usageThrough: null });
}

/** Ten identical calls at the same time, as ten retries racing each other would make them. */
export function tenAtOnce<T>(call: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: 10 }, call));
}

/** Rows of one contract per table (what "booked once" is counted in). */
export async function rowCounts(prisma: PrismaClient, contractId: string) {
  const [payments, entries, cardCharges, sepaDebits] = await Promise.all([
    prisma.payment.count({ where: { contractId } }),
    prisma.ledgerEntry.groupBy({ by: ['type'], where: { contractId }, _count: true }),
    prisma.cardCharge.count({ where: { contractId } }),
    prisma.sepaDebit.count({ where: { contractId } }),
  ]);
  return { payments, entries: Object.fromEntries(entries.map((e) => [e.type, e._count])) as Record<string, number>, cardCharges, sepaDebits };
}
