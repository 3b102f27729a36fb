/** Stable machine codes for input no SEPA message can be built from. */
export const SepaInputErrorCode = {
  EMPTY_DEBITS: 'EMPTY_DEBITS',
  MISSING_FIELD: 'MISSING_FIELD',
  FIELD_TOO_LONG: 'FIELD_TOO_LONG',
  INVALID_IDENTIFIER: 'INVALID_IDENTIFIER',
  DUPLICATE_END_TO_END_ID: 'DUPLICATE_END_TO_END_ID',
  INVALID_IBAN: 'INVALID_IBAN',
  INVALID_BIC: 'INVALID_BIC',
  INVALID_CREDITOR_ID: 'INVALID_CREDITOR_ID',
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  INVALID_DATE: 'INVALID_DATE',
  INVALID_SEQUENCE_TYPE: 'INVALID_SEQUENCE_TYPE',
  /** A check of the `sepa` library that ours did not anticipate (e.g. BIC and IBAN countries differ). */
  REJECTED_BY_LIBRARY: 'REJECTED_BY_LIBRARY',
} as const;
export type SepaInputErrorCode = (typeof SepaInputErrorCode)[keyof typeof SepaInputErrorCode];

/** The input of a SEPA message is unusable. `code` is stable, `field` names the input path, `message` is for humans. */
export class SepaInputError extends Error {
  override readonly name = 'SepaInputError';

  constructor(
    readonly code: SepaInputErrorCode,
    readonly field: string | null,
    message: string,
  ) {
    super(field === null ? message : `${field}: ${message}`);
  }
}
