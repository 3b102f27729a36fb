import type { LocalDate } from './calendar';
import { daysBetween, endOfMonth, parseLocalDate } from './calendar';

/**
 * The part of a calendar month from `from` to its end, both days included: what a change that
 * takes effect on `from` is billed for (DOMAIN.md: "proration for partial months by days").
 */
export function prorationOfMonth(from: LocalDate): { days: number; daysInMonth: number } {
  const last = endOfMonth(from);
  return { days: daysBetween(from, last) + 1, daysInMonth: parseLocalDate(last).day };
}
