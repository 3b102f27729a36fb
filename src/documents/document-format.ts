/**
 * Numbers, money and dates as printed on documents (invoice PDF, e-invoice texts), per locale.
 * Pure: the same input gives the same string on every machine (no time zone, no ICU quirks).
 */
import { parseLocalDate, type LocalDate } from '../domain/calendar';
import type { Locale, ServicePeriod } from '../domain/invoice';

// en-GB, not en-US: customers are in DE/AT and read day-month-year ("15 January 2027", "€5.00").
const EUR: Record<Locale, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
};
const DECIMAL: Record<Locale, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { maximumFractionDigits: 4 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 4 }),
};
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_EN_SHORT = MONTHS_EN.map((name) => name.slice(0, 3));

/** Thrown for data no document can be rendered from (fractional cents, an impossible date). */
export class InvalidDocumentDataError extends RangeError {
  override readonly name = 'InvalidDocumentDataError';
}

function requireCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) throw new InvalidDocumentDataError(`Not an integer amount of cents: ${String(cents)}`);
}

/**
 * Integer cents as money: `123456` → de "1.234,56 €", en "€1,234.56".
 * The space before "€" is always U+00A0 (ICU versions differ: some use U+202F), so the output
 * is the same everywhere and never wraps between amount and sign.
 */
export function formatMoney(cents: number, locale: Locale): string {
  requireCents(cents);
  // + 0 turns -0 into 0: nothing prints "-0,00 €".
  return EUR[locale].format(cents / 100 + 0).replace(/[\s\u202f]/g, '\u00a0');
}

/** Integer cents as a plain decimal with two places for machine formats: `3126` → "31.26", `-50` → "-0.50". */
export function centsToDecimal(cents: number): string {
  requireCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A count or rate for print: de "1.234", "19"; en "1,234". */
export function formatNumber(value: number, locale: Locale): string {
  return DECIMAL[locale].format(value);
}

/** A VAT rate: de "19 %", en "19%". */
export function formatPercent(ratePercent: number, locale: Locale): string {
  return locale === 'de' ? `${formatNumber(ratePercent, locale)}\u00a0%` : `${formatNumber(ratePercent, locale)}%`;
}

/**
 * An interest rate given in basis points, always with two decimals: `1027` → de "10,27 %", en "10.27%";
 * `900` → "9,00 %". Exact (integer arithmetic, no float rounding).
 */
export function formatBasisPoints(basisPoints: number, locale: Locale): string {
  if (!Number.isSafeInteger(basisPoints)) throw new InvalidDocumentDataError(`Not an integer number of basis points: ${String(basisPoints)}`);
  const abs = Math.abs(basisPoints);
  const number = `${basisPoints < 0 ? '-' : ''}${Math.floor(abs / 100)}${locale === 'de' ? ',' : '.'}${String(abs % 100).padStart(2, '0')}`;
  return locale === 'de' ? `${number}\u00a0%` : `${number}%`;
}

function parts(date: LocalDate): { year: number; month: number; day: number } {
  try {
    return parseLocalDate(date);
  } catch {
    throw new InvalidDocumentDataError(`Not a local date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A local date: de "15.01.2027", en "15 January 2027". */
export function formatDate(date: LocalDate, locale: Locale): string {
  const { year, month, day } = parts(date);
  return locale === 'de' ? `${pad2(day)}.${pad2(month)}.${year}` : `${day} ${MONTHS_EN[month - 1]} ${year}`;
}

/** A local date where space is short (table columns): de "15.01.2027", en "15 Jan 2027". */
export function formatShortDate(date: LocalDate, locale: Locale): string {
  const { year, month, day } = parts(date);
  return locale === 'de' ? formatDate(date, 'de') : `${day} ${MONTHS_EN_SHORT[month - 1]} ${year}`;
}

/**
 * A service period, both ends included, as short as it stays unambiguous:
 * de "15.01.–31.01.2027", "15.12.2026–14.01.2027", "15.01.2027" (one day);
 * en "15–31 Jan 2027", "15 Jan – 3 Feb 2027", "15 Dec 2026 – 14 Jan 2027", "15 Jan 2027".
 */
export function formatPeriod(period: ServicePeriod, locale: Locale): string {
  const from = parts(period.from);
  const to = parts(period.to);
  if (period.from === period.to) return formatShortDate(period.from, locale);
  if (locale === 'de') {
    const start = from.year === to.year ? `${pad2(from.day)}.${pad2(from.month)}.` : formatDate(period.from, 'de');
    return `${start}–${formatDate(period.to, 'de')}`;
  }
  const end = `${to.day} ${MONTHS_EN_SHORT[to.month - 1]} ${to.year}`;
  if (from.year !== to.year) return `${from.day} ${MONTHS_EN_SHORT[from.month - 1]} ${from.year} – ${end}`;
  if (from.month !== to.month) return `${from.day} ${MONTHS_EN_SHORT[from.month - 1]} – ${end}`;
  return `${from.day}–${end}`;
}

/** An IBAN in groups of four for print: "DE89 3704 0044 0532 0130 00" (`separator` U+00A0 keeps it on one line). */
export function formatIban(iban: string, separator = ' '): string {
  return iban.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, `$1${separator}`);
}
