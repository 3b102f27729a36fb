import type { Country, InvoiceDocumentData } from '../domain/invoice';
import { retainUntil } from '../domain/retention';
import type { Invoice } from '../generated/prisma/client';

const eur = (amount: number) => ({ amount, currency: 'EUR' as const });

/** The invoice resource of API.md from its row and stored document data. */
export function toInvoiceResource(row: Invoice) {
  const data = row.document as unknown as InvoiceDocumentData;
  return {
    id: row.id,
    number: row.number,
    contractId: row.contractId,
    customerId: row.customerId,
    issuedOn: row.issuedOn,
    dueOn: row.dueOn,
    status: row.status,
    delivery: row.delivery,
    paymentMethod: row.paymentMethod,
    servicePeriod: data.servicePeriod,
    lines: data.lines.map((line) => ({
      kind: line.kind,
      description: line.description,
      quantity: line.quantity,
      unitPrice: eur(line.unitPriceCents),
      ...(line.proration ? { proration: line.proration } : {}),
      net: eur(line.netCents),
      vatRate: line.vatRatePercent,
      servicePeriod: line.servicePeriod,
    })),
    vatBreakdown: data.vatGroups.map((g) => ({ vatRate: g.ratePercent, category: g.category, net: eur(g.netCents), vat: eur(g.vatCents) })),
    net: eur(row.netCents),
    vat: eur(row.vatCents),
    gross: eur(row.grossCents),
    openAmount: eur(row.openCents),
    // Principal + fees + interest booked for the invoice and not yet paid (src/ledger/ledger-store.ts).
    claim: eur(row.claimCents),
    reverseCharge: row.reverseCharge,
    dunning: { level: row.dunningLevel, onHold: row.disputeReason !== null, nextStepOn: row.status === 'open' ? row.dunningNextStepOn : null, ...(row.disputeReason ? { disputeReason: row.disputeReason } : {}) },
    legalHold: row.legalHoldReason ? { reason: row.legalHoldReason, since: row.legalHoldSince?.toISOString() ?? null } : null,
    retainUntil: retainUntil('invoice', row.issuedOn, (row.issuerKey.slice(0, 2) as Country) ?? 'DE'),
    templateVersion: row.templateVersion,
    createdAt: row.createdAt.toISOString(),
  };
}
