/**
 * SEPA Core direct debit collection, ISO 20022 pain.008.001.08 (the only version German banks take
 * since 11/2025), written with the `sepa` library. One payment information block per sequence
 * type (the rulebook allows one SeqTp per PmtInf): FRST first, then RCUR.
 * Pure: the same input gives the same bytes on every machine, whatever its time zone.
 */
import { Document } from 'sepa';

import { parseLocalDate, type LocalDate } from '../domain/calendar';
import { sumCents } from '../domain/money';
import { SEQUENCE_TYPES, checkPain008Input, type CheckedPain008Input, type Pain008Input } from './pain008-input';
import { SepaInputError } from './sepa-input-error';

export type { Pain008Creditor, Pain008Debit, Pain008Input, SequenceType } from './pain008-input';
export { REMITTANCE_MAX_LENGTH, MAX_AMOUNT_CENTS } from './pain008-input';
export { SepaInputError, SepaInputErrorCode } from './sepa-input-error';

export const PAIN_008_FORMAT = 'pain.008.001.08';

/**
 * NOTE: `sepa` formats dates with the local-time getters (getFullYear, getHours, …), so the
 * same instant would print differently under another TZ. This Date answers them in UTC.
 */
class UtcFieldsDate extends Date {
  override getFullYear(): number { return this.getUTCFullYear(); }
  override getMonth(): number { return this.getUTCMonth(); }
  override getDate(): number { return this.getUTCDate(); }
  override getHours(): number { return this.getUTCHours(); }
  override getMinutes(): number { return this.getUTCMinutes(); }
  override getSeconds(): number { return this.getUTCSeconds(); }
}

function calendarDate(date: LocalDate): Date {
  const { year, month, day } = parseLocalDate(date);
  return new UtcFieldsDate(Date.UTC(year, month - 1, day));
}

/** Cents as the library's amount: `cents / 100` is the double nearest the decimal, so toFixed(2) prints it exactly. */
function libraryAmount(cents: number): number {
  return cents / 100;
}

type PaymentInfo = ReturnType<Document['createPaymentInfo']>;
type Transaction = ReturnType<PaymentInfo['createTransaction']>;

function addDebit(info: PaymentInfo, debit: CheckedPain008Input['debits'][number]): void {
  const transaction = info.createTransaction();
  Object.assign(transaction, {
    end2endId: debit.endToEndId,
    amount: libraryAmount(debit.amountCents),
    currency: 'EUR',
    mandateId: debit.mandateReference,
    mandateSignatureDate: calendarDate(debit.mandateSignedOn),
    debtorName: debit.debtorName,
    debtorIBAN: debit.debtorIban,
    debtorBIC: debit.debtorBic ?? '',
    remittanceInfo: debit.remittanceInformation,
  } satisfies Partial<Transaction>);
  info.addTransaction(transaction);
  // NOTE: addTransaction sets InstrId to `<PmtInfId>.<index>`, which outgrows Max35Text for
  // long message ids; the end-to-end id is unique in the message and fits.
  transaction.id = debit.endToEndId;
}

function buildDocument(input: CheckedPain008Input): Document {
  const { creditor } = input;
  const document = new Document(PAIN_008_FORMAT);
  document.grpHdr.id = input.messageId;
  document.grpHdr.created = new UtcFieldsDate(Date.parse(input.createdAt));
  document.grpHdr.initiatorName = creditor.name;
  const blocks: { info: PaymentInfo; cents: number }[] = [];
  for (const sequenceType of SEQUENCE_TYPES) {
    const debits = input.debits.filter((debit) => debit.sequenceType === sequenceType);
    if (debits.length === 0) continue;
    const info = document.createPaymentInfo();
    Object.assign(info, {
      id: sequenceType, // the library prefixes it with the message id: `<messageId>.FRST`
      sequenceType,
      localInstrumentation: 'CORE',
      // Single booking: the statement then has one entry per debit, matched by its end-to-end id.
      batchBooking: false,
      collectionDate: calendarDate(input.collectionDate),
      creditorName: creditor.name,
      creditorIBAN: creditor.iban,
      creditorBIC: creditor.bic ?? '',
      creditorId: creditor.creditorId,
    } satisfies Partial<PaymentInfo>);
    document.addPaymentInfo(info);
    for (const debit of debits) addDebit(info, debit);
    blocks.push({ info, cents: sumCents(debits.map((debit) => debit.amountCents)) });
  }
  // NOTE: the library's normalize() adds the amounts up as floats; set the sums from integer cents.
  document.normalize = () => {
    for (const { info, cents } of blocks) info.controlSum = libraryAmount(cents);
    document.grpHdr.controlSum = libraryAmount(sumCents(blocks.map((block) => block.cents)));
    document.grpHdr.transactionCount = input.debits.length;
  };
  return document;
}

/**
 * The pain.008.001.08 XML (UTF-8, with declaration) for one collection date. CreDtTm is the
 * instant in UTC (`…Z`). Throws {@link SepaInputError} for input the XSD or the rulebook rejects.
 */
export function buildPain008(input: Pain008Input): string {
  const checked = checkPain008Input(input);
  let xml: string;
  try {
    xml = buildDocument(checked).toString();
  } catch (error) {
    throw new SepaInputError('REJECTED_BY_LIBRARY', null, error instanceof Error ? error.message : String(error));
  }
  // The library writes the wall-clock fields without an offset; they are UTC here, so say so.
  const created = new Date(Date.parse(checked.createdAt)).toISOString().slice(0, 19);
  const unmarked = `<CreDtTm>${created}</CreDtTm>`;
  if (!xml.includes(unmarked)) throw new Error(`sepa wrote no ${unmarked}: has its date format changed?`);
  return xml.replace(unmarked, `<CreDtTm>${created}Z</CreDtTm>`);
}
