/**
 * Money as integer cents (EUR), never floats. Every rounding in billing goes through
 * {@link divideHalfUp}: "rounded half-up to the cent" (DOMAIN.md, "Billing precision") means
 * half a cent rounds away from zero, e.g. 3126.5 → 3127, -3126.5 → -3127.
 */

/** `numerator / denominator` rounded half-up (away from zero at .5) to an integer. Integers only. */
export function divideHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`divideHalfUp needs safe integers and a non-zero denominator, got ${numerator} / ${denominator}`);
  }
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  const quotient = Math.floor(n / d);
  const remainder = n - quotient * d;
  // NOTE: compare 2·remainder with d instead of remainder/d ≥ 0.5 to stay in integers.
  return sign * (2 * remainder >= d ? quotient + 1 : quotient);
}

/** `cents × numerator / denominator`, half-up: a monthly amount for `days` of `daysInMonth`. */
export function prorate(cents: number, numerator: number, denominator: number): number {
  return divideHalfUp(cents * numerator, denominator);
}

/** VAT on a net amount at `ratePercent` (19, 20, 0), half-up to the cent. */
export function vatOf(netCents: number, ratePercent: number): number {
  // Rates are whole percent in DE/AT; basis points keep 7.7 % style rates exact should one come.
  return divideHalfUp(netCents * Math.round(ratePercent * 100), 10_000);
}

/** Sum of cents. */
export function sumCents(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
