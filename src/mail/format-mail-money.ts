import { InvalidMailContextError } from './format-mail-date';
import type { Locale } from './mail-templates';

// en-GB for the same reason as the dates: customers are in DE/AT; en-GB puts the sign first ("€5.00").
const EUR: Record<Locale, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
};

/**
 * Formats an amount in integer cents (EUR) for a mail: `500` → `de` "5,00 €", `en` "€5.00";
 * `123456789` → "1.234.567,89 €" / "€1,234,567.89".
 *
 * German puts a space between amount and sign; it is always U+00A0 (no-break space), so a mail
 * client never wraps "5,00" and "€" onto two lines, and the output does not change with the
 * ICU version (some ICU data uses U+202F there). Negative amounts (credits) get a leading "-".
 * Throws {@link InvalidMailContextError} for anything but a safe integer (cents are never fractional).
 */
export function formatMailMoney(cents: number, locale: Locale): string {
  if (!Number.isSafeInteger(cents)) {
    throw new InvalidMailContextError(`Not an integer amount of cents: ${String(cents)}`);
  }
  // + 0 turns -0 into 0, so nothing ever prints "-0,00 €".
  return EUR[locale].format(cents / 100 + 0).replace(/[\s\u202f]/g, '\u00a0');
}
