/**
 * The input of a SEPA Core direct debit collection (pain.008.001.08) and its checks. Every rule
 * the XSD or the EPC rulebook would reject is caught here, with a {@link SepaInputError} that
 * names the field, before the `sepa` library sees the data.
 */
import type * as Ibantools from 'ibantools' with { 'resolution-mode': 'import' };
import { validateCreditorID } from 'sepa';

import { compareLocalDates, isLocalDate, type LocalDate } from '../domain/calendar';
import { SepaInputError } from './sepa-input-error';

// NOTE: ibantools declares "type": "module" but ships its typings as build/ibantools.d.ts, so
// TypeScript (module node16) reads them as ESM; its CommonJS build is what `require` loads.
const ibantools = require('ibantools') as typeof Ibantools;

/** FRST for the first collection under a mandate, RCUR afterwards (OOFF/FNAL are not used). */
export type SequenceType = 'FRST' | 'RCUR';
export const SEQUENCE_TYPES: readonly SequenceType[] = ['FRST', 'RCUR'];

/** The creditor (us): also the initiating party of the message. */
export interface Pain008Creditor {
  readonly name: string;
  readonly iban: string;
  readonly bic?: string | null;
  /** Creditor identifier (Gläubiger-ID), e.g. `DE98ZZZ09999999999`. */
  readonly creditorId: string;
}

/** One collection from one debtor under one mandate. */
export interface Pain008Debit {
  /** Comes back in the bank statement (and in a return): the key to match it to the invoice. */
  readonly endToEndId: string;
  readonly amountCents: number;
  readonly mandateReference: string;
  readonly mandateSignedOn: LocalDate;
  readonly sequenceType: SequenceType;
  readonly debtorName: string;
  readonly debtorIban: string;
  readonly debtorBic?: string | null;
  /** Unstructured remittance (Verwendungszweck); cut to 140 characters. */
  readonly remittanceInformation: string;
}

export interface Pain008Input {
  /** Unique per message; at most 30 characters, since the payment blocks are `<messageId>.FRST`/`.RCUR` (35). */
  readonly messageId: string;
  /** ISO instant, e.g. `2027-01-15T09:30:00Z`. */
  readonly createdAt: string;
  readonly creditor: Pain008Creditor;
  readonly collectionDate: LocalDate;
  readonly debits: readonly Pain008Debit[];
}

/** The input after the checks: IBAN/BIC/creditor id in electronic format, remittance cut to length. */
export interface CheckedPain008Input extends Pain008Input {
  readonly creditor: Required<Pain008Creditor>;
  readonly debits: readonly (Pain008Debit & { readonly debtorBic: string | null })[];
}

/** Messages are cut off at 140 characters of remittance (Max140Text). */
export const REMITTANCE_MAX_LENGTH = 140;
/** EPC rulebook: 999,999,999.99 EUR per collection. */
export const MAX_AMOUNT_CENTS = 99_999_999_999;
const MESSAGE_ID_MAX_LENGTH = 30;
const ID_MAX_LENGTH = 35;
const NAME_MAX_LENGTH = 70;
// EPC rulebook: identifiers use the SEPA Latin subset, never start with "/" nor contain "//".
const SEPA_ID = /^[A-Za-z0-9+?/\-:().,' ]+$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const CREDITOR_ID = /^[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$/;

function fail(code: SepaInputError['code'], field: string, message: string): never {
  throw new SepaInputError(code, field, message);
}

function requireText(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.trim() === '') fail('MISSING_FIELD', field, 'must not be empty');
  if (value.length > maxLength) fail('FIELD_TOO_LONG', field, `${value.length} characters, at most ${maxLength} allowed`);
  return value;
}

function requireIdentifier(value: unknown, field: string, maxLength: number): string {
  const id = requireText(value, field, maxLength);
  if (!SEPA_ID.test(id) || id.startsWith('/') || id.includes('//')) {
    fail('INVALID_IDENTIFIER', field, `${JSON.stringify(id)} is not a SEPA identifier (A-Z a-z 0-9 + ? / - : ( ) . , ' space; no leading "/", no "//")`);
  }
  return id;
}

function requireIban(value: unknown, field: string): string {
  const iban = typeof value === 'string' ? ibantools.electronicFormatIBAN(value) : null;
  if (iban === null || !ibantools.isValidIBAN(iban)) fail('INVALID_IBAN', field, `${JSON.stringify(value)} is not a valid IBAN`);
  return iban;
}

function optionalBic(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  const bic = typeof value === 'string' ? value.replace(/\s+/g, '').toUpperCase() : '';
  if (!ibantools.isValidBIC(bic)) fail('INVALID_BIC', field, `${JSON.stringify(value)} is not a valid BIC`);
  return bic;
}

function requireLocalDate(value: unknown, field: string): LocalDate {
  if (typeof value !== 'string' || !isLocalDate(value)) fail('INVALID_DATE', field, `${JSON.stringify(value)} is not a calendar date (YYYY-MM-DD)`);
  return value;
}

function requireAmount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > MAX_AMOUNT_CENTS) {
    fail('INVALID_AMOUNT', field, `${String(value)} is not a whole number of cents between 1 and ${MAX_AMOUNT_CENTS}`);
  }
  return value;
}

/**
 * Cuts to `max` UTF-16 units without splitting a surrogate pair (half of one is not XML).
 * NOTE: the XSD counts characters, the `sepa` library UTF-16 units: the stricter of the two.
 */
function truncate(text: string, max: number): string {
  let cut = '';
  for (const char of text) {
    if (cut.length + char.length > max) break;
    cut += char;
  }
  return cut;
}

function checkCreditor(creditor: Pain008Creditor): Required<Pain008Creditor> {
  const creditorId = typeof creditor.creditorId === 'string' ? creditor.creditorId.replace(/\s+/g, '').toUpperCase() : '';
  if (!CREDITOR_ID.test(creditorId) || !validateCreditorID(creditorId)) {
    fail('INVALID_CREDITOR_ID', 'creditor.creditorId', `${JSON.stringify(creditor.creditorId)} is not a valid creditor identifier`);
  }
  return {
    name: requireText(creditor.name, 'creditor.name', NAME_MAX_LENGTH),
    iban: requireIban(creditor.iban, 'creditor.iban'),
    bic: optionalBic(creditor.bic, 'creditor.bic'),
    creditorId,
  };
}

function checkDebit(debit: Pain008Debit, field: string, collectionDate: LocalDate): CheckedPain008Input['debits'][number] {
  const mandateSignedOn = requireLocalDate(debit.mandateSignedOn, `${field}.mandateSignedOn`);
  if (compareLocalDates(mandateSignedOn, collectionDate) > 0) {
    fail('INVALID_DATE', `${field}.mandateSignedOn`, `mandate signed on ${mandateSignedOn}, after the collection date ${collectionDate}`);
  }
  if (!SEQUENCE_TYPES.includes(debit.sequenceType)) {
    fail('INVALID_SEQUENCE_TYPE', `${field}.sequenceType`, `${JSON.stringify(debit.sequenceType)} is not one of ${SEQUENCE_TYPES.join(', ')}`);
  }
  const remittance = typeof debit.remittanceInformation === 'string' ? debit.remittanceInformation.trim() : '';
  return {
    endToEndId: requireIdentifier(debit.endToEndId, `${field}.endToEndId`, ID_MAX_LENGTH),
    amountCents: requireAmount(debit.amountCents, `${field}.amountCents`),
    mandateReference: requireIdentifier(debit.mandateReference, `${field}.mandateReference`, ID_MAX_LENGTH),
    mandateSignedOn,
    sequenceType: debit.sequenceType,
    debtorName: requireText(debit.debtorName, `${field}.debtorName`, NAME_MAX_LENGTH),
    debtorIban: requireIban(debit.debtorIban, `${field}.debtorIban`),
    debtorBic: optionalBic(debit.debtorBic, `${field}.debtorBic`),
    remittanceInformation: requireText(truncate(remittance, REMITTANCE_MAX_LENGTH), `${field}.remittanceInformation`, REMITTANCE_MAX_LENGTH),
  };
}

/** Checks and normalizes the input of {@link buildPain008}; throws {@link SepaInputError}. */
export function checkPain008Input(input: Pain008Input): CheckedPain008Input {
  const messageId = requireIdentifier(input.messageId, 'messageId', MESSAGE_ID_MAX_LENGTH);
  if (typeof input.createdAt !== 'string' || !ISO_INSTANT.test(input.createdAt) || Number.isNaN(Date.parse(input.createdAt))) {
    fail('INVALID_DATE', 'createdAt', `${JSON.stringify(input.createdAt)} is not an ISO instant (2027-01-15T09:30:00Z)`);
  }
  const collectionDate = requireLocalDate(input.collectionDate, 'collectionDate');
  const creditor = checkCreditor(input.creditor);
  if (!Array.isArray(input.debits) || input.debits.length === 0) fail('EMPTY_DEBITS', 'debits', 'a collection needs at least one debit');
  const debits = input.debits.map((debit, index) => checkDebit(debit, `debits[${index}]`, collectionDate));
  const seen = new Set<string>();
  debits.forEach(({ endToEndId }, index) => {
    // The end-to-end id is how a booking or a return is matched back to its invoice.
    if (seen.has(endToEndId)) fail('DUPLICATE_END_TO_END_ID', `debits[${index}].endToEndId`, `${endToEndId} is used twice`);
    seen.add(endToEndId);
  });
  return { messageId, createdAt: input.createdAt, creditor, collectionDate, debits };
}
