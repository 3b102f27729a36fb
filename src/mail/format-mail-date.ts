import type { Locale } from './mail-templates';

// Both error classes live here: this file must stay free of runtime imports, because a test
// compiles it on its own and runs it in child processes with other time zones.

/**
 * Thrown while building a mail's view model when a context value cannot be right on any retry:
 * an impossible date, an unknown plan id, a fractional amount of cents, a seat count below 1.
 * It is a bug in the caller, not a transient failure. {@link InvalidMailDateError} is one kind.
 */
export class InvalidMailContextError extends RangeError {
  override readonly name: string = 'InvalidMailContextError';
}

/** Thrown when a mail context carries a date that is not a real `YYYY-MM-DD` calendar date. */
export class InvalidMailDateError extends InvalidMailContextError {
  override readonly name = 'InvalidMailDateError';
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// en-GB, not en-US: customers are in DE/AT and expect day-month-year ("30 June 2027").
// NOTE: de-AT would print "Jänner" for January; Locale has no region yet, so AT customers see
// "Januar". Add a region to Locale if that becomes a requirement.
const LONG_DATE: Record<Locale, Intl.DateTimeFormat> = {
  de: new Intl.DateTimeFormat('de-DE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

/**
 * Formats a local calendar date (`YYYY-MM-DD`, as stored on the contract) for a mail:
 * `de` → "30. Juni 2027", `en` → "30 June 2027".
 *
 * The date is placed at UTC midnight and formatted in UTC, so the printed day never shifts
 * with the server's time zone. Throws {@link InvalidMailDateError} for anything that is not a
 * real calendar date (`2027-02-30`, `30.06.2027`, a timestamp).
 */
export function formatMailDate(isoDate: string, locale: Locale): string {
  const match = ISO_DATE.exec(isoDate);
  if (!match) throw new InvalidMailDateError(`Not a YYYY-MM-DD date: ${JSON.stringify(isoDate)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2027-02-30 over to 2 March and maps years 0..99 to 19xx; the round trip catches both.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new InvalidMailDateError(`Not a calendar date: ${isoDate}`);
  }
  return LONG_DATE[locale].format(date);
}
