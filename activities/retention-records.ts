/**
 * Reads a contract's tax records that are not destroyed yet, as the retention plan sees them
 * (src/domain/retention-plan.ts): one entry per row that the destruction log will name. Parts of
 * a record go with it and are not listed: an invoice's stored documents and billed usage, a
 * ledger entry's allocations, a letter's communication and print copy.
 */
import type { LocalDate } from '../src/domain/calendar';
import { localDateOf } from '../src/domain/calendar';
import type { ContractRecord } from '../src/domain/retention-plan';
import { BILLING_COMMUNICATION_KINDS, isDunningKind } from '../src/domain/retention-plan';
import type { Prisma } from '../src/generated/prisma/client';

/** Every record of `contractId` that still exists; instants are dated in the contract's zone. */
export async function loadContractRecords(db: Prisma.TransactionClient, contractId: string, timeZone: string): Promise<ContractRecord[]> {
  const where = { contractId };
  const onDay = (instant: Date): LocalDate => localDateOf(instant, timeZone);
  const about = (...ids: (string | null)[]): string[] => ids.filter((id): id is string => id !== null);
  const [invoices, payments, entries, allocations, letters, communications, dunningSteps, cardCharges, sepaDebits, prepayments, handovers, creditReports] = await Promise.all([
    db.invoice.findMany({ where: { contractId, status: { not: 'destroyed' } }, select: { id: true, number: true, issuedOn: true, legalHoldReason: true } }),
    db.payment.findMany({ where, select: { id: true, bookedOn: true, invoiceId: true } }),
    db.ledgerEntry.findMany({ where, select: { id: true, bookedOn: true, invoiceId: true } }),
    db.ledgerAllocation.findMany({ where, select: { creditEntryId: true, claimEntryId: true, invoiceId: true } }),
    db.letter.findMany({ where, select: { id: true, createdAt: true, invoiceId: true, kind: true, communicationId: true } }),
    db.communication.findMany({
      where: { contractId, OR: [{ invoiceId: { not: null } }, { kind: { in: [...BILLING_COMMUNICATION_KINDS] } }] },
      select: { id: true, createdAt: true, invoiceId: true, kind: true, channel: true },
    }),
    db.dunningStep.findMany({ where, select: { id: true, runOn: true, invoiceId: true } }),
    db.cardCharge.findMany({ where, select: { id: true, createdAt: true, invoiceId: true } }),
    db.sepaDebit.findMany({ where, select: { id: true, dueOn: true, invoiceId: true } }),
    db.prepayment.findMany({ where, select: { id: true, createdAt: true } }),
    db.collectionHandover.findMany({ where, select: { id: true, handedOverOn: true, claims: true } }),
    db.creditReport.findMany({ where, select: { id: true, decidedOn: true, invoiceId: true } }),
  ]);

  // A credit entry applied to a held invoice's claim is part of that invoice's account history.
  const allocatedInvoices = new Map<string, string[]>();
  for (const allocation of allocations) {
    if (!allocation.invoiceId) continue;
    for (const entryId of [allocation.creditEntryId, allocation.claimEntryId]) allocatedInvoices.set(entryId, [...(allocatedInvoices.get(entryId) ?? []), allocation.invoiceId]);
  }
  const invoiceIdByNumber = new Map(invoices.map((i) => [i.number, i.id]));
  const letterCommunications = new Set(letters.map((l) => l.communicationId));

  return [
    ...invoices.map((i) => ({ recordType: 'invoice' as const, recordId: i.id, createdOn: i.issuedOn, legalHold: i.legalHoldReason !== null })),
    ...payments.map((p) => ({ recordType: 'payment' as const, recordId: p.id, createdOn: p.bookedOn, legalHold: false, invoiceIds: about(p.invoiceId) })),
    ...entries.map((e) => ({ recordType: 'ledger-entry' as const, recordId: e.id, createdOn: e.bookedOn, legalHold: false, invoiceIds: [...about(e.invoiceId), ...(allocatedInvoices.get(e.id) ?? [])] })),
    ...letters.map((l) => ({ recordType: isDunningKind(l.kind) ? ('dunning-letter' as const) : ('letter' as const), recordId: l.id, createdOn: onDay(l.createdAt), legalHold: false, invoiceIds: about(l.invoiceId) })),
    ...communications
      .filter((c) => !letterCommunications.has(c.id))
      .map((c) => ({
        recordType: c.channel !== 'letter' ? ('billing-mail' as const) : isDunningKind(c.kind) ? ('dunning-letter' as const) : ('letter' as const),
        recordId: c.id,
        createdOn: onDay(c.createdAt),
        legalHold: false,
        invoiceIds: about(c.invoiceId),
      })),
    ...dunningSteps.map((d) => ({ recordType: 'dunning-step' as const, recordId: d.id, createdOn: d.runOn, legalHold: false, invoiceIds: [d.invoiceId] })),
    ...cardCharges.map((c) => ({ recordType: 'card-charge' as const, recordId: c.id, createdOn: onDay(c.createdAt), legalHold: false, invoiceIds: about(c.invoiceId) })),
    // NOTE: a debit is dated by its collection day: the money moved then (a December invoice is collected in January).
    ...sepaDebits.map((s) => ({ recordType: 'sepa-debit' as const, recordId: s.id, createdOn: s.dueOn, legalHold: false, invoiceIds: [s.invoiceId] })),
    ...prepayments.map((p) => ({ recordType: 'prepayment' as const, recordId: p.id, createdOn: onDay(p.createdAt), legalHold: false })),
    ...handovers.map((h) => ({
      recordType: 'collection-handover' as const,
      recordId: h.id,
      createdOn: h.handedOverOn,
      legalHold: false,
      invoiceIds: claimedInvoiceNumbers(h.claims).flatMap((n) => about(invoiceIdByNumber.get(n) ?? null)),
    })),
    ...creditReports.map((c) => ({ recordType: 'credit-report' as const, recordId: c.id, createdOn: c.decidedOn, legalHold: false, invoiceIds: [c.invoiceId] })),
  ];
}

/** The invoice numbers a handover's `claims` JSON names (`[{ invoiceNumber, … }]`). */
function claimedInvoiceNumbers(claims: Prisma.JsonValue): string[] {
  if (!Array.isArray(claims)) return [];
  return claims.flatMap((claim) => (claim && typeof claim === 'object' && !Array.isArray(claim) && typeof claim.invoiceNumber === 'string' ? [claim.invoiceNumber] : []));
}
