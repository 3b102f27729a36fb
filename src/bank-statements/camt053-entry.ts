/** One statement entry (Ntry) and its transactions (NtryDtls/TxDtls), camt.053.001.02 and .001.08. */
import { malformed } from './camt053-error';
import type { Camt053Entry, Camt053Transaction, Camt053Version, EntryDirection, EntryStatus } from './camt053-types';
import { amountOf, localDateOf } from './camt053-values';
import type { XmlElement } from './xml-element';

export interface EntryContext {
  readonly version: Camt053Version;
  readonly statementId: string;
  /** Position of the entry in its statement, from 1. */
  readonly position: number;
  readonly accountIban: string;
}

const STATUSES: readonly string[] = ['BOOK', 'PDNG', 'INFO', 'FUTR'] satisfies EntryStatus[];
// Bank transaction codes of a returned or reversed direct debit: family IDDT (issued direct
// debits; RDDT from the debtor's side), sub-family UPDD (unpaid: return), PRDD (reversal),
// RCDD (cancellation request).
const DIRECT_DEBIT_FAMILIES = new Set(['IDDT', 'RDDT']);
const RETURN_SUB_FAMILIES = new Set(['UPDD', 'PRDD', 'RCDD']);
// Invoice numbers (`2027-000123`, DOMAIN.md): digits on neither side, so "RE2027-000123" counts too.
const INVOICE_NUMBER = /(?<!\d)\d{4}-\d{6}(?!\d)/g;
// A placeholder banks write for "no end-to-end id given", not an id.
const NOT_PROVIDED = 'NOTPROVIDED';

function directionOf(element: XmlElement): EntryDirection {
  const indicator = element.requiredText('CdtDbtInd');
  if (indicator === 'CRDT') return 'credit';
  if (indicator === 'DBIT') return 'debit';
  throw malformed(`${element.path}/CdtDbtInd`, `${JSON.stringify(indicator)} is neither CRDT nor DBIT`);
}

function statusOf(entry: XmlElement, version: Camt053Version): EntryStatus {
  // .001.02: <Sts>BOOK</Sts>; .001.08: <Sts><Cd>BOOK</Cd></Sts> (or <Prtry>, which we cannot read).
  const status = version === '001.02' ? entry.requiredText('Sts') : entry.requiredText('Sts', 'Cd');
  if (!STATUSES.includes(status)) throw malformed(`${entry.path}/Sts`, `unknown entry status ${JSON.stringify(status)}`);
  return status as EntryStatus;
}

function isDirectDebitReturnCode(code: XmlElement | undefined): boolean {
  const domain = code?.child('Domn');
  return (
    domain?.text('Cd') === 'PMNT' &&
    DIRECT_DEBIT_FAMILIES.has(domain.text('Fmly', 'Cd') ?? '') &&
    RETURN_SUB_FAMILIES.has(domain.text('Fmly', 'SubFmlyCd') ?? '')
  );
}

/** The other party: the side whose account is not ours; for direct debits the debtor; else by direction. */
function counterpartySide(parties: XmlElement | undefined, direction: EntryDirection, directDebit: boolean, accountIban: string): 'Dbtr' | 'Cdtr' {
  if (parties?.text('CdtrAcct', 'Id', 'IBAN') === accountIban) return 'Dbtr';
  if (parties?.text('DbtrAcct', 'Id', 'IBAN') === accountIban) return 'Cdtr';
  if (directDebit) return 'Dbtr';
  return direction === 'credit' ? 'Dbtr' : 'Cdtr';
}

function referencesIn(texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) for (const [number] of text.matchAll(INVOICE_NUMBER)) found.add(number);
  return [...found];
}

function transactionCents(transaction: XmlElement, entryCents: number, single: boolean): number {
  // .001.08 has TxDtls/Amt; .001.02 only AmtDtls (TxAmt, else InstdAmt).
  const amount = transaction.child('Amt') ?? transaction.descendant(['AmtDtls', 'TxAmt', 'Amt']) ?? transaction.descendant(['AmtDtls', 'InstdAmt', 'Amt']);
  if (amount !== undefined) return amountOf(amount).cents;
  if (single) return entryCents;
  throw malformed(`${transaction.path}/Amt`, 'missing, and the entry has several transactions to share its amount');
}

interface TransactionContext {
  readonly entryCents: number;
  readonly single: boolean;
  readonly direction: EntryDirection;
  readonly directDebit: boolean;
  readonly accountIban: string;
}

function parseTransaction(transaction: XmlElement, context: TransactionContext): Camt053Transaction {
  const parties = transaction.child('RltdPties');
  const side = counterpartySide(parties, context.direction, context.directDebit, context.accountIban);
  const party = parties?.child(side);
  const remittance = transaction.child('RmtInf');
  const lines = (remittance?.children('Ustrd') ?? []).map((line) => line.ownText() ?? '').filter((line) => line !== '');
  const structured = (remittance?.children('Strd') ?? []).flatMap((part) => [
    part.text('CdtrRefInf', 'Ref'),
    ...part.children('RfrdDocInf').map((document) => document.text('Nb')),
    part.text('AddtlRmtInf'),
  ]);
  const endToEndId = transaction.text('Refs', 'EndToEndId');
  return {
    endToEndId: endToEndId === NOT_PROVIDED ? undefined : endToEndId,
    remittance: lines.join(' '),
    // .001.08 wraps the party (Dbtr/Pty/Nm or Dbtr/Agt/…), .001.02 does not (Dbtr/Nm).
    counterpartyName: party?.text('Pty', 'Nm') ?? party?.text('Nm') ?? party?.text('Agt', 'FinInstnId', 'Nm'),
    counterpartyIban: parties?.text(`${side}Acct`, 'Id', 'IBAN'),
    amountCents: transactionCents(transaction, context.entryCents, context.single),
    // Lines joined without a space as well: banks cut long remittances in the middle of a word.
    references: referencesIn([lines.join(' '), lines.join(''), ...structured.filter((text) => text !== undefined)]),
    returnReason: transaction.text('RtrInf', 'Rsn', 'Cd') ?? transaction.text('RtrInf', 'Rsn', 'Prtry'),
  };
}

/** Reads one Ntry; throws `Camt053Error` (MALFORMED_STATEMENT) naming the element when a mandatory part is missing. */
export function parseEntry(entry: XmlElement, context: EntryContext): Camt053Entry {
  const amount = amountOf(entry.requiredChild('Amt'));
  const direction = directionOf(entry);
  const bankTransactionCode = entry.requiredChild('BkTxCd');
  const details = entry.children('NtryDtls').flatMap((detail) => detail.children('TxDtls'));
  const directDebit = DIRECT_DEBIT_FAMILIES.has(bankTransactionCode.text('Domn', 'Fmly', 'Cd') ?? '');
  const transactionContext = { entryCents: amount.cents, single: details.length === 1, direction, directDebit, accountIban: context.accountIban };
  const transactions = details.map((transaction) => parseTransaction(transaction, transactionContext));
  const bookedOn = localDateOf(entry.child('BookgDt')) ?? localDateOf(entry.child('ValDt'));
  if (bookedOn === undefined) throw malformed(`${entry.path}/BookgDt`, 'missing, and no ValDt either');
  const returned =
    isDirectDebitReturnCode(bankTransactionCode) ||
    details.some((transaction) => isDirectDebitReturnCode(transaction.child('BkTxCd')) || transaction.child('RtrInf') !== undefined);
  const reversal = entry.text('RvslInd');
  return {
    entryReference: entry.text('AcctSvcrRef') ?? entry.text('NtryRef') ?? `${context.statementId}/${context.position}`,
    bookedOn,
    valueOn: localDateOf(entry.child('ValDt')),
    amountCents: amount.cents,
    currency: amount.currency,
    direction,
    status: statusOf(entry, context.version),
    reversal: reversal === 'true' || reversal === '1',
    isReturn: returned,
    returnReason: transactions.find((transaction) => transaction.returnReason !== undefined)?.returnReason,
    transactions,
  };
}
