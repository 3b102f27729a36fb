/** Amounts, dates and text of a camt.053 message, read exactly (no floats, no time zones). */
import { isLocalDate, type LocalDate } from '../domain/calendar';
import { malformed } from './camt053-error';
import type { XmlElement } from './xml-element';

// xs:decimal without a sign (the XSD's minimum is 0): "1234.5", "0.10", ".5", "12."
const DECIMAL = /^\+?(\d*)(?:\.(\d*))?$/;

/** An ISO 20022 amount as whole cents, from the decimal string: "1234.5" → 123450, "0.1" → 10. */
export function decimalToCents(text: string, element: string): number {
  const match = DECIMAL.exec(text);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (match === null || (whole === '' && fraction === '')) throw malformed(element, `${JSON.stringify(text)} is not an amount`);
  // The XSD allows 5 decimals; a statement in EUR never has a fraction of a cent.
  if (/[1-9]/.test(fraction.slice(2))) throw malformed(element, `${text} has a fraction of a cent`);
  const cents = Number(whole === '' ? '0' : whole) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw malformed(element, `${text} is too large`);
  return cents;
}

/** An amount element (`<Amt Ccy="EUR">12.34</Amt>`): cents and currency. */
export function amountOf(amount: XmlElement): { cents: number; currency: string } {
  const currency = amount.attribute('Ccy');
  if (currency === undefined || !/^[A-Z]{3}$/.test(currency)) throw malformed(`${amount.path}/@Ccy`, 'missing or not a currency code');
  return { cents: decimalToCents(amount.ownText() ?? '', amount.path), currency };
}

/**
 * A DateAndDateTimeChoice (`<Dt>` or `<DtTm>`) as the calendar date the bank wrote; a DtTm keeps
 * its own day (the bank's local date), it is not moved to UTC.
 */
export function localDateOf(choice: XmlElement | undefined): LocalDate | undefined {
  if (choice === undefined) return undefined;
  const text = choice.text('Dt') ?? choice.text('DtTm');
  const date = text?.slice(0, 10);
  if (date === undefined || !isLocalDate(date)) throw malformed(choice.path, `${JSON.stringify(text ?? '')} has no date (Dt or DtTm)`);
  return date;
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The five XML entities and character references, in one pass (so `&amp;#228;` stays `&#228;`).
 * NOTE: fast-xml-parser decodes character references only together with HTML entities.
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (match: string, hex: string | undefined, decimal: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED[name] ?? match;
    const codePoint = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
  });
}
