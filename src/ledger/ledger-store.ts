/**
 * Writes the debtor account (docs/payments.md). Every booking runs inside a transaction that
 * first locks the contract row, so bookings of one contract serialize: the idempotency check,
 * the § 367 allocation (src/domain/ledger.ts) and the invoices' open amounts always see every
 * earlier booking. Free of Nest imports: the API and the worker's activities both book.
 */
import { randomUUID } from 'node:crypto';
import type { LocalDate } from '../domain/calendar';
import type { Country } from '../domain/invoice';
import type { LedgerEntryType, OpenClaim, OpenCredit, OpenInvoice, ReceivablesSnapshot } from '../domain/ledger';
import { allocate, claimComponentOf, isCreditType, openAmountsByInvoice, remainingClaims, remainingCredits, signOf } from '../domain/ledger';
import { retainUntil } from '../domain/retention';
import type { Prisma } from '../generated/prisma/client';
import { lockContract } from '../database/row-locks';

/**
 * Options of every booking transaction. Bookings queue on row locks (the contract, the invoice
 * number counter): under load a transaction may wait behind others longer than Prisma's default
 * 5 s, which would roll back a booking that was only waiting its turn.
 */
export const BOOKING_TRANSACTION = { maxWait: 15_000, timeout: 30_000 } as const;

/** One booking; `amountCents` is the magnitude (> 0), the sign follows from the type. */
export interface NewLedgerEntry {
  readonly type: LedgerEntryType;
  readonly amountCents: number;
  readonly bookedOn: LocalDate;
  /** The invoice a claim belongs to, or the invoice a payment names (applied to it first). */
  readonly invoiceId?: string | null;
  readonly paymentId?: string | null;
  readonly reference?: string | null;
  readonly description: string;
  /** Derived from the source: PSP event id, end-to-end id, statement entry, workflow step. */
  readonly idempotencyKey: string;
}

export interface BookingResult {
  /** False when the first entry's key was booked before: nothing was booked this time. */
  readonly booked: boolean;
  readonly entryIds: readonly string[];
  readonly snapshot: ReceivablesSnapshot;
}

/** Thrown when the contract has no row (the caller maps it to 404 or a non-retryable failure). */
export class LedgerContractMissingError extends Error {
  constructor(readonly contractId: string) {
    super(`Contract ${contractId} has no database row`);
  }
}

/**
 * Books `entries` (all or none) on the contract's account and applies open credit to open
 * claims. Idempotent on the first entry's key: a repeated booking books nothing and returns the
 * current snapshot. Call inside `prisma.$transaction`.
 */
export async function bookEntries(tx: Prisma.TransactionClient, contractId: string, entries: readonly NewLedgerEntry[], issuerCountry: Country): Promise<BookingResult> {
  const contract = await lockContract(tx, contractId);
  if (!contract) throw new LedgerContractMissingError(contractId);
  if (entries.length > 0) {
    const seen = await tx.ledgerEntry.findUnique({ where: { idempotencyKey: entries[0].idempotencyKey }, select: { id: true } });
    if (seen) return { booked: false, entryIds: [seen.id], snapshot: await settleAccount(tx, contractId) };
  }
  const entryIds: string[] = [];
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.amountCents) || entry.amountCents <= 0) throw new RangeError(`A booking needs a positive amount in cents, got ${entry.amountCents}`);
    const id = randomUUID();
    entryIds.push(id);
    await tx.ledgerEntry.create({
      data: {
        id,
        contractId,
        customerId: contract.customerId,
        type: entry.type,
        bookedOn: entry.bookedOn,
        amountCents: signOf(entry.type) * entry.amountCents,
        invoiceId: entry.invoiceId ?? null,
        paymentId: entry.paymentId ?? null,
        reference: entry.reference ?? null,
        description: entry.description,
        idempotencyKey: entry.idempotencyKey,
        retainUntil: retainUntil('ledger-entry', entry.bookedOn, issuerCountry),
      },
    });
  }
  return { booked: true, entryIds, snapshot: await settleAccount(tx, contractId) };
}

interface EntryRow {
  id: string;
  seq: bigint;
  type: string;
  amount_cents: number;
  invoice_id: string | null;
  issued_on: string | null;
  claimed: bigint;
  applied: bigint;
}

/**
 * Applies every unapplied credit to the open claims (§ 367), writes the allocations and the
 * invoices' open amounts and status, and returns the account's snapshot. Idempotent: with
 * nothing to apply it writes nothing.
 */
export async function settleAccount(tx: Prisma.TransactionClient, contractId: string): Promise<ReceivablesSnapshot> {
  const rows = await tx.$queryRaw<EntryRow[]>`
    SELECT e.id::text AS id, e.seq, e.type, e.amount_cents, e.invoice_id::text AS invoice_id, i.issued_on,
      COALESCE((SELECT sum(a.amount_cents) FROM ledger_allocations a WHERE a.claim_entry_id = e.id), 0)::bigint AS claimed,
      COALESCE((SELECT sum(a.amount_cents) FROM ledger_allocations a WHERE a.credit_entry_id = e.id), 0)::bigint AS applied
    FROM ledger_entries e LEFT JOIN invoices i ON i.id = e.invoice_id
    WHERE e.contract_id = ${contractId}::uuid
    ORDER BY e.seq`;
  const claims: OpenClaim[] = [];
  const credits: OpenCredit[] = [];
  let balanceCents = 0;
  let version = 0;
  for (const row of rows) {
    const type = row.type as LedgerEntryType;
    const seq = Number(row.seq);
    version = Math.max(version, seq);
    balanceCents += row.amount_cents;
    const component = claimComponentOf(type);
    if (component) {
      const open = row.amount_cents - Number(row.claimed);
      if (open > 0) claims.push({ entryId: row.id, invoiceId: row.invoice_id, component, openCents: open, invoiceIssuedOn: row.issued_on, seq });
    } else if (isCreditType(type)) {
      const open = -row.amount_cents - Number(row.applied);
      if (open > 0) credits.push({ entryId: row.id, openCents: open, namedInvoiceId: row.invoice_id, seq });
    }
  }
  const allocations = allocate(claims, credits);
  if (allocations.length > 0) {
    await tx.ledgerAllocation.createMany({
      data: allocations.map((a) => ({ id: randomUUID(), contractId, creditEntryId: a.creditEntryId, claimEntryId: a.claimEntryId, invoiceId: a.invoiceId, component: a.component, amountCents: a.amountCents })),
    });
  }
  const stillOpen = remainingClaims(claims, allocations);
  const creditCents = remainingCredits(credits, allocations).reduce((sum, c) => sum + c.openCents, 0);
  const byInvoice = openAmountsByInvoice(stillOpen);
  const reopened = await reopenedOnByInvoice(tx, contractId);
  const invoices = await tx.invoice.findMany({
    where: { contractId, status: { not: 'destroyed' } },
    select: { id: true, number: true, issuedOn: true, dueOn: true, paymentMethod: true, openCents: true, claimCents: true, status: true },
    orderBy: { issuedOn: 'asc' },
  });
  const openInvoices: OpenInvoice[] = [];
  for (const invoice of invoices) {
    const open = byInvoice.get(invoice.id);
    const openCents = open?.principalCents ?? 0;
    const claimCents = open?.claimCents ?? 0;
    const status = claimCents > 0 ? 'open' : 'paid';
    if (invoice.openCents !== openCents || invoice.claimCents !== claimCents || invoice.status !== status) {
      await tx.invoice.update({ where: { id: invoice.id }, data: { openCents, claimCents, status } });
    }
    if (claimCents > 0) {
      openInvoices.push({ invoiceId: invoice.id, number: invoice.number, issuedOn: invoice.issuedOn, dueOn: invoice.dueOn, paymentMethod: invoice.paymentMethod, openCents, claimCents, reopenedOn: reopened.get(invoice.id) ?? null });
    }
  }
  return { version, balanceCents, creditCents, openInvoices };
}

/** The snapshot as it stands, read without locking or writing (for queries). */
export async function readReceivables(tx: Prisma.TransactionClient, contractId: string): Promise<ReceivablesSnapshot> {
  const [sum, invoices, credit, reopened] = await Promise.all([
    tx.ledgerEntry.aggregate({ where: { contractId }, _sum: { amountCents: true }, _max: { seq: true } }),
    tx.invoice.findMany({ where: { contractId, status: 'open' }, orderBy: { issuedOn: 'asc' } }),
    tx.$queryRaw<{ credit: bigint }[]>`
      SELECT COALESCE(sum(-e.amount_cents - COALESCE((SELECT sum(a.amount_cents) FROM ledger_allocations a WHERE a.credit_entry_id = e.id), 0)), 0)::bigint AS credit
      FROM ledger_entries e WHERE e.contract_id = ${contractId}::uuid AND e.type IN ('payment', 'credit', 'prepayment')`,
    reopenedOnByInvoice(tx, contractId),
  ]);
  return {
    version: Number(sum._max.seq ?? 0),
    balanceCents: sum._sum.amountCents ?? 0,
    creditCents: Number(credit[0]?.credit ?? 0),
    openInvoices: invoices.map((i) => ({
      invoiceId: i.id,
      number: i.number,
      issuedOn: i.issuedOn,
      dueOn: i.dueOn,
      paymentMethod: i.paymentMethod,
      openCents: i.openCents,
      claimCents: i.claimCents,
      reopenedOn: reopened.get(i.id) ?? null,
    })),
  };
}

/** The booking day of each invoice's latest chargeback (a card chargeback or SEPA return). */
async function reopenedOnByInvoice(tx: Prisma.TransactionClient, contractId: string): Promise<Map<string, string>> {
  const rows = await tx.ledgerEntry.groupBy({ by: ['invoiceId'], where: { contractId, type: 'chargeback', invoiceId: { not: null } }, _max: { bookedOn: true } });
  return new Map(rows.map((r) => [r.invoiceId as string, r._max.bookedOn as string]));
}
