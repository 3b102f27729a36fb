import { addDays, addMonths, compareLocalDates, endOfQuarter, type LocalDate } from '../../src/domain/calendar';
import {
  cancellationDeadline,
  DEFAULT_NOTICE_POLICIES,
  noticeEndsOn,
  type NoticePolicy,
} from '../../src/domain/notice-period';

const business = DEFAULT_NOTICE_POLICIES.business;
const consumer = DEFAULT_NOTICE_POLICIES.consumer;

describe('DEFAULT_NOTICE_POLICIES (DOMAIN.md "Notice periods")', () => {
  it('is 3 months to the quarter end for businesses and 1 month without anchor for consumers', () => {
    expect(DEFAULT_NOTICE_POLICIES).toEqual({
      business: { months: 3, anchor: 'quarter-end' },
      consumer: { months: 1, anchor: 'none' },
    });
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(DEFAULT_NOTICE_POLICIES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_NOTICE_POLICIES.business)).toBe(true);
    expect(Object.isFrozen(DEFAULT_NOTICE_POLICIES.consumer)).toBe(true);
  });
});

describe('noticeEndsOn — business: 3 months to the end of a calendar quarter', () => {
  describe('examples from DOMAIN.md', () => {
    it.each([
      ['2027-03-31', '2027-06-30'], // 31.03. + 3 months = 30.06. (clamped), itself a quarter end
      ['2027-04-01', '2027-09-30'], // 01.04. + 3 months = 01.07. → next quarter end
      ['2027-11-30', '2028-03-31'], // 30.11.2027 + 3 months = 29.02.2028 (clamped, leap year)
    ])('received %s → ends %s', (receivedOn, endsOn) => {
      expect(noticeEndsOn(receivedOn, business)).toBe(endsOn);
    });
  });

  // For each quarter end Q: received the day before / on / after the last day that still reaches Q.
  describe.each([
    {
      quarterEnd: '2027-03-31',
      cases: [
        ['2026-12-30', '2027-03-31'],
        ['2026-12-31', '2027-03-31'],
        ['2027-01-01', '2027-06-30'],
      ],
    },
    {
      quarterEnd: '2027-06-30',
      cases: [
        ['2027-03-30', '2027-06-30'],
        ['2027-03-31', '2027-06-30'],
        ['2027-04-01', '2027-09-30'],
      ],
    },
    {
      quarterEnd: '2027-09-30',
      cases: [
        ['2027-06-29', '2027-09-30'],
        ['2027-06-30', '2027-09-30'], // 30.06. + 3 months = 30.09. = Q
        ['2027-07-01', '2027-12-31'],
      ],
    },
    {
      quarterEnd: '2027-12-31',
      cases: [
        ['2027-09-29', '2027-12-31'],
        ['2027-09-30', '2027-12-31'], // 30.09. + 3 months = 30.12. < Q
        ['2027-10-01', '2028-03-31'], // year rollover
      ],
    },
    {
      quarterEnd: '2028-03-31',
      cases: [
        ['2027-12-30', '2028-03-31'],
        ['2027-12-31', '2028-03-31'], // 31.12. + 3 months = 31.03. = Q
        ['2028-01-01', '2028-06-30'],
      ],
    },
  ])('around the quarter end $quarterEnd', ({ cases }) => {
    it.each(cases)('received %s → ends %s', (receivedOn, endsOn) => {
      expect(noticeEndsOn(receivedOn, business)).toBe(endsOn);
    });
  });

  describe('month ends and leap years', () => {
    it.each([
      ['2027-01-31', '2027-06-30'], // + 3 months = 30.04. (clamped)
      ['2027-02-28', '2027-06-30'], // + 3 months = 28.05.
      ['2028-02-29', '2028-06-30'], // + 3 months = 29.05.
      ['2027-04-30', '2027-09-30'], // + 3 months = 30.07.
      ['2027-05-31', '2027-09-30'], // + 3 months = 31.08.
      ['2027-08-31', '2027-12-31'], // + 3 months = 30.11. (clamped)
      ['2027-10-31', '2028-03-31'], // + 3 months = 31.01.2028
      ['2026-11-30', '2027-03-31'], // + 3 months = 28.02.2027 (clamped, no leap year)
      ['2099-11-30', '2100-03-31'], // + 3 months = 28.02.2100 (2100 is not a leap year)
      ['1999-11-30', '2000-03-31'], // + 3 months = 29.02.2000 (2000 is)
      ['2099-12-31', '2100-03-31'],
      ['2027-12-15', '2028-03-31'],
    ])('received %s → ends %s', (receivedOn, endsOn) => {
      expect(noticeEndsOn(receivedOn, business)).toBe(endsOn);
    });
  });

  it('ends on the first quarter end reached, for every receipt day of 2027 and 2028', () => {
    let previousEnd: LocalDate = '2027-03-31';
    for (let receivedOn = '2027-01-01'; compareLocalDates(receivedOn, '2028-12-31') <= 0; receivedOn = addDays(receivedOn, 1)) {
      const endsOn = noticeEndsOn(receivedOn, business);
      const periodEnd = addMonths(receivedOn, 3);
      expect(endOfQuarter(endsOn)).toBe(endsOn); // a quarter end
      expect(compareLocalDates(periodEnd, endsOn)).toBeLessThanOrEqual(0); // reached in time
      expect(compareLocalDates(previousEnd, endsOn)).toBeLessThanOrEqual(0); // later receipt never ends earlier
      previousEnd = endsOn;
    }
  });

  it('is minimal: the quarter end before endsOn is not reachable', () => {
    for (let receivedOn = '2027-01-01'; compareLocalDates(receivedOn, '2028-12-31') <= 0; receivedOn = addDays(receivedOn, 1)) {
      const endsOn = noticeEndsOn(receivedOn, business);
      const previousQuarterEnd = endOfQuarter(addMonths(endsOn, -3));
      expect(compareLocalDates(addMonths(receivedOn, 3), previousQuarterEnd)).toBeGreaterThan(0);
    }
  });
});

describe('noticeEndsOn — consumer: 1 month, no anchor (§ 309 Nr. 9 BGB)', () => {
  it.each([
    ['2027-01-31', '2027-02-28'],
    ['2028-01-31', '2028-02-29'], // leap year
    ['2100-01-31', '2100-02-28'], // not a leap year
    ['2000-01-31', '2000-02-29'], // leap year (divisible by 400)
    ['2027-02-28', '2027-03-28'],
    ['2028-02-29', '2028-03-29'],
    ['2027-03-31', '2027-04-30'],
    ['2027-04-30', '2027-05-30'],
    ['2027-05-31', '2027-06-30'],
    ['2027-08-31', '2027-09-30'],
    ['2027-12-15', '2028-01-15'], // year rollover
    ['2027-12-31', '2028-01-31'],
    ['2027-06-15', '2027-07-15'],
  ])('received %s → ends %s', (receivedOn, endsOn) => {
    expect(noticeEndsOn(receivedOn, consumer)).toBe(endsOn);
  });
});

describe('noticeEndsOn — other policies', () => {
  const monthEnd1: NoticePolicy = { months: 1, anchor: 'month-end' };
  const monthEnd3: NoticePolicy = { months: 3, anchor: 'month-end' };
  const quarterEnd0: NoticePolicy = { months: 0, anchor: 'quarter-end' };
  const none0: NoticePolicy = { months: 0, anchor: 'none' };
  const quarterEnd6: NoticePolicy = { months: 6, anchor: 'quarter-end' };

  it.each([
    [monthEnd1, '2027-01-15', '2027-02-28'],
    [monthEnd1, '2027-01-31', '2027-02-28'], // + 1 month = 28.02. = month end
    [monthEnd1, '2027-02-01', '2027-03-31'],
    [monthEnd1, '2028-01-31', '2028-02-29'],
    [monthEnd1, '2027-04-30', '2027-05-31'], // + 1 month = 30.05., not a month end
    [monthEnd1, '2027-12-01', '2028-01-31'],
    [monthEnd3, '2027-11-30', '2028-02-29'],
    [monthEnd3, '2026-11-30', '2027-02-28'],
    [quarterEnd0, '2027-02-15', '2027-03-31'],
    [quarterEnd0, '2027-03-31', '2027-03-31'],
    [none0, '2027-02-15', '2027-02-15'],
    [quarterEnd6, '2027-03-31', '2027-09-30'],
    [quarterEnd6, '2027-04-01', '2027-12-31'],
    [quarterEnd6, '2027-08-31', '2028-03-31'], // + 6 months = 29.02.2028
  ])('%j, received %s → ends %s', (policy, receivedOn, endsOn) => {
    expect(noticeEndsOn(receivedOn, policy)).toBe(endsOn);
  });

  it.each([
    [{ months: -1, anchor: 'none' } as const],
    [{ months: 1.5, anchor: 'none' } as const],
    [{ months: Number.NaN, anchor: 'quarter-end' } as const],
  ])('rejects the policy %j', (policy) => {
    expect(() => noticeEndsOn('2027-01-01', policy)).toThrow(RangeError);
  });

  it.each(['2027-02-29', '31.03.2027', '2027-3-31', ''])('rejects the receipt date %j', (receivedOn) => {
    expect(() => noticeEndsOn(receivedOn, business)).toThrow(RangeError);
  });
});

describe('cancellationDeadline — judged on the local calendar of the contract zone', () => {
  it.each([
    // DOMAIN.md: a notice arriving 31.03. 23:30 Berlin time counts as 31.03.
    ['2027-03-31T21:30:00Z', 'Europe/Berlin', business, '2027-03-31', '2027-06-30', '2027-07-01'],
    // Summer (CEST, UTC+2): the last second of 31.03. local vs. local midnight
    ['2027-03-31T21:59:59Z', 'Europe/Berlin', business, '2027-03-31', '2027-06-30', '2027-07-01'],
    ['2027-03-31T22:00:00Z', 'Europe/Berlin', business, '2027-04-01', '2027-09-30', '2027-10-01'],
    // 01.04. 00:30 in Berlin although UTC still says 31.03.
    ['2027-03-31T22:30:00Z', 'Europe/Berlin', business, '2027-04-01', '2027-09-30', '2027-10-01'],
    ['2027-06-30T21:45:00Z', 'Europe/Berlin', business, '2027-06-30', '2027-09-30', '2027-10-01'],
    ['2027-06-30T22:15:00Z', 'Europe/Berlin', business, '2027-07-01', '2027-12-31', '2028-01-01'],
    // Winter (CET, UTC+1)
    ['2027-12-31T22:30:00Z', 'Europe/Berlin', business, '2027-12-31', '2028-03-31', '2028-04-01'],
    ['2027-12-31T23:30:00Z', 'Europe/Berlin', business, '2028-01-01', '2028-06-30', '2028-07-01'],
    ['2026-12-31T22:59:59Z', 'Europe/Berlin', business, '2026-12-31', '2027-03-31', '2027-04-01'],
    ['2026-12-31T23:00:00Z', 'Europe/Berlin', business, '2027-01-01', '2027-06-30', '2027-07-01'],
    ['2027-11-30T22:59:00Z', 'Europe/Berlin', business, '2027-11-30', '2028-03-31', '2028-04-01'],
    // Austria: same offsets as Berlin
    ['2027-03-31T21:30:00Z', 'Europe/Vienna', business, '2027-03-31', '2027-06-30', '2027-07-01'],
    ['2027-03-31T22:30:00Z', 'Europe/Vienna', business, '2027-04-01', '2027-09-30', '2027-10-01'],
    ['2027-09-30T22:00:00Z', 'Europe/Vienna', business, '2027-10-01', '2028-03-31', '2028-04-01'],
    ['2027-12-31T23:00:00Z', 'Europe/Vienna', business, '2028-01-01', '2028-06-30', '2028-07-01'],
    // Consumers: winter midnight in Berlin but not in UTC
    ['2027-01-31T22:30:00Z', 'Europe/Berlin', consumer, '2027-01-31', '2027-02-28', '2027-03-01'],
    ['2027-01-31T23:30:00Z', 'Europe/Berlin', consumer, '2027-02-01', '2027-03-01', '2027-03-02'],
    ['2028-01-31T12:00:00Z', 'Europe/Vienna', consumer, '2028-01-31', '2028-02-29', '2028-03-01'],
    ['2027-12-15T22:59:59Z', 'Europe/Vienna', consumer, '2027-12-15', '2028-01-15', '2028-01-16'],
    // DST change days themselves
    ['2027-03-28T01:30:00Z', 'Europe/Berlin', consumer, '2027-03-28', '2027-04-28', '2027-04-29'],
    ['2027-10-31T22:30:00Z', 'Europe/Berlin', consumer, '2027-10-31', '2027-11-30', '2027-12-01'],
    // The zone matters: the same instant is still 31.03. in UTC
    ['2027-03-31T22:30:00Z', 'UTC', business, '2027-03-31', '2027-06-30', '2027-07-01'],
  ])('%s in %s (%j) → received %s, ends %s, effective %s', (iso, zone, policy, receivedOn, endsOn, effectiveOn) => {
    expect(cancellationDeadline(new Date(iso), zone, policy)).toEqual({ receivedOn, endsOn, effectiveOn });
  });

  it('rejects an unknown time zone instead of falling back to UTC', () => {
    expect(() => cancellationDeadline(new Date('2027-03-31T21:30:00Z'), 'Europe/Berln', business)).toThrow(
      RangeError,
    );
  });
});
