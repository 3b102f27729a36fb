import {
  addDays,
  addMonths,
  compareLocalDates,
  daysBetween,
  endOfMonth,
  endOfQuarter,
  formatLocalDate,
  isLocalDate,
  isValidTimeZone,
  localDateOf,
  parseLocalDate,
  startOfLocalDay,
} from '../../src/domain/calendar';

const HOUR_MS = 3_600_000;

describe('isLocalDate', () => {
  it.each([
    ['2027-01-31', true],
    ['2027-02-28', true],
    ['2027-02-29', false], // 2027 is not a leap year
    ['2028-02-29', true], // 2028 is
    ['2100-02-29', false], // divisible by 100, not by 400
    ['2000-02-29', true], // divisible by 400
    ['2027-04-30', true],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-00-10', false],
    ['2027-01-00', false],
    ['2027-1-05', false], // not zero-padded
    ['2027-01-5', false],
    ['27-01-05', false],
    ['2027-01-05T00:00', false],
    [' 2027-01-05', false],
    ['2027/01/05', false],
    ['', false],
    ['0000-01-01', false], // year 0 is outside the supported range
  ])('%j → %s', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });
});

describe('parseLocalDate / formatLocalDate', () => {
  it.each([
    ['2027-01-05', { year: 2027, month: 1, day: 5 }],
    ['2028-02-29', { year: 2028, month: 2, day: 29 }],
    ['2027-12-31', { year: 2027, month: 12, day: 31 }],
    ['0999-03-01', { year: 999, month: 3, day: 1 }],
  ])('%s round-trips', (value, parts) => {
    expect(parseLocalDate(value)).toEqual(parts);
    expect(formatLocalDate(parts.year, parts.month, parts.day)).toBe(value);
  });

  it.each(['2027-02-29', '2027-1-1', 'yesterday', '2027-06-31'])('parseLocalDate(%j) throws RangeError', (value) => {
    expect(() => parseLocalDate(value)).toThrow(RangeError);
  });

  it.each([
    [2027, 2, 29],
    [2027, 13, 1],
    [2027, 6, 31],
    [2027, 1, 1.5],
    [Number.NaN, 1, 1],
  ])('formatLocalDate(%d, %d, %d) throws RangeError', (year, month, day) => {
    expect(() => formatLocalDate(year, month, day)).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    // Trial: 30 days counting the start day → last trial day is start + 29 (DOMAIN.md "Trial").
    ['2027-01-10', 29, '2027-02-08'],
    // Trial reminder: 7 days before the first day after the trial.
    ['2027-02-09', -7, '2027-02-02'],
    ['2027-01-31', 1, '2027-02-01'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2100-02-28', 1, '2100-03-01'],
    ['2000-02-28', 1, '2000-02-29'],
    ['2027-12-31', 1, '2028-01-01'],
    ['2028-01-01', -1, '2027-12-31'],
    ['2027-03-01', -1, '2027-02-28'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2027-06-15', 0, '2027-06-15'],
    ['2027-01-01', 365, '2028-01-01'],
    ['2028-01-01', 366, '2029-01-01'],
    ['2027-01-15', 14, '2027-01-29'], // invoice due date: issue + 14
    ['1970-01-01', -1, '1969-12-31'],
    ['2027-01-01', 1000, '2029-09-27'],
  ])('%s %+d days → %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('rejects fractional days', () => {
    expect(() => addDays('2027-01-01', 0.5)).toThrow(RangeError);
  });

  it('rejects an invalid date', () => {
    expect(() => addDays('2027-02-29', 1)).toThrow(RangeError);
  });
});

describe('addMonths (clamps to the last day of the month, § 188 (3) BGB)', () => {
  it.each([
    ['2027-01-31', 1, '2027-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2100-01-31', 1, '2100-02-28'],
    ['2000-01-31', 1, '2000-02-29'],
    ['2027-11-30', 3, '2028-02-29'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2027-03-31', 1, '2027-04-30'],
    ['2027-03-31', 3, '2027-06-30'],
    ['2027-05-31', 1, '2027-06-30'],
    ['2027-08-31', 1, '2027-09-30'],
    ['2027-08-31', 3, '2027-11-30'],
    ['2027-04-30', 1, '2027-05-30'], // not moved to the month's end: 30 exists in May
    ['2027-02-28', 1, '2027-03-28'], // likewise: a month end does not stay a month end
    ['2028-02-29', 12, '2029-02-28'],
    ['2028-02-29', 48, '2032-02-29'],
    ['2027-12-15', 1, '2028-01-15'],
    ['2027-10-01', 3, '2028-01-01'],
    ['2027-01-15', 0, '2027-01-15'],
    ['2027-03-31', -1, '2027-02-28'],
    ['2028-03-31', -1, '2028-02-29'],
    ['2027-01-15', -1, '2026-12-15'],
    ['2027-01-31', -13, '2025-12-31'],
    ['2027-01-01', 24, '2029-01-01'],
  ])('%s %+d months → %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('is not invertible because of clamping', () => {
    expect(addMonths(addMonths('2027-01-31', 1), -1)).toBe('2027-01-28');
  });

  it('rejects fractional months', () => {
    expect(() => addMonths('2027-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('compareLocalDates / daysBetween', () => {
  it.each([
    ['2027-01-01', '2027-01-01', 0],
    ['2027-01-01', '2027-01-02', 1],
    ['2027-01-02', '2027-01-01', -1],
    ['2027-02-01', '2027-03-01', 28],
    ['2028-02-01', '2028-03-01', 29],
    ['2027-01-01', '2028-01-01', 365],
    ['2028-01-01', '2029-01-01', 366],
    ['2100-01-01', '2101-01-01', 365],
    ['2000-01-01', '2001-01-01', 366],
    ['2027-12-31', '2027-01-01', -364],
  ])('daysBetween(%s, %s) = %d', (from, to, expected) => {
    expect(daysBetween(from, to)).toBe(expected);
    expect(Math.sign(compareLocalDates(to, from))).toBe(Math.sign(expected));
  });

  it('orders dates across months and years, not as strings of different shape', () => {
    const sorted = ['2028-01-01', '2027-12-31', '2027-02-01', '2027-10-01'].sort(compareLocalDates);
    expect(sorted).toEqual(['2027-02-01', '2027-10-01', '2027-12-31', '2028-01-01']);
  });
});

describe('endOfMonth', () => {
  it.each([
    ['2027-01-01', '2027-01-31'],
    ['2027-01-31', '2027-01-31'],
    ['2027-02-10', '2027-02-28'],
    ['2028-02-10', '2028-02-29'],
    ['2100-02-01', '2100-02-28'],
    ['2000-02-01', '2000-02-29'],
    ['2027-04-15', '2027-04-30'],
    ['2027-08-31', '2027-08-31'],
    ['2027-09-01', '2027-09-30'],
    ['2027-12-24', '2027-12-31'],
  ])('%s → %s', (date, expected) => {
    expect(endOfMonth(date)).toBe(expected);
  });
});

describe('endOfQuarter', () => {
  it.each([
    // Q1
    ['2027-01-01', '2027-03-31'],
    ['2027-02-28', '2027-03-31'],
    ['2027-03-30', '2027-03-31'],
    ['2027-03-31', '2027-03-31'],
    // Q2
    ['2027-04-01', '2027-06-30'],
    ['2027-06-29', '2027-06-30'],
    ['2027-06-30', '2027-06-30'],
    // Q3
    ['2027-07-01', '2027-09-30'],
    ['2027-09-29', '2027-09-30'],
    ['2027-09-30', '2027-09-30'],
    // Q4
    ['2027-10-01', '2027-12-31'],
    ['2027-12-30', '2027-12-31'],
    ['2027-12-31', '2027-12-31'],
    ['2028-01-01', '2028-03-31'],
  ])('%s → %s', (date, expected) => {
    expect(endOfQuarter(date)).toBe(expected);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Berlin', true],
    ['Europe/Vienna', true],
    ['UTC', true],
    ['America/Santiago', true],
    ['Europe/Atlantis', false],
    ['Berlin', false],
    ['', false],
    ['+01:00', false],
  ])('%j → %s', (zone, expected) => {
    expect(isValidTimeZone(zone)).toBe(expected);
  });
});

describe('localDateOf (the contract zone decides the date, not UTC)', () => {
  it.each([
    // Summer (CEST, UTC+2)
    ['2027-03-31T21:30:00Z', 'Europe/Berlin', '2027-03-31'], // 23:30 local
    ['2027-03-31T21:59:59Z', 'Europe/Berlin', '2027-03-31'], // 23:59:59 local
    ['2027-03-31T22:00:00Z', 'Europe/Berlin', '2027-04-01'], // 00:00 local
    ['2027-03-31T22:30:00Z', 'Europe/Berlin', '2027-04-01'], // 00:30 local, still 31.03. in UTC
    ['2027-06-30T22:00:00Z', 'Europe/Vienna', '2027-07-01'],
    ['2027-06-30T21:59:59.999Z', 'Europe/Vienna', '2027-06-30'],
    // Winter (CET, UTC+1)
    ['2027-12-31T22:59:59Z', 'Europe/Berlin', '2027-12-31'],
    ['2027-12-31T23:00:00Z', 'Europe/Berlin', '2028-01-01'],
    ['2027-12-31T23:30:00Z', 'Europe/Vienna', '2028-01-01'],
    ['2027-01-31T23:00:00Z', 'Europe/Berlin', '2027-02-01'],
    ['2027-01-31T22:59:00Z', 'Europe/Berlin', '2027-01-31'],
    // DST change days
    ['2027-03-28T00:59:59Z', 'Europe/Berlin', '2027-03-28'], // 01:59:59 CET, just before the jump
    ['2027-03-28T01:00:00Z', 'Europe/Berlin', '2027-03-28'], // 03:00 CEST
    ['2027-10-31T00:30:00Z', 'Europe/Berlin', '2027-10-31'], // 02:30 CEST (first pass)
    ['2027-10-31T01:30:00Z', 'Europe/Berlin', '2027-10-31'], // 02:30 CET (second pass)
    ['2027-10-31T22:59:59Z', 'Europe/Berlin', '2027-10-31'],
    ['2027-10-31T23:00:00Z', 'Europe/Berlin', '2027-11-01'],
    // Other zones: the same instant, a different date
    ['2027-03-31T22:30:00Z', 'UTC', '2027-03-31'],
    ['2027-04-01T03:00:00Z', 'America/New_York', '2027-03-31'],
  ])('%s in %s → %s', (iso, zone, expected) => {
    expect(localDateOf(new Date(iso), zone)).toBe(expected);
  });

  it('rejects an unknown zone', () => {
    expect(() => localDateOf(new Date('2027-01-01T00:00:00Z'), 'Europe/Atlantis')).toThrow(RangeError);
  });

  it('rejects an invalid instant', () => {
    expect(() => localDateOf(new Date(Number.NaN), 'Europe/Berlin')).toThrow(RangeError);
  });
});

describe('startOfLocalDay (00:00 local; DST days are 23 h or 25 h long)', () => {
  it.each([
    // date, zone, start instant, day length in hours
    ['2027-01-15', 'Europe/Berlin', '2027-01-14T23:00:00.000Z', 24], // CET
    ['2027-07-15', 'Europe/Berlin', '2027-07-14T22:00:00.000Z', 24], // CEST
    ['2027-03-27', 'Europe/Berlin', '2027-03-26T23:00:00.000Z', 24],
    ['2027-03-28', 'Europe/Berlin', '2027-03-27T23:00:00.000Z', 23], // spring forward 02:00 → 03:00
    ['2027-03-29', 'Europe/Berlin', '2027-03-28T22:00:00.000Z', 24],
    ['2027-10-30', 'Europe/Berlin', '2027-10-29T22:00:00.000Z', 24],
    ['2027-10-31', 'Europe/Berlin', '2027-10-30T22:00:00.000Z', 25], // fall back 03:00 → 02:00
    ['2027-11-01', 'Europe/Berlin', '2027-10-31T23:00:00.000Z', 24],
    ['2027-03-28', 'Europe/Vienna', '2027-03-27T23:00:00.000Z', 23],
    ['2027-10-31', 'Europe/Vienna', '2027-10-30T22:00:00.000Z', 25],
    ['2028-01-01', 'Europe/Vienna', '2027-12-31T23:00:00.000Z', 24],
    ['2028-02-29', 'Europe/Berlin', '2028-02-28T23:00:00.000Z', 24],
    ['2027-03-28', 'UTC', '2027-03-28T00:00:00.000Z', 24],
  ])('%s in %s starts at %s and lasts %d h', (date, zone, expectedStart, hours) => {
    const start = startOfLocalDay(date, zone);
    expect(start.toISOString()).toBe(expectedStart);
    const next = startOfLocalDay(addDays(date, 1), zone);
    expect((next.getTime() - start.getTime()) / HOUR_MS).toBe(hours);
    expect(localDateOf(start, zone)).toBe(date);
    expect(localDateOf(new Date(start.getTime() - 1), zone)).toBe(addDays(date, -1));
  });

  it('starts at the first existing instant where midnight is skipped (Chile, 2027-09-05 00:00 → 01:00)', () => {
    // Chile moves its clocks from 24:00 to 01:00 on the first Sunday of September.
    const start = startOfLocalDay('2027-09-05', 'America/Santiago');
    expect(start.toISOString()).toBe('2027-09-05T04:00:00.000Z'); // 01:00 at UTC−3
    expect(localDateOf(start, 'America/Santiago')).toBe('2027-09-05');
    expect(localDateOf(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2027-09-04');
  });

  it('throws for a date the zone skipped entirely (Samoa, 2011-12-30)', () => {
    expect(() => startOfLocalDay('2011-12-30', 'Pacific/Apia')).toThrow(RangeError);
  });

  it('rejects an unknown zone and an invalid date', () => {
    expect(() => startOfLocalDay('2027-01-01', 'Nowhere/City')).toThrow(RangeError);
    expect(() => startOfLocalDay('2027-02-29', 'Europe/Berlin')).toThrow(RangeError);
  });
});
