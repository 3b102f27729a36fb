import type { LocalDate } from '../domain/calendar';

/** The camt.053 versions we read, from the namespace `urn:iso:std:iso:20022:tech:xsd:camt.053.<version>`. */
export type Camt053Version = '001.02' | '001.08';
export type EntryDirection = 'credit' | 'debit';
/** BOOK: booked; PDNG: pending; INFO/FUTR: information only (.001.08), not money on the account. */
export type EntryStatus = 'BOOK' | 'PDNG' | 'INFO' | 'FUTR';

/** One payment inside an entry (TxDtls); a batch booking has several. */
export interface Camt053Transaction {
  readonly endToEndId?: string;
  /** The unstructured remittance lines (Ustrd), joined with a space; '' if none. */
  readonly remittance: string;
  readonly counterpartyName?: string;
  readonly counterpartyIban?: string;
  /** Non-negative whole cents, exact; the entry's direction gives the sign. */
  readonly amountCents: number;
  /** Invoice numbers (`2027-000123`) named in the remittance, structured or not, in order, once each. */
  readonly references: readonly string[];
  /** The return reason of this transaction (RtrInf/Rsn), e.g. AC04, MD06. */
  readonly returnReason?: string;
}

/** One booking line of the statement (Ntry). */
export interface Camt053Entry {
  /** AcctSvcrRef if present, else NtryRef, else `<statement id>/<position, from 1>`. */
  readonly entryReference: string;
  readonly bookedOn: LocalDate;
  readonly valueOn?: LocalDate;
  /** Non-negative whole cents, exact; `direction` gives the sign. */
  readonly amountCents: number;
  readonly currency: string;
  readonly direction: EntryDirection;
  readonly status: EntryStatus;
  /** RvslInd: the bank reverses an earlier entry. */
  readonly reversal: boolean;
  /** A returned or reversed SEPA direct debit (BkTxCd PMNT/IDDT/UPDD|PRDD|RCDD), or any transaction with RtrInf. */
  readonly isReturn: boolean;
  /** The first return reason among the transactions. */
  readonly returnReason?: string;
  readonly transactions: readonly Camt053Transaction[];
}

/** One account's statement (Stmt). */
export interface Camt053AccountStatement {
  readonly id: string;
  readonly accountIban: string;
  /** CreDtTm as written (ISO date-time, offset optional). */
  readonly createdAt?: string;
  readonly entries: readonly Camt053Entry[];
}

/** One camt.053 message (BkToCstmrStmt): one or more account statements. */
export interface Camt053Statement {
  readonly version: Camt053Version;
  readonly messageId: string;
  readonly statements: readonly Camt053AccountStatement[];
}
