/**
 * Default interest (Verzugszinsen, DOMAIN.md "Dunning precision"): simple interest on the open
 * principal, actual days ÷ 365, counted from D + 1 (or the day after the last booking) through
 * the booking day, at the base rate of each half-year (§ 247 BGB: the rate valid on 1 January /
 * 1 July) plus the margin of § 288 BGB (9 points for businesses, 5 for consumers). Pure: the
 * dated base-rate table is a parameter.
 *
 * Rates are basis points (1 bp = 0.01 %): 1.27 % + 9 points = 127 + 900 = 1027 bp.
 */
import type { LocalDate } from './calendar';
import { addDays, compareLocalDates, daysBetween, formatLocalDate, isLocalDate, parseLocalDate } from './calendar';
import { divideHalfUp } from './money';
import type { CustomerType } from './notice-period';

/** One row of the Basiszinssatz table: the rate of the half-year starting on `validFrom`. */
export interface BaseRate {
  /** `YYYY-01-01` or `YYYY-07-01`. */
  readonly validFrom: LocalDate;
  /** Basis points, may be negative (e.g. −88 from 01.07.2016 to 31.12.2022). */
  readonly basisPoints: number;
}

/** The Deutsche Bundesbank's published base rates since 2023 (the migration seeds the same rows). */
export const DEFAULT_BASE_RATES: readonly BaseRate[] = [
  { validFrom: '2023-01-01', basisPoints: 162 },
  { validFrom: '2023-07-01', basisPoints: 312 },
  { validFrom: '2024-01-01', basisPoints: 362 },
  { validFrom: '2024-07-01', basisPoints: 337 },
  { validFrom: '2025-01-01', basisPoints: 227 },
  { validFrom: '2025-07-01', basisPoints: 127 },
  { validFrom: '2026-01-01', basisPoints: 127 },
];

/** § 288 (1) and (2) BGB: points above the base rate, in basis points. */
export type InterestMargin = 900 | 500;

/** § 288 (5) BGB: the flat 40.00 a business debtor owes once per invoice in default (cents). */
export const FLAT_FEE_CENTS = 4000;

/** Days of the interest year: always 365, also in leap years (DOMAIN.md: "actual days ÷ 365"). */
const DAYS_PER_YEAR = 365;
/** Basis points per 1 (100 % = 10 000 bp). */
const BASIS_POINTS = 10_000;
/** Every exact interest amount is an integer numerator over this (cents × bp × days / (365 × 10 000)). */
const INTEREST_DENOMINATOR = DAYS_PER_YEAR * BASIS_POINTS;

/** The table has no rate for a half-year that interest is due for: never guessed, an operator adds it. */
export class MissingBaseRateError extends Error {
  readonly code = 'MISSING_BASE_RATE';
  constructor(readonly halfYearStart: LocalDate) {
    super(`No base rate (Basiszinssatz) for the half-year starting ${halfYearStart}`);
    this.name = 'MissingBaseRateError';
  }
}

/** § 288 BGB margin of a customer type: 9 points for businesses, 5 for consumers. */
export function marginFor(customerType: CustomerType): InterestMargin {
  return customerType === 'business' ? 900 : 500;
}

/** True for `YYYY-01-01` and `YYYY-07-01`, the days a base rate takes effect. */
export function isHalfYearStart(date: string): boolean {
  return isLocalDate(date) && /-(01|07)-01$/.test(date);
}

/** The first day of the half-year containing `day` (1 January or 1 July). */
export function halfYearStartOf(day: LocalDate): LocalDate {
  const { year, month } = parseLocalDate(day);
  return formatLocalDate(year, month <= 6 ? 1 : 7, 1);
}

/** The first day of the half-year after the one containing `day`. */
function nextHalfYearStart(day: LocalDate): LocalDate {
  const { year, month } = parseLocalDate(day);
  return month <= 6 ? formatLocalDate(year, 7, 1) : formatLocalDate(year + 1, 1, 1);
}

/**
 * The base rate of the half-year containing `day`: the row valid from its 1 January / 1 July.
 * A rate of an earlier half-year does not carry over (the Bundesbank publishes one per
 * half-year, also when it is unchanged). Throws {@link MissingBaseRateError} without a row.
 */
export function baseRateFor(rates: readonly BaseRate[], day: LocalDate): BaseRate {
  const start = halfYearStartOf(day);
  const rate = rates.find((r) => r.validFrom === start);
  if (!rate) throw new MissingBaseRateError(start);
  return rate;
}

/** The open principal from `from` on (until the next entry). */
export interface PrincipalFrom {
  readonly from: LocalDate;
  readonly principalCents: number;
}

export interface DefaultInterestInput {
  /** Open principal from each day on, ascending; the first entry is on or before `from`. */
  readonly principal: readonly PrincipalFrom[];
  /** First day counted: D + 1, or the day after the last interest booking. */
  readonly from: LocalDate;
  /** The booking day, counted. The day before `from` gives nothing (a second booking on the same day). */
  readonly through: LocalDate;
  readonly marginBasisPoints: InterestMargin;
  readonly rates: readonly BaseRate[];
}

/** Days of one principal at one rate. */
export interface InterestPeriod {
  readonly from: LocalDate;
  /** Last day of the period, counted. */
  readonly to: LocalDate;
  readonly days: number;
  readonly principalCents: number;
  readonly baseRateBasisPoints: number;
  /** Base rate + margin, at least 0: there is no negative interest. */
  readonly ratePercentBasisPoints: number;
  /** This period's share of the total in cents (see {@link defaultInterest}: the shares add up to the total). */
  readonly cents: number;
}

export interface DefaultInterest {
  /** What is booked: the exact sum of all periods, rounded half-up once. */
  readonly cents: number;
  /** Periods with principal, split at half-year starts and principal changes, in order. */
  readonly periods: readonly InterestPeriod[];
}

/**
 * Default interest for the days `from`..`through` (both counted) on the open principal.
 *
 * Rounding: each period's exact interest is an integer numerator over 365 × 10 000
 * (cents × bp × days); the total is the sum of the numerators divided once, half-up. The
 * periods' `cents` are that total distributed by largest remainder (each is its exact share
 * rounded down or up, ties to the earlier period), so the periods shown on a letter add up
 * to the amount booked; a period may thus show a cent more or less than its own half-up
 * rounding would.
 *
 * Throws {@link MissingBaseRateError} for a half-year with principal and no base rate,
 * `RangeError` for a malformed principal timeline or `through` before the day before `from`.
 */
export function defaultInterest(input: DefaultInterestInput): DefaultInterest {
  const { principal, from, through, marginBasisPoints, rates } = input;
  checkPrincipal(principal, from);
  const span = daysBetween(from, through) + 1;
  if (span < 0) throw new RangeError(`Interest through ${through} cannot start on ${from}`);

  const exact: (Omit<InterestPeriod, 'cents'> & { numerator: number })[] = [];
  let day = from;
  while (compareLocalDates(day, through) <= 0) {
    const index = principalIndexOn(principal, day);
    const nextChange = principal[index + 1]?.from;
    // NOTE: a period ends before the next half-year start, the next principal change or after `through`, whichever comes first.
    let end = addDays(nextHalfYearStart(day), -1);
    if (nextChange !== undefined && compareLocalDates(addDays(nextChange, -1), end) < 0) end = addDays(nextChange, -1);
    if (compareLocalDates(through, end) < 0) end = through;
    const principalCents = principal[index].principalCents;
    if (principalCents > 0) {
      const baseRateBasisPoints = baseRateFor(rates, day).basisPoints;
      // No negative interest: a base rate below −margin gives 0 for the period.
      const ratePercentBasisPoints = Math.max(0, baseRateBasisPoints + marginBasisPoints);
      const days = daysBetween(day, end) + 1;
      exact.push({ from: day, to: end, days, principalCents, baseRateBasisPoints, ratePercentBasisPoints, numerator: principalCents * ratePercentBasisPoints * days });
    }
    day = addDays(end, 1);
  }

  // The rounding rule (DOMAIN.md "rounded half-up"): sum the exact fractions, divide ONCE.
  const cents = divideHalfUp(
    exact.reduce((sum, p) => sum + p.numerator, 0),
    INTEREST_DENOMINATOR,
  );
  const shares = distribute(cents, exact.map((p) => p.numerator));
  return { cents, periods: exact.map(({ numerator: _numerator, ...period }, i) => ({ ...period, cents: shares[i] })) };
}

/**
 * Splits `total` cents over numerators (over {@link INTEREST_DENOMINATOR}) by largest remainder:
 * every share is its exact value rounded down, and the cents left go to the largest remainders.
 */
function distribute(total: number, numerators: readonly number[]): number[] {
  const shares = numerators.map((n) => Math.floor(n / INTEREST_DENOMINATOR));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = numerators
    .map((n, i) => ({ i, remainder: n % INTEREST_DENOMINATOR }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    shares[i] += 1;
    left -= 1;
  }
  return shares;
}

function checkPrincipal(principal: readonly PrincipalFrom[], from: LocalDate): void {
  if (principal.length === 0) throw new RangeError('The principal timeline is empty');
  if (compareLocalDates(principal[0].from, from) > 0) {
    throw new RangeError(`The principal timeline starts on ${principal[0].from}, after the first interest day ${from}`);
  }
  principal.forEach((p, i) => {
    if (!Number.isSafeInteger(p.principalCents) || p.principalCents < 0) throw new RangeError(`principal[${i}].principalCents must be whole cents ≥ 0`);
    if (i > 0 && compareLocalDates(p.from, principal[i - 1].from) <= 0) throw new RangeError(`principal[${i}].from must be after ${principal[i - 1].from}`);
  });
}

/** Index of the principal entry in force on `day` (the last one starting on or before it). */
function principalIndexOn(principal: readonly PrincipalFrom[], day: LocalDate): number {
  let index = 0;
  while (index + 1 < principal.length && compareLocalDates(principal[index + 1].from, day) <= 0) index++;
  return index;
}
