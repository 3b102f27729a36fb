/**
 * Invoice numbers (DOMAIN.md, "Billing"): gapless per issuer and calendar year of the issue
 * date, `2027-000001`. The sequence itself is taken in the database (activities/billing.activity.ts).
 */
import type { Issuer } from './invoice';

/** The issuer's key for numbering: numbers are gapless per issuer (country + VAT ID) and year. */
export function issuerKeyOf(issuer: Pick<Issuer, 'country' | 'vatId'>): string {
  return `${issuer.country}:${issuer.vatId}`;
}

/** `2027-000001`: the year of the issue date and the six-digit sequence. */
export function formatInvoiceNumber(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(6, '0')}`;
}
