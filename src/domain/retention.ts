/**
 * Retention of tax records (DOMAIN.md, "Retention and deletion"): kept for a period counted from
 * the end of the calendar year the record was created in, then destroyed. `retainUntil` is the
 * last day it exists: 31.12. of (creation year + period). An AT invoice of 2027 exists on
 * 31.12.2034 and is gone on 01.01.2035.
 */
import type { LocalDate } from './calendar';
import type { Country } from './invoice';

export type RetainedRecordType = 'invoice' | 'payment' | 'ledger-entry' | 'letter' | 'billing-mail' | 'dunning-letter';

/** Years per issuer country and record type (configuration). */
export type RetentionPolicy = Readonly<Record<Country, Readonly<Record<RetainedRecordType, number>>>>;

/** AT: § 132 BAO 7 years for everything; DE: § 147 AO / § 257 HGB as of 2025. */
export const DEFAULT_RETENTION_POLICY: RetentionPolicy = {
  AT: { invoice: 7, payment: 7, 'ledger-entry': 7, letter: 7, 'billing-mail': 7, 'dunning-letter': 7 },
  DE: { invoice: 8, payment: 8, 'ledger-entry': 10, letter: 6, 'billing-mail': 6, 'dunning-letter': 6 },
};

/** The last day a record created on `createdOn` is kept. */
export function retainUntil(recordType: RetainedRecordType, createdOn: LocalDate, issuerCountry: Country, policy: RetentionPolicy = DEFAULT_RETENTION_POLICY): LocalDate {
  const year = Number(createdOn.slice(0, 4));
  return `${year + policy[issuerCountry][recordType]}-12-31`;
}
