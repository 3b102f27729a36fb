/**
 * Default interest to the cent. Every expected value is worked out by hand in its comment:
 * interest = principal (cents) × rate (bp) × days / (365 × 10 000), the sum of the periods
 * rounded half-up once. 1 bp = 0.01 %; a rate of 1027 bp is 1.27 % + 9 points.
 */
import type { BaseRate } from '../../src/domain/interest';
import {
  baseRateFor,
  DEFAULT_BASE_RATES,
  defaultInterest,
  FLAT_FEE_CENTS,
  halfYearStartOf,
  isHalfYearStart,
  marginFor,
  MissingBaseRateError,
} from '../../src/domain/interest';

/** The default table plus rates for 2027 H1 and 2028 (not published yet: made up for the tests, 1.27 % each). */
const RATES: readonly BaseRate[] = [
  ...DEFAULT_BASE_RATES,
  { validFrom: '2027-01-01', basisPoints: 127 },
  { validFrom: '2028-01-01', basisPoints: 127 },
  { validFrom: '2028-07-01', basisPoints: 127 },
];

/** A business debtor's interest on a principal timeline given as `[from, cents]` pairs. */
const business = (principal: [string, number][], from: string, through: string, rates: readonly BaseRate[] = RATES) =>
  defaultInterest({ principal: principal.map(([on, principalCents]) => ({ from: on, principalCents })), from, through, marginBasisPoints: 900, rates });

describe('DEFAULT_BASE_RATES and baseRateFor (§ 247 BGB)', () => {
  it('holds the Bundesbank rates 2023–2026', () => {
    expect(DEFAULT_BASE_RATES.map((r) => [r.validFrom, r.basisPoints])).toEqual([
      ['2023-01-01', 162],
      ['2023-07-01', 312],
      ['2024-01-01', 362],
      ['2024-07-01', 337],
      ['2025-01-01', 227],
      ['2025-07-01', 127],
      ['2026-01-01', 127],
    ]);
  });

  it.each([
    ['2023-01-01', 162],
    ['2023-06-30', 162],
    ['2023-07-01', 312],
    ['2024-02-29', 362],
    ['2024-06-30', 362],
    ['2024-07-01', 337],
    ['2024-12-31', 337],
    ['2025-07-15', 127],
    ['2026-06-30', 127],
  ])('%s → %i bp (the rate valid on the 1 January / 1 July before)', (day, basisPoints) => {
    expect(baseRateFor(DEFAULT_BASE_RATES, day).basisPoints).toBe(basisPoints);
  });

  it.each([
    ['2026-07-01', '2026-07-01'],
    ['2026-12-31', '2026-07-01'],
    ['2022-12-31', '2022-07-01'],
  ])('%s: no row for its half-year → MissingBaseRateError(%s); the rate before is not carried over', (day, halfYearStart) => {
    expect(() => baseRateFor(DEFAULT_BASE_RATES, day)).toThrow(MissingBaseRateError);
    try {
      baseRateFor(DEFAULT_BASE_RATES, day);
    } catch (error) {
      expect((error as MissingBaseRateError).halfYearStart).toBe(halfYearStart);
      expect((error as MissingBaseRateError).code).toBe('MISSING_BASE_RATE');
    }
  });

  it.each([
    ['2027-01-01', true],
    ['2027-07-01', true],
    ['2027-07-02', false],
    ['2027-04-01', false],
    ['2027-13-01', false],
    ['2027-7-01', false],
  ])('isHalfYearStart(%s) → %s', (date, expected) => {
    expect(isHalfYearStart(date)).toBe(expected);
  });

  it.each([
    ['2027-01-01', '2027-01-01'],
    ['2027-06-30', '2027-01-01'],
    ['2027-07-01', '2027-07-01'],
    ['2027-12-31', '2027-07-01'],
  ])('halfYearStartOf(%s) → %s', (day, start) => {
    expect(halfYearStartOf(day)).toBe(start);
  });
});

describe('marginFor and the flat fee (§ 288 BGB)', () => {
  it('9 points for businesses, 5 for consumers; 40.00 flat', () => {
    expect(marginFor('business')).toBe(900);
    expect(marginFor('consumer')).toBe(500);
    expect(FLAT_FEE_CENTS).toBe(4000);
  });
});

describe('defaultInterest', () => {
  it('82.11 €, business, due 15.03.2027: 16.03.–29.03. at 1.27 % + 9 → 0.32', () => {
    // 8211 × 1027 × 14 = 118 057 758; ÷ 3 650 000 = 32.344… → 32 cents (82.11 × 10.27 % × 14/365).
    const result = business([['2027-03-16', 8211]], '2027-03-16', '2027-03-29');
    expect(result).toEqual({
      cents: 32,
      periods: [{ from: '2027-03-16', to: '2027-03-29', days: 14, principalCents: 8211, baseRateBasisPoints: 127, ratePercentBasisPoints: 1027, cents: 32 }],
    });
  });

  it('a period crossing 01.07.2024 takes 3.62 % before and 3.37 % from 1 July', () => {
    // 1,000.00 €, business, 21.06.–10.07.2024:
    //   21.06.–30.06. 10 days × (362 + 900 = 1262 bp): 100 000 × 1262 × 10 = 1 262 000 000 → 345.753…
    //   01.07.–10.07. 10 days × (337 + 900 = 1237 bp): 100 000 × 1237 × 10 = 1 237 000 000 → 338.904…
    //   sum 2 499 000 000 ÷ 3 650 000 = 684.657… → 685; shares 345 + 338 = 683, the 2 cents left go to both → 346 + 339.
    const result = business([['2024-06-21', 100_000]], '2024-06-21', '2024-07-10');
    expect(result.cents).toBe(685);
    expect(result.periods).toEqual([
      { from: '2024-06-21', to: '2024-06-30', days: 10, principalCents: 100_000, baseRateBasisPoints: 362, ratePercentBasisPoints: 1262, cents: 346 },
      { from: '2024-07-01', to: '2024-07-10', days: 10, principalCents: 100_000, baseRateBasisPoints: 337, ratePercentBasisPoints: 1237, cents: 339 },
    ]);
  });

  it('a partial payment lowers the principal from its day on', () => {
    // 82.11 € from 16.03.2027, 50.00 paid on 23.03. → 32.11 € from 23.03.; through 29.03. at 1027 bp:
    //   16.03.–22.03. 7 days: 8211 × 1027 × 7 = 59 028 879 → 16.172…
    //   23.03.–29.03. 7 days: 3211 × 1027 × 7 = 23 083 879 → 6.324…
    //   sum 82 112 758 ÷ 3 650 000 = 22.496… → 22 (= 16 + 6).
    const result = business(
      [
        ['2027-03-16', 8211],
        ['2027-03-23', 3211],
      ],
      '2027-03-16',
      '2027-03-29',
    );
    expect(result.cents).toBe(22);
    expect(result.periods.map((p) => [p.from, p.to, p.days, p.principalCents, p.cents])).toEqual([
      ['2027-03-16', '2027-03-22', 7, 8211, 16],
      ['2027-03-23', '2027-03-29', 7, 3211, 6],
    ]);
  });

  it('a consumer pays 5 points above the base rate', () => {
    // 500.00 €, consumer, 01.02.–02.03.2025 = 28 + 2 = 30 days at 227 + 500 = 727 bp:
    // 50 000 × 727 × 30 = 1 090 500 000 ÷ 3 650 000 = 298.767… → 299 (a business would pay 1127 bp → 463.15… → 463).
    const input = { principal: [{ from: '2025-02-01', principalCents: 50_000 }], from: '2025-02-01', through: '2025-03-02', rates: RATES };
    expect(defaultInterest({ ...input, marginBasisPoints: marginFor('consumer') })).toEqual({
      cents: 299,
      periods: [{ from: '2025-02-01', to: '2025-03-02', days: 30, principalCents: 50_000, baseRateBasisPoints: 227, ratePercentBasisPoints: 727, cents: 299 }],
    });
    expect(defaultInterest({ ...input, marginBasisPoints: marginFor('business') }).cents).toBe(463);
  });

  it('a half-year without a base rate (2027-07-01) → MissingBaseRateError, nothing guessed', () => {
    const input = { principal: [{ from: '2027-06-16', principalCents: 8211 }], from: '2027-06-16', through: '2027-07-05', marginBasisPoints: 900 as const, rates: RATES };
    expect(() => defaultInterest(input)).toThrow(MissingBaseRateError);
    expect(() => defaultInterest(input)).toThrow(expect.objectContaining({ halfYearStart: '2027-07-01' }));
    // Through 30.06. only the known half-year is needed: 8211 × 1027 × 15 = 126 490 455 → 34.654… → 35.
    expect(defaultInterest({ ...input, through: '2027-06-30' }).cents).toBe(35);
  });

  it('a negative base rate lowers the rate; below −margin the period earns nothing', () => {
    // 2022 H1: −0.88 % (−88 bp). 100.00 €, consumer, 10 days at −88 + 500 = 412 bp:
    // 10 000 × 412 × 10 = 41 200 000 ÷ 3 650 000 = 11.287… → 11.
    const negative: BaseRate[] = [{ validFrom: '2022-01-01', basisPoints: -88 }, { validFrom: '2022-07-01', basisPoints: -600 }];
    const h1 = defaultInterest({ principal: [{ from: '2022-03-01', principalCents: 10_000 }], from: '2022-03-01', through: '2022-03-10', marginBasisPoints: 500, rates: negative });
    expect(h1.cents).toBe(11);
    expect(h1.periods[0]).toMatchObject({ baseRateBasisPoints: -88, ratePercentBasisPoints: 412 });
    // A (made-up) −6.00 % in 2022 H2: −600 + 500 = −100 bp → 0, never negative interest.
    // 26.06.–30.06. 5 days at 412 bp: 10 000 × 412 × 5 = 20 600 000 → 5.643…; 01.07.–05.07. at 0 → 0; total → 6.
    const across = defaultInterest({ principal: [{ from: '2022-06-26', principalCents: 10_000 }], from: '2022-06-26', through: '2022-07-05', marginBasisPoints: 500, rates: negative });
    expect(across.cents).toBe(6);
    expect(across.periods.map((p) => [p.from, p.to, p.ratePercentBasisPoints, p.cents])).toEqual([
      ['2022-06-26', '2022-06-30', 412, 6],
      ['2022-07-01', '2022-07-05', 0, 0],
    ]);
  });

  it('1 day', () => {
    // 8211 × 1027 × 1 = 8 432 697 ÷ 3 650 000 = 2.310… → 2.
    const result = business([['2027-03-16', 8211]], '2027-03-16', '2027-03-16');
    expect(result.cents).toBe(2);
    expect(result.periods).toHaveLength(1);
    expect(result.periods[0].days).toBe(1);
  });

  it('leap year 2028: 29 February is a day, the year still has 365', () => {
    // 1,000.00 €, business, 01.02.–29.02.2028 = 29 days at 1027 bp:
    // 100 000 × 1027 × 29 = 2 978 300 000 ÷ 3 650 000 = 815.972… → 816 (÷ 366 would give 813.7… → 814).
    const february = business([['2028-02-01', 100_000]], '2028-02-01', '2028-02-29');
    expect(february.cents).toBe(816);
    expect(february.periods[0].days).toBe(29);
    // The whole of 2028: 182 + 184 = 366 days: 100 000 × 1027 × 366 = 37 588 200 000 → 10 298.136… → 10 298 (102.98 €, more than 10.27 % of 1,000.00).
    // Shares: 182 days → 5 120.931…, 184 days → 5 177.205…; floors 10 297, the cent left goes to the larger remainder (.931) → 5 121 + 5 177.
    const year = business([['2028-01-01', 100_000]], '2028-01-01', '2028-12-31');
    expect(year.cents).toBe(10_298);
    expect(year.periods.map((p) => [p.from, p.to, p.days, p.cents])).toEqual([
      ['2028-01-01', '2028-06-30', 182, 5121],
      ['2028-07-01', '2028-12-31', 184, 5177],
    ]);
  });

  it('rounds the total once, half-up: exactly half a cent rounds up', () => {
    // A made-up 1.00 % base rate: 100 + 900 = 1000 bp. 18.25 € × 10 % × 1/365 = 0.005 €:
    // 1825 × 1000 × 1 = 1 825 000 ÷ 3 650 000 = 0.5 → 1; 1824 → 0.4997… → 0.
    const rates: BaseRate[] = [{ validFrom: '2027-01-01', basisPoints: 100 }, { validFrom: '2027-07-01', basisPoints: 100 }];
    const oneDay = (principalCents: number) => defaultInterest({ principal: [{ from: '2027-03-16', principalCents }], from: '2027-03-16', through: '2027-03-16', marginBasisPoints: 900, rates }).cents;
    expect(oneDay(1825)).toBe(1);
    expect(oneDay(1824)).toBe(0);
    // 10.95 € on 30.06. and 01.07.: 1095 × 1000 × 1 = 1 095 000 → 0.3 each, 0.6 together → 1.
    // Rounding each period (0 + 0) would lose the cent; the shares give it to the earlier period (equal remainders).
    const split = business([['2027-06-30', 1095]], '2027-06-30', '2027-07-01', rates);
    expect(split.cents).toBe(1);
    expect(split.periods.map((p) => p.cents)).toEqual([1, 0]);
  });

  it('days without principal need no rate and make no period; a second booking on the same day gives nothing', () => {
    // Paid in full on 20.06.2027 (principal 0 from then): 16.06.–19.06. 4 days: 8211 × 1027 × 4 = 33 730 788 → 9.241… → 9;
    // 2027 H2 has no rate, and none is needed.
    const paid = business(
      [
        ['2027-06-16', 8211],
        ['2027-06-20', 0],
      ],
      '2027-06-16',
      '2027-07-31',
    );
    expect(paid.cents).toBe(9);
    expect(paid.periods.map((p) => [p.from, p.to])).toEqual([['2027-06-16', '2027-06-19']]);
    // Booked through 29.03., next booking also on 29.03.: from 30.03. through 29.03. → 0 days.
    expect(business([['2027-03-16', 8211]], '2027-03-30', '2027-03-29')).toEqual({ cents: 0, periods: [] });
  });

  it('refuses a malformed timeline instead of guessing', () => {
    const base = { from: '2027-03-16', through: '2027-03-29', marginBasisPoints: 900 as const, rates: RATES };
    expect(() => defaultInterest({ ...base, principal: [] })).toThrow(RangeError);
    expect(() => defaultInterest({ ...base, principal: [{ from: '2027-03-17', principalCents: 8211 }] })).toThrow(/starts on 2027-03-17/);
    expect(() => defaultInterest({ ...base, principal: [{ from: '2027-03-16', principalCents: 82.11 }] })).toThrow(/whole cents/);
    expect(() =>
      defaultInterest({
        ...base,
        principal: [
          { from: '2027-03-16', principalCents: 8211 },
          { from: '2027-03-16', principalCents: 3211 },
        ],
      }),
    ).toThrow(/must be after/);
    expect(() => defaultInterest({ ...base, through: '2027-03-14', principal: [{ from: '2027-03-16', principalCents: 8211 }] })).toThrow(/cannot start/);
  });
});
