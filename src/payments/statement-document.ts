/**
 * The account statement as a document: what `GET …/statement/pdf` serves and what goes with a
 * collection handover. Free of Nest: the API and the dunning activity both render it.
 */
import type { PrismaClient } from '../database/prisma-client';
import { renderStatementPdf } from '../documents/statement-pdf';
import type { StatementDocumentData } from '../documents/statement-pdf';
import type { Issuer } from '../domain/invoice';
import { readReceivables } from '../ledger/ledger-store';

/** Open fees and interest per invoice (claim entries minus what was applied to them). */
export async function openClaimParts(prisma: PrismaClient, invoiceIds: readonly string[]): Promise<Map<string, { fee: number; interest: number }>> {
  if (invoiceIds.length === 0) return new Map();
  const [claims, applied] = await Promise.all([
    prisma.ledgerEntry.groupBy({ by: ['invoiceId', 'type'], where: { invoiceId: { in: [...invoiceIds] }, type: { in: ['fee', 'interest'] } }, _sum: { amountCents: true } }),
    prisma.ledgerAllocation.groupBy({ by: ['invoiceId', 'component'], where: { invoiceId: { in: [...invoiceIds] }, component: { in: ['fee', 'interest'] } }, _sum: { amountCents: true } }),
  ]);
  const result = new Map<string, { fee: number; interest: number }>();
  for (const c of claims) {
    const parts = result.get(c.invoiceId as string) ?? { fee: 0, interest: 0 };
    parts[c.type as 'fee' | 'interest'] += c._sum.amountCents ?? 0;
    result.set(c.invoiceId as string, parts);
  }
  for (const a of applied) {
    const parts = result.get(a.invoiceId as string);
    if (parts) parts[a.component as 'fee' | 'interest'] -= a._sum.amountCents ?? 0;
  }
  return result;
}

/** Invoice numbers by id. */
export async function invoiceNumbers(prisma: PrismaClient, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await prisma.invoice.findMany({ where: { id: { in: wanted } }, select: { id: true, number: true } });
  return new Map(rows.map((r) => [r.id, r.number]));
}

/** The statement's data as of `statementOn`, or null when the customer's address is deleted. */
export async function statementDocumentData(prisma: PrismaClient, issuer: Issuer, contractId: string, statementOn: string): Promise<StatementDocumentData | null> {
  const contract = await prisma.contract.findUniqueOrThrow({ where: { id: contractId }, include: { customer: true } });
  const customer = contract.customer;
  if (!customer.name || !customer.addressLine1 || !customer.postalCode || !customer.city) return null;
  const [entries, receivables, open] = await Promise.all([
    prisma.ledgerEntry.findMany({ where: { contractId }, orderBy: { seq: 'asc' } }),
    readReceivables(prisma, contractId),
    prisma.invoice.findMany({ where: { contractId, status: 'open' }, orderBy: { issuedOn: 'asc' } }),
  ]);
  const [numbers, parts] = await Promise.all([invoiceNumbers(prisma, entries.map((e) => e.invoiceId)), openClaimParts(prisma, open.map((i) => i.id))]);
  return {
    issuer,
    recipient: { name: customer.name, addressLine1: customer.addressLine1, addressLine2: customer.addressLine2, postalCode: customer.postalCode, city: customer.city, country: customer.country === 'AT' ? 'AT' : 'DE' },
    locale: customer.locale === 'en' ? 'en' : 'de',
    contractId,
    statementOn,
    entries: entries.map((e) => ({
      bookedOn: e.bookedOn,
      type: e.type as StatementDocumentData['entries'][number]['type'],
      description: e.description,
      reference: e.reference,
      invoiceNumber: e.invoiceId ? (numbers.get(e.invoiceId) ?? null) : null,
      amountCents: e.amountCents,
    })),
    balanceCents: receivables.balanceCents,
    openItems: open.map((i) => ({ invoiceNumber: i.number, issuedOn: i.issuedOn, dueOn: i.dueOn, openCents: i.openCents, feesCents: parts.get(i.id)?.fee ?? 0, interestCents: parts.get(i.id)?.interest ?? 0 })),
    currency: 'EUR',
  };
}

/** The statement PDF, or null when the customer's address is deleted. */
export async function renderStatement(prisma: PrismaClient, issuer: Issuer, contractId: string, statementOn: string): Promise<Buffer | null> {
  const data = await statementDocumentData(prisma, issuer, contractId, statementOn);
  return data ? renderStatementPdf(data) : null;
}
