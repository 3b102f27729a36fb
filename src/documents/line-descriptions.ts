/**
 * The text of an invoice line in the invoice's language, stored with the line (DocumentLine) so
 * the invoice renders the same years later. Pure.
 */
import type { DocumentLine, InvoiceLine, Locale } from '../domain/invoice';
import { DEFAULT_PLAN_CATALOGUE, planOf, type Plan } from '../domain/plans';
import { formatMoney, formatNumber, formatPeriod, InvalidDocumentDataError } from './document-format';

export interface DescribeLineOptions {
  /** The plan catalogue that names the plans (default: DOMAIN.md's catalogue). */
  readonly catalogue?: readonly Plan[];
}

function seats(count: number, locale: Locale): string {
  if (locale === 'de') return `${formatNumber(count, locale)} Nutzer`;
  return `${formatNumber(count, locale)} ${count === 1 ? 'user' : 'users'}`;
}

function planName(line: InvoiceLine, locale: Locale, catalogue: readonly Plan[]): string {
  if (line.plan === null) throw new InvalidDocumentDataError(`A ${line.kind} line needs a plan`);
  const name = planOf(line.plan, catalogue).name;
  return locale === 'de' ? `Tarif ${name}` : `${name} plan`;
}

/** ", 15.01.–31.01.2027 (17/31 Tage)" for a prorated line, "" otherwise. */
function proratedPart(line: InvoiceLine, locale: Locale): string {
  if (line.proration === null) return '';
  const { days, daysInMonth } = line.proration;
  const unit = locale === 'de' ? 'Tage' : daysInMonth === 1 ? 'day' : 'days';
  return `, ${formatPeriod(line.servicePeriod, locale)} (${days}/${daysInMonth} ${unit})`;
}

/**
 * Describes one invoice line:
 * - base fee: "Tarif Plus, 3 Nutzer" / "Plus plan, 3 users" (the period is printed in its own column);
 * - proration: "Tarif Plus, 3 Nutzer, 15.01.–31.01.2027 (17/31 Tage)" / "Plus plan, 3 users, 15–31 Jan 2027 (17/31 days)";
 * - usage: "SMS-Einladungen (120 × 0,10 €)" / "SMS invitations (120 × €0.10)";
 * - pause fee: "Pausengebühr" / "Pause fee", with the days when prorated;
 * - credit: "Gutschrift" / "Credit", with the plan when it has one.
 */
export function describeLine(line: InvoiceLine, locale: Locale, options: DescribeLineOptions = {}): string {
  const catalogue = options.catalogue ?? DEFAULT_PLAN_CATALOGUE;
  switch (line.kind) {
    case 'base-fee':
    case 'proration':
      return `${planName(line, locale, catalogue)}, ${seats(line.quantity, locale)}${proratedPart(line, locale)}`;
    case 'usage': {
      const label = locale === 'de' ? (line.quantity === 1 ? 'SMS-Einladung' : 'SMS-Einladungen') : line.quantity === 1 ? 'SMS invitation' : 'SMS invitations';
      return `${label} (${formatNumber(line.quantity, locale)} × ${formatMoney(line.unitPriceCents, locale)})`;
    }
    case 'pause-fee':
      return `${locale === 'de' ? 'Pausengebühr' : 'Pause fee'}${proratedPart(line, locale)}`;
    case 'credit': {
      const label = locale === 'de' ? 'Gutschrift' : 'Credit';
      return line.plan === null ? label : `${label}, ${planName(line, locale, catalogue)}`;
    }
  }
}

/** The lines of an invoice with their descriptions, ready to be stored as InvoiceDocumentData.lines. */
export function toDocumentLines(lines: readonly InvoiceLine[], locale: Locale, options: DescribeLineOptions = {}): DocumentLine[] {
  return lines.map((line) => ({ ...line, description: describeLine(line, locale, options) }));
}
