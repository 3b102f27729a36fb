import {
  addDays,
  addMonths,
  endOfMonth,
  endOfQuarter,
  isLocalDate,
  localDateOf,
  type LocalDate,
} from './calendar';

/**
 * Notice periods (Kündigungsfristen): from the day a notice arrives to the last day the
 * contract is in force. The rule is documented in docs/notice-periods.md.
 */

export type CustomerType = 'business' | 'consumer';

/** Notice period: `months` after receipt, then extended to the next anchor (end of quarter/month) or none. */
export interface NoticePolicy {
  readonly months: number;
  readonly anchor: 'quarter-end' | 'month-end' | 'none';
}

export type NoticePolicies = Readonly<Record<CustomerType, NoticePolicy>>;

/**
 * Defaults from DOMAIN.md; the configured policy replaces them.
 * Business: 3 months to the end of a calendar quarter. Consumer: 1 month, no anchor
 * (§ 309 Nr. 9 BGB caps the notice period for automatically renewed consumer contracts at one month).
 */
export const DEFAULT_NOTICE_POLICIES: NoticePolicies = Object.freeze({
  business: Object.freeze({ months: 3, anchor: 'quarter-end' }),
  consumer: Object.freeze({ months: 1, anchor: 'none' }),
});

function requireValidPolicy(policy: NoticePolicy): void {
  if (!Number.isSafeInteger(policy.months) || policy.months < 0) {
    throw new RangeError(`Notice period months must be a non-negative integer, got ${policy.months}`);
  }
}

/**
 * Last day the contract is in force for a notice received on `receivedOn` (local date).
 *
 * The period runs `policy.months` from the day of receipt (§§ 187 (1), 188 (2) BGB: the day of
 * receipt itself does not count, the period ends on the same-numbered day of the last month),
 * then extends to the first anchor on or after that day.
 *
 * NOTE: the same-numbered day clamps to the month's last day where it does not exist
 * (§ 188 (3) BGB): received 30.11.2027 + 3 months → 29.02.2028 → ends 31.03.2028.
 * NOTE: an anchor that equals the end of the period is reached, not skipped: received 31.03.
 * + 3 months → 30.06., itself a quarter end → ends 30.06. (not 30.09.).
 */
export function noticeEndsOn(receivedOn: LocalDate, policy: NoticePolicy): LocalDate {
  if (!isLocalDate(receivedOn)) {
    throw new RangeError(`Not a local date (YYYY-MM-DD): ${JSON.stringify(receivedOn)}`);
  }
  requireValidPolicy(policy);
  const periodEnd = addMonths(receivedOn, policy.months);
  switch (policy.anchor) {
    case 'quarter-end':
      // endOfQuarter(d) is the first quarter end Q with d <= Q.
      return endOfQuarter(periodEnd);
    case 'month-end':
      return endOfMonth(periodEnd);
    case 'none':
      return periodEnd;
  }
}

/**
 * The notice period for a notice that arrived at the instant `receivedAt`, judged on the local
 * calendar of the contract's `timeZone`.
 *
 * NOTE: the day of receipt is the local date, not UTC's: 2027-03-31T21:30:00Z is 23:30 on 31.03.
 * in Berlin (→ ends 30.06.), 2027-03-31T22:30:00Z is 01.04. 00:30 (→ ends 30.09.).
 *
 * @returns `receivedOn` (local day of receipt), `endsOn` (last day in force, inclusive) and
 *   `effectiveOn` (the day after `endsOn`: the new state starts at its 00:00 local time).
 */
export function cancellationDeadline(
  receivedAt: Date,
  timeZone: string,
  policy: NoticePolicy,
): { receivedOn: LocalDate; endsOn: LocalDate; effectiveOn: LocalDate } {
  const receivedOn = localDateOf(receivedAt, timeZone);
  const endsOn = noticeEndsOn(receivedOn, policy);
  return { receivedOn, endsOn, effectiveOn: addDays(endsOn, 1) };
}
