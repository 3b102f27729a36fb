/**
 * SEPA mandate rules (DOMAIN.md, "Billing"; SEPA Core rulebook): a mandate not used for a
 * collection for 36 months expires; the first collection under a mandate is `FRST`, every later
 * one `RCUR`; the end-to-end id names the invoice so a return can be traced to it.
 */
import type { LocalDate } from './calendar';
import { addMonths, compareLocalDates } from './calendar';

export const DEFAULT_MANDATE_EXPIRY_MONTHS = 36;

export interface MandateUse {
  readonly signedOn: string | null;
  readonly lastCollectedOn: string | null;
}

/** True when a collection on `collectOn` would come more than `months` after the last use (or the signature). */
export function isMandateExpired(mandate: MandateUse, collectOn: LocalDate, months: number = DEFAULT_MANDATE_EXPIRY_MONTHS): boolean {
  const lastUse = mandate.lastCollectedOn ?? mandate.signedOn;
  if (!lastUse) return false;
  return compareLocalDates(collectOn, addMonths(lastUse, months)) > 0;
}

/** `FRST` for the first debit under a mandate, `RCUR` after it. */
export function sequenceTypeOf(earlierDebits: number): 'FRST' | 'RCUR' {
  return earlierDebits === 0 ? 'FRST' : 'RCUR';
}

/** End-to-end id of an invoice's debit: `E2E-<invoice number>` (≤ 35 characters, SEPA charset). */
export function endToEndIdOf(invoiceNumber: string): string {
  return `E2E-${invoiceNumber}`;
}
