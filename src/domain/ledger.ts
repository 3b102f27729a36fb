/**
 * The debtor account (DOMAIN.md, "Billing precision"): every booking is an immutable ledger
 * entry, the balance is the sum of the entries, and money received is applied to the claims
 * per § 367 BGB. Pure: the ledger store (src/ledger/) reads the open items, asks
 * {@link allocate} what to apply where, and writes the result.
 *
 * Signs: `amountCents` > 0 raises what the customer owes (invoice, fee, interest, chargeback,
 * refund-blocked), < 0 lowers it (payment, credit, prepayment).
 *
 * Allocation rule (§ 367 (1) BGB with § 366 (2) for several debts), as DOMAIN.md words it:
 * costs (fees) first, then interest, then the principal; within each, the oldest invoice first
 * (claims of no invoice by booking order). A payment that names an invoice (its reference is
 * the invoice number) is applied to that invoice's fees, interest and principal first, then to
 * the rest by the same rule. What is left over stays on the account as credit and is applied
 * to the next claim booked (the next invoice).
 */
import type { LocalDate } from './calendar';

export const LEDGER_ENTRY_TYPES = ['invoice', 'payment', 'fee', 'interest', 'credit', 'chargeback', 'prepayment', 'refund-blocked'] as const;
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number];

/** What part of a claim an entry is: § 367 orders costs, interest, principal. */
export type ClaimComponent = 'fee' | 'interest' | 'principal';

/** Entry types that raise the claim, with their component; a chargeback reopens principal. */
const CLAIM_COMPONENT: Partial<Record<LedgerEntryType, ClaimComponent>> = {
  invoice: 'principal',
  chargeback: 'principal',
  fee: 'fee',
  interest: 'interest',
};

/** Entry types that bring money (or credit) onto the account. */
const CREDIT_TYPES: ReadonlySet<LedgerEntryType> = new Set<LedgerEntryType>(['payment', 'credit', 'prepayment']);

export function claimComponentOf(type: LedgerEntryType): ClaimComponent | null {
  return CLAIM_COMPONENT[type] ?? null;
}

export function isCreditType(type: LedgerEntryType): boolean {
  return CREDIT_TYPES.has(type);
}

/** The sign a booking of this type must have (+1 owes more, -1 owes less). */
export function signOf(type: LedgerEntryType): 1 | -1 {
  return isCreditType(type) ? -1 : 1;
}

/** A claim entry with its unpaid remainder. */
export interface OpenClaim {
  readonly entryId: string;
  readonly invoiceId: string | null;
  readonly component: ClaimComponent;
  /** Unpaid part, > 0. */
  readonly openCents: number;
  /** Issue date of the claim's invoice (the age of the debt); null for a claim of no invoice. */
  readonly invoiceIssuedOn: LocalDate | null;
  /** Booking order (ledger sequence). */
  readonly seq: number;
}

/** A credit entry with its unapplied remainder. */
export interface OpenCredit {
  readonly entryId: string;
  /** Unapplied part, > 0. */
  readonly openCents: number;
  /** The invoice the payment names (reference = invoice number), if any. */
  readonly namedInvoiceId: string | null;
  readonly seq: number;
}

/** `amountCents` of credit `creditEntryId` applied to claim `claimEntryId`. */
export interface Allocation {
  readonly creditEntryId: string;
  readonly claimEntryId: string;
  readonly invoiceId: string | null;
  readonly component: ClaimComponent;
  readonly amountCents: number;
}

const COMPONENT_RANK: Readonly<Record<ClaimComponent, number>> = { fee: 0, interest: 1, principal: 2 };

/** § 367 order: fees, interest, principal; oldest invoice first; claims of no invoice last, by booking order. */
function byStatutoryOrder(a: OpenClaim, b: OpenClaim): number {
  return (
    COMPONENT_RANK[a.component] - COMPONENT_RANK[b.component] ||
    compareAge(a.invoiceIssuedOn, b.invoiceIssuedOn) ||
    a.seq - b.seq
  );
}

function compareAge(a: LocalDate | null, b: LocalDate | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * Applies every open credit (oldest first) to the open claims by the rule above. Returns the
 * allocations; what is not allocated stays credit. Integers only, nothing is rounded.
 */
export function allocate(claims: readonly OpenClaim[], credits: readonly OpenCredit[]): Allocation[] {
  const open = new Map(claims.map((c) => [c.entryId, c.openCents]));
  const ordered = [...claims].sort(byStatutoryOrder);
  const allocations: Allocation[] = [];
  for (const credit of [...credits].sort((a, b) => a.seq - b.seq)) {
    let left = credit.openCents;
    const named = credit.namedInvoiceId;
    const order = named === null ? ordered : [...ordered.filter((c) => c.invoiceId === named), ...ordered.filter((c) => c.invoiceId !== named)];
    for (const claim of order) {
      if (left === 0) break;
      const claimOpen = open.get(claim.entryId) as number;
      if (claimOpen === 0) continue;
      const amount = Math.min(left, claimOpen);
      open.set(claim.entryId, claimOpen - amount);
      left -= amount;
      allocations.push({ creditEntryId: credit.entryId, claimEntryId: claim.entryId, invoiceId: claim.invoiceId, component: claim.component, amountCents: amount });
    }
  }
  return allocations;
}

/** What is open of one invoice after the allocations: principal (`openAmount`) and the whole claim. */
export interface InvoiceOpenAmounts {
  readonly principalCents: number;
  readonly feesCents: number;
  readonly interestCents: number;
  /** principal + fees + interest (`claim`). */
  readonly claimCents: number;
}

/** Sums open claims per invoice (claims of no invoice are left out). */
export function openAmountsByInvoice(claims: readonly OpenClaim[]): Map<string, InvoiceOpenAmounts> {
  const result = new Map<string, { principalCents: number; feesCents: number; interestCents: number }>();
  for (const claim of claims) {
    if (claim.invoiceId === null) continue;
    const sums = result.get(claim.invoiceId) ?? { principalCents: 0, feesCents: 0, interestCents: 0 };
    if (claim.component === 'principal') sums.principalCents += claim.openCents;
    else if (claim.component === 'fee') sums.feesCents += claim.openCents;
    else sums.interestCents += claim.openCents;
    result.set(claim.invoiceId, sums);
  }
  return new Map([...result].map(([id, s]) => [id, { ...s, claimCents: s.principalCents + s.feesCents + s.interestCents }]));
}

/** Applies allocations to open claims: the claims still open afterwards (zero remainders dropped). */
export function remainingClaims(claims: readonly OpenClaim[], allocations: readonly Allocation[]): OpenClaim[] {
  const applied = new Map<string, number>();
  for (const a of allocations) applied.set(a.claimEntryId, (applied.get(a.claimEntryId) ?? 0) + a.amountCents);
  return claims.map((c) => ({ ...c, openCents: c.openCents - (applied.get(c.entryId) ?? 0) })).filter((c) => c.openCents > 0);
}

/** Applies allocations to open credits: the credit still unapplied afterwards. */
export function remainingCredits(credits: readonly OpenCredit[], allocations: readonly Allocation[]): OpenCredit[] {
  const applied = new Map<string, number>();
  for (const a of allocations) applied.set(a.creditEntryId, (applied.get(a.creditEntryId) ?? 0) + a.amountCents);
  return credits.map((c) => ({ ...c, openCents: c.openCents - (applied.get(c.entryId) ?? 0) })).filter((c) => c.openCents > 0);
}

/**
 * What the contract workflow knows of the account: sent with every booking as a signal
 * (`ledgerChanged`), newest `version` wins (signals of two concurrent bookings may arrive in
 * either order).
 */
export interface ReceivablesSnapshot {
  /** The ledger sequence of the newest entry included. */
  readonly version: number;
  readonly balanceCents: number;
  /** Unapplied credit (overpayments, prepaid balance). */
  readonly creditCents: number;
  readonly openInvoices: readonly OpenInvoice[];
}

export interface OpenInvoice {
  readonly invoiceId: string;
  readonly number: string;
  readonly issuedOn: LocalDate;
  readonly dueOn: LocalDate;
  readonly paymentMethod: string;
  readonly openCents: number;
  readonly claimCents: number;
  /** Booking day of the latest chargeback or SEPA return of the invoice (it restarts dunning); null if none. */
  readonly reopenedOn?: LocalDate | null;
}

export const EMPTY_RECEIVABLES: ReceivablesSnapshot = { version: 0, balanceCents: 0, creditCents: 0, openInvoices: [] };

/** The newer of two snapshots (by ledger version). */
export function newerReceivables(current: ReceivablesSnapshot, incoming: ReceivablesSnapshot): ReceivablesSnapshot {
  return incoming.version > current.version ? incoming : current;
}

/** Sum of the open principal of every open invoice (search attribute `OpenAmount`, contract `openAmount`). */
export function openAmountOf(snapshot: ReceivablesSnapshot): number {
  return snapshot.openInvoices.reduce((sum, i) => sum + i.openCents, 0);
}
