/** What the sections render with: the locale's texts and formatters, bound once per render. */
import type { Locale, MessageKey } from './i18n.js';
import { formatDate, formatInstant, formatMoney, isMessageKey, translate } from './i18n.js';
import type { Money } from './types.js';

export interface View {
  readonly locale: Locale;
  t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string;
  /** The label of an API value (`status` + `active` → "Aktiv"); the raw value when there is none. */
  label(prefix: string, value: string | number): string;
  money(money: Money): string;
  date(localDate: string): string;
  /** An instant in the contract's time zone. */
  instant(instant: string): string;
}

export function createView(locale: Locale, timeZone: string): View {
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    label(prefix, value) {
      const key = `${prefix}.${value}`;
      return isMessageKey(key) ? translate(locale, key) : String(value);
    },
    money: (money) => formatMoney(locale, money),
    date: (localDate) => formatDate(locale, localDate),
    instant: (instant) => formatInstant(locale, instant, timeZone),
  };
}
