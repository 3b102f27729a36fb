import { DateTime, IANAZone } from 'luxon';

/**
 * Calendar arithmetic on local dates of legal effect.
 *
 * Pure: no clock, no I/O, no Node built-ins — this module also runs inside the Temporal
 * workflow sandbox. Date arithmetic is plain integer math on the proleptic Gregorian
 * calendar; only the conversion between instants and local dates needs time-zone data,
 * which comes from luxon (Intl-based, deterministic for a given instant).
 */

/** A calendar date with legal effect, in a contract's zone, serialized YYYY-MM-DD. */
export type LocalDate = string;

interface DateParts {
  year: number;
  month: number;
  day: number;
}

const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function isLeapYear(year: number): boolean {
  // Gregorian rule: 2000 and 2028 are leap years, 2100 is not.
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Days since 1970-01-01 (negative before); H. Hinnant's `days_from_civil`. */
function toEpochDay({ year, month, day }: DateParts): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Inverse of {@link toEpochDay}; H. Hinnant's `civil_from_days`. */
function fromEpochDay(epochDay: number): DateParts {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function requireInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be an integer, got ${value}`);
  }
}

/** True for a strict `YYYY-MM-DD` string naming a real calendar date (`2027-02-29` is false). */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE_PATTERN.exec(value);
  if (match === null) return false;
  return isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Splits a local date into its parts. Throws `RangeError` unless {@link isLocalDate} holds. */
export function parseLocalDate(value: LocalDate): { year: number; month: number; day: number } {
  const match = LOCAL_DATE_PATTERN.exec(value);
  if (match !== null) {
    const parts = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
    if (isRealDate(parts.year, parts.month, parts.day)) return parts;
  }
  throw new RangeError(`Not a local date (YYYY-MM-DD): ${JSON.stringify(value)}`);
}

/** Serializes a real calendar date as `YYYY-MM-DD`. Throws `RangeError` for impossible dates. */
export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  if (!isRealDate(year, month, day)) {
    throw new RangeError(`Not a calendar date: ${year}-${month}-${day}`);
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The date `days` calendar days later (earlier for negative `days`). */
export function addDays(date: LocalDate, days: number): LocalDate {
  requireInteger(days, 'days');
  const { year, month, day } = fromEpochDay(toEpochDay(parseLocalDate(date)) + days);
  return formatLocalDate(year, month, day);
}

/**
 * The date `months` calendar months later (earlier for negative `months`).
 *
 * NOTE: a day that does not exist in the target month clamps to that month's last day,
 * as § 188 (3) BGB does for periods: 2027-01-31 + 1 → 2027-02-28, 2027-11-30 + 3 → 2028-02-29.
 * Clamping makes the operation non-invertible: addMonths(addMonths(d, 1), -1) need not be d.
 */
export function addMonths(date: LocalDate, months: number): LocalDate {
  requireInteger(months, 'months');
  const { year, month, day } = parseLocalDate(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return formatLocalDate(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/** Orders two local dates: negative if `a` is earlier, 0 if equal, positive if later. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return toEpochDay(parseLocalDate(a)) - toEpochDay(parseLocalDate(b));
}

/** Calendar days from `from` to `to` (`to - from`; negative if `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toEpochDay(parseLocalDate(to)) - toEpochDay(parseLocalDate(from));
}

/** The last day of `date`'s month. */
export function endOfMonth(date: LocalDate): LocalDate {
  const { year, month } = parseLocalDate(date);
  return formatLocalDate(year, month, daysInMonth(year, month));
}

/** The last day of `date`'s calendar quarter: 31.03., 30.06., 30.09. or 31.12. */
export function endOfQuarter(date: LocalDate): LocalDate {
  const { year, month } = parseLocalDate(date);
  const quarterEndMonth = Math.ceil(month / 3) * 3;
  return formatLocalDate(year, quarterEndMonth, daysInMonth(year, quarterEndMonth));
}

/** True if `zone` is an IANA time-zone name the runtime knows (e.g. `Europe/Berlin`). */
export function isValidTimeZone(zone: string): boolean {
  return zone.length > 0 && IANAZone.isValidZone(zone);
}

function requireTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) {
    throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
  }
}

/**
 * The local calendar date of `instant` in `timeZone`.
 *
 * NOTE: legal effect follows the contract's local calendar, not UTC: 2027-03-31T21:30:00Z is
 * 23:30 on 31.03. in Berlin (CEST, UTC+2), while 2027-03-31T22:30:00Z is already 01.04.
 */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  requireTimeZone(timeZone);
  const millis = instant.getTime();
  if (Number.isNaN(millis)) throw new RangeError('Invalid instant');
  const local = DateTime.fromMillis(millis, { zone: timeZone });
  return formatLocalDate(local.year, local.month, local.day);
}

/**
 * The first instant of `date` in `timeZone` (normally 00:00 local).
 *
 * NOTE: days are not always 24 h long. In Berlin 2027-03-28 starts at 2027-03-27T23:00:00Z and
 * lasts 23 h; 2027-10-31 starts at 2027-10-30T22:00:00Z and lasts 25 h. In zones whose clocks
 * jump forward at midnight, 00:00 does not exist and the day starts at the first instant that
 * does (e.g. 01:00).
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  requireTimeZone(timeZone);
  const target = toEpochDay(parseLocalDate(date));
  const zone = IANAZone.create(timeZone);
  const localEpochDay = (millis: number): number =>
    Math.floor((millis + zone.offset(millis) * MINUTE_MS) / DAY_MS);
  const utcMidnight = target * DAY_MS;

  // Fast path: local midnight exists, with the offset in force at that moment.
  const guess = utcMidnight - zone.offset(utcMidnight) * MINUTE_MS;
  const candidate = utcMidnight - zone.offset(guess) * MINUTE_MS;
  if (localEpochDay(candidate) === target && localEpochDay(candidate - 1) < target) {
    return new Date(candidate);
  }

  // Otherwise search the first instant of the day. UTC offsets stay well within ±24 h, so the
  // day starts after `before` (still the previous local day) and no later than `from`.
  let before = utcMidnight - DAY_MS;
  let from = utcMidnight + DAY_MS;
  while (from - before > 1) {
    const mid = Math.floor((before + from) / 2);
    if (localEpochDay(mid) < target) before = mid;
    else from = mid;
  }
  if (localEpochDay(from) !== target) {
    throw new RangeError(`${date} does not exist in ${timeZone}`);
  }
  return new Date(from);
}
