/**
 * The retention plan of one contract (DOMAIN.md, "Retention and deletion"): which of its records
 * are due for destruction today, which are kept by a legal hold, and when the next one falls due.
 * Pure: the records and `today` are parameters; the activity loads and destroys them.
 */
import { addDays, compareLocalDates, type LocalDate } from './calendar';
import type { Country } from './invoice';
import { DEFAULT_RETENTION_POLICY, retainUntil, type RetainedRecordType, type RetentionPolicy } from './retention';

/**
 * What is destroyed, one kind per table. Each follows the period of a {@link RetainedRecordType}
 * ({@link RETENTION_CLASS_OF}); the log names the kind, so an operator can tell a card charge from a payment.
 */
export type ContractRecordType =
  | RetainedRecordType
  | 'card-charge'
  | 'sepa-debit'
  | 'prepayment'
  | 'dunning-step'
  | 'collection-handover'
  | 'credit-report';

/** The retention period each kind of record follows. */
export const RETENTION_CLASS_OF: Readonly<Record<ContractRecordType, RetainedRecordType>> = {
  invoice: 'invoice',
  payment: 'payment',
  // Card charges, SEPA debits and prepayments are payment records (§ 147 (1) Nr. 4 AO: Buchungsbelege).
  'card-charge': 'payment',
  'sepa-debit': 'payment',
  prepayment: 'payment',
  'ledger-entry': 'ledger-entry',
  letter: 'letter',
  'billing-mail': 'billing-mail',
  'dunning-letter': 'dunning-letter',
  // The dunning file (steps, handover, credit-bureau decision) is kept like the dunning letters it produced.
  'dunning-step': 'dunning-letter',
  'collection-handover': 'dunning-letter',
  'credit-report': 'dunning-letter',
};

/** The law each issuer country's periods come from, as written into the destruction log. */
const RETENTION_LAW: Readonly<Record<Country, Readonly<Record<RetainedRecordType, string>>>> = {
  AT: { invoice: '§ 132 BAO', payment: '§ 132 BAO', 'ledger-entry': '§ 132 BAO', letter: '§ 132 BAO', 'billing-mail': '§ 132 BAO', 'dunning-letter': '§ 132 BAO' },
  DE: { invoice: '§ 147 AO', payment: '§ 147 AO', 'ledger-entry': '§ 147 AO, § 257 HGB', letter: '§ 147 AO', 'billing-mail': '§ 147 AO', 'dunning-letter': '§ 147 AO' },
};

/** Communication kinds that are billing mail or letters (kept as tax records), besides any communication naming an invoice. */
export const BILLING_COMMUNICATION_KINDS: ReadonlySet<string> = new Set([
  'invoice',
  'invoice_issued',
  'payment_reminder',
  'dunning_letter_1',
  'dunning_letter_final',
  'collection_handover',
  'contract_suspended',
  'contract_ended_unpaid',
  'contract_restored',
]);

/** True for the communication (or letter) kinds of the dunning ladder: a letter of such a kind is a dunning letter. */
export function isDunningKind(kind: string): boolean {
  return kind === 'payment_reminder' || kind === 'collection_handover' || kind.startsWith('dunning_');
}

/** One record of a contract that is not destroyed yet. */
export interface ContractRecord {
  readonly recordType: ContractRecordType;
  /** The row id (unique per kind: the destruction log's key). */
  readonly recordId: string;
  /** Local date the record came into being (issue, booking, sending, decision): its year starts the period. */
  readonly createdOn: LocalDate;
  /** The record itself is under legal hold (an invoice with a hold reason). */
  readonly legalHold: boolean;
  /** The invoices the record is about (its payment, ledger entry, letter, mail, dunning step): held while one of them is. */
  readonly invoiceIds?: readonly string[];
}

/** A record with its retention worked out. */
export interface PlannedRecord extends ContractRecord {
  /** The last day the record is kept: 31.12. of (creation year + period). */
  readonly retainUntil: LocalDate;
  /** Creation year (the log's `year`). */
  readonly year: number;
  /** The rule it is kept by, e.g. `DE § 147 AO: invoice 8 years` (the log's `rule`, no personal content). */
  readonly rule: string;
  /** Kept past `retainUntil`: under legal hold itself or about a held invoice. */
  readonly held: boolean;
}

/** What is left of a contract's records and what to do with them. */
export interface RetentionPlan {
  readonly records: readonly PlannedRecord[];
  /** The records to destroy on `today`: `retainUntil` has passed (< today) and no legal hold keeps them. */
  due(today: LocalDate): readonly PlannedRecord[];
  /**
   * The earliest `retainUntil` of the records no hold keeps; null when nothing but held records is
   * left. Destruction is due on the day after ({@link destructionDayOf}); a date in the past means now.
   */
  readonly nextRetainUntil: LocalDate | null;
  /** Records left that no hold keeps (0 ⇔ `nextRetainUntil` null). */
  readonly remaining: number;
  /** Records left that a legal hold keeps. */
  readonly held: number;
}

/** The log's rule text of a record kind: `DE § 147 AO: invoice 8 years`. */
export function retentionRuleOf(recordType: ContractRecordType, issuerCountry: Country, policy: RetentionPolicy = DEFAULT_RETENTION_POLICY): string {
  const retained = RETENTION_CLASS_OF[recordType];
  return `${issuerCountry} ${RETENTION_LAW[issuerCountry][retained]}: ${retained} ${policy[issuerCountry][retained]} years`;
}

/** The first day a record kept until `retainUntil` may be destroyed (always 01.01. of the next year). */
export function destructionDayOf(retainUntil: LocalDate): LocalDate {
  return addDays(retainUntil, 1);
}

/**
 * Plans the retention of a contract's records (those not destroyed yet) under the issuer
 * country's periods. A held invoice keeps itself and every record about it.
 */
export function planRetention(records: readonly ContractRecord[], issuerCountry: Country, policy: RetentionPolicy = DEFAULT_RETENTION_POLICY): RetentionPlan {
  const heldInvoices = new Set(records.filter((r) => r.recordType === 'invoice' && r.legalHold).map((r) => r.recordId));
  const planned: PlannedRecord[] = records.map((record) => ({
    ...record,
    retainUntil: retainUntil(RETENTION_CLASS_OF[record.recordType], record.createdOn, issuerCountry, policy),
    year: Number(record.createdOn.slice(0, 4)),
    rule: retentionRuleOf(record.recordType, issuerCountry, policy),
    held: record.legalHold || (record.invoiceIds ?? []).some((id) => heldInvoices.has(id)),
  }));
  const free = planned.filter((r) => !r.held);
  const nextRetainUntil = free.reduce<LocalDate | null>((earliest, r) => (earliest === null || compareLocalDates(r.retainUntil, earliest) < 0 ? r.retainUntil : earliest), null);
  return {
    records: planned,
    due: (today) => free.filter((r) => compareLocalDates(r.retainUntil, today) < 0),
    nextRetainUntil,
    remaining: free.length,
    held: planned.length - free.length,
  };
}
