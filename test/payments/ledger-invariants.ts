/**
 * What must hold for a debtor account after any sequence of bookings, read straight from the
 * tables (not through the ledger store, which is what is being checked):
 * - the balance is the sum of the entries, and equals open claims minus unapplied credit;
 * - no credit entry is applied beyond its amount, no claim entry paid beyond its amount;
 * - an allocation joins a credit entry to a claim entry of the same contract, with the claim's
 *   invoice and § 367 component;
 * - credit is never left unapplied while a claim is open (settlement is complete);
 * - every invoice's open_cents / claim_cents / status are what its entries and allocations leave;
 * - every payment row has exactly one ledger entry booking its amount.
 */
import type { PrismaClient } from '../../src/database/prisma-client';
import { claimComponentOf, isCreditType, type LedgerEntryType } from '../../src/domain/ledger';
import { readReceivables } from '../../src/ledger/ledger-store';

interface EntryRow {
  id: string;
  type: LedgerEntryType;
  amount_cents: number;
  invoice_id: string | null;
  payment_id: string | null;
  allocated: bigint;
}

interface AllocationRow {
  id: string;
  contract_id: string;
  credit_entry_id: string;
  claim_entry_id: string;
  invoice_id: string | null;
  component: string;
  amount_cents: number;
}

/** What the account holds, as the invariants computed it (for further assertions). */
export interface LedgerFacts {
  readonly balanceCents: number;
  readonly openClaimCents: number;
  readonly unappliedCreditCents: number;
  readonly entries: number;
}

/** Checks every invariant of the contract's account; throws naming the first one broken. */
export async function assertLedgerInvariants(prisma: PrismaClient, contractId: string): Promise<LedgerFacts> {
  const entries = await prisma.$queryRaw<EntryRow[]>`
    SELECT e.id::text AS id, e.type, e.amount_cents, e.invoice_id::text AS invoice_id, e.payment_id::text AS payment_id,
      COALESCE((SELECT sum(a.amount_cents) FROM ledger_allocations a WHERE a.claim_entry_id = e.id OR a.credit_entry_id = e.id), 0)::bigint AS allocated
    FROM ledger_entries e WHERE e.contract_id = ${contractId}::uuid ORDER BY e.seq`;
  const allocations = await prisma.$queryRaw<AllocationRow[]>`
    SELECT a.id::text AS id, a.contract_id::text AS contract_id, a.credit_entry_id::text AS credit_entry_id, a.claim_entry_id::text AS claim_entry_id,
      a.invoice_id::text AS invoice_id, a.component, a.amount_cents
    FROM ledger_allocations a
    WHERE a.contract_id = ${contractId}::uuid
       OR a.credit_entry_id IN (SELECT id FROM ledger_entries WHERE contract_id = ${contractId}::uuid)
       OR a.claim_entry_id IN (SELECT id FROM ledger_entries WHERE contract_id = ${contractId}::uuid)`;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const broken = (what: string): never => {
    throw new Error(`Ledger invariant broken on contract ${contractId}: ${what}`);
  };

  for (const a of allocations) {
    const credit = byId.get(a.credit_entry_id);
    const claim = byId.get(a.claim_entry_id);
    if (a.contract_id !== contractId || !credit || !claim) broken(`allocation ${a.id} joins entries of another contract`);
    const creditEntry = credit as EntryRow;
    const claimEntry = claim as EntryRow;
    if (!isCreditType(creditEntry.type)) broken(`allocation ${a.id} applies a ${creditEntry.type} entry as credit`);
    const component = claimComponentOf(claimEntry.type);
    if (component === null) broken(`allocation ${a.id} pays a ${claimEntry.type} entry as a claim`);
    if (a.component !== component) broken(`allocation ${a.id} is booked as ${a.component}, its claim is ${component}`);
    if (a.invoice_id !== claimEntry.invoice_id) broken(`allocation ${a.id} names invoice ${a.invoice_id}, its claim belongs to ${claimEntry.invoice_id}`);
  }

  let balanceCents = 0;
  let openClaimCents = 0;
  let unappliedCreditCents = 0;
  const openByInvoice = new Map<string, { principal: number; claim: number }>();
  for (const e of entries) {
    balanceCents += e.amount_cents;
    const allocated = Number(e.allocated);
    if (claimComponentOf(e.type) !== null) {
      if (allocated > e.amount_cents) broken(`claim ${e.id} (${e.type}, ${e.amount_cents}) is paid ${allocated}`);
      const open = e.amount_cents - allocated;
      openClaimCents += open;
      if (e.invoice_id) {
        const sums = openByInvoice.get(e.invoice_id) ?? { principal: 0, claim: 0 };
        if (claimComponentOf(e.type) === 'principal') sums.principal += open;
        sums.claim += open;
        openByInvoice.set(e.invoice_id, sums);
      }
    } else if (isCreditType(e.type)) {
      if (allocated > -e.amount_cents) broken(`credit ${e.id} (${e.type}, ${e.amount_cents}) is applied ${allocated}`);
      unappliedCreditCents += -e.amount_cents - allocated;
    } else if (allocated !== 0) {
      broken(`entry ${e.id} of type ${e.type} has allocations`);
    }
  }
  if (balanceCents !== openClaimCents - unappliedCreditCents) broken(`balance ${balanceCents} ≠ open claims ${openClaimCents} − unapplied credit ${unappliedCreditCents}`);
  if (unappliedCreditCents > 0 && openClaimCents > 0) broken(`${unappliedCreditCents} cents of credit unapplied while ${openClaimCents} cents are claimed`);

  const receivables = await readReceivables(prisma, contractId);
  if (receivables.balanceCents !== balanceCents) broken(`readReceivables balance ${receivables.balanceCents} ≠ sum of entries ${balanceCents}`);
  if (receivables.creditCents !== unappliedCreditCents) broken(`readReceivables credit ${receivables.creditCents} ≠ unapplied credit ${unappliedCreditCents}`);

  const invoices = await prisma.invoice.findMany({ where: { contractId, status: { not: 'destroyed' } } });
  for (const invoice of invoices) {
    const open = openByInvoice.get(invoice.id) ?? { principal: 0, claim: 0 };
    if (invoice.openCents !== open.principal) broken(`invoice ${invoice.number} open_cents ${invoice.openCents}, its entries leave ${open.principal}`);
    if (invoice.claimCents !== open.claim) broken(`invoice ${invoice.number} claim_cents ${invoice.claimCents}, its entries leave ${open.claim}`);
    const status = open.claim > 0 ? 'open' : 'paid';
    if (invoice.status !== status) broken(`invoice ${invoice.number} is ${invoice.status}, its entries say ${status}`);
  }

  const payments = await prisma.payment.findMany({ where: { contractId } });
  for (const payment of payments) {
    const booked = entries.filter((e) => e.payment_id === payment.id && (e.type === 'payment' || e.type === 'prepayment'));
    if (booked.length !== 1) broken(`payment ${payment.id} (${payment.idempotencyKey}) has ${booked.length} ledger entries`);
    if (booked[0].amount_cents !== -payment.amountCents) broken(`payment ${payment.id} of ${payment.amountCents} is booked as ${booked[0].amount_cents}`);
  }
  return { balanceCents, openClaimCents, unappliedCreditCents, entries: entries.length };
}
