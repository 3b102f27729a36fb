/**
 * Whether an overdue claim may be reported to a credit bureau (DOMAIN.md, "Dunning precision"):
 * § 31 (2) Nr. 4 BDSG allows it only if the debtor was dunned in writing at least twice after
 * the due date, at least four weeks lie between the first dunning letter and the report, the
 * debtor was told of the report beforehand (here: in the final letter), and the debtor has not
 * disputed the claim. Pure: the letters sent and the day come in; the caller records the result.
 */
import type { LocalDate } from './calendar';
import { compareLocalDates, daysBetween } from './calendar';

/** § 31 (2) Nr. 4 a) BDSG: "mindestens vier Wochen" between the first dunning letter and the report. */
export const MIN_DAYS_AFTER_FIRST_LETTER = 28;
/** § 31 (2) Nr. 4 a) BDSG: "mindestens zweimal schriftlich gemahnt". */
export const MIN_DUNNING_LETTERS = 2;

/** A written dunning letter sent for the claim (reminders by e-mail do not count). */
export interface DunningLetterSent {
  readonly kind: 'first-letter' | 'final-letter';
  readonly sentOn: LocalDate;
}

export interface CreditReportInput {
  readonly letters: readonly DunningLetterSent[];
  /** The report was announced to the debtor (the final letter says so). */
  readonly announced: boolean;
  /** The debtor disputes the claim (an operator's dispute hold). */
  readonly disputed: boolean;
  /** The day of the report (the handover). */
  readonly today: LocalDate;
}

/** The unmet condition of § 31 (2) Nr. 4 BDSG, recorded with a withheld report. */
export type CreditReportWithheldReason = 'DISPUTED' | 'TOO_FEW_LETTERS' | 'FIRST_LETTER_TOO_RECENT' | 'NOT_ANNOUNCED';

export type CreditReportDecision = { readonly decision: 'sent' } | { readonly decision: 'withheld'; readonly reason: CreditReportWithheldReason };

/**
 * Decides the report. The conditions are checked in a fixed order and the first unmet one is
 * the reason: DISPUTED, TOO_FEW_LETTERS, FIRST_LETTER_TOO_RECENT, NOT_ANNOUNCED. Letters dated
 * after `today` have not been sent yet and do not count.
 */
export function creditReportDecision(input: CreditReportInput): CreditReportDecision {
  if (input.disputed) return withheld('DISPUTED');
  const sent = input.letters.filter((l) => compareLocalDates(l.sentOn, input.today) <= 0);
  if (sent.length < MIN_DUNNING_LETTERS) return withheld('TOO_FEW_LETTERS');
  const firstSentOn = sent.map((l) => l.sentOn).reduce((a, b) => (compareLocalDates(a, b) <= 0 ? a : b));
  // NOTE: four weeks as 28 calendar days; the first letter of D+14 and a report on D+42 meet it exactly.
  if (daysBetween(firstSentOn, input.today) < MIN_DAYS_AFTER_FIRST_LETTER) return withheld('FIRST_LETTER_TOO_RECENT');
  if (!input.announced) return withheld('NOT_ANNOUNCED');
  return { decision: 'sent' };
}

function withheld(reason: CreditReportWithheldReason): CreditReportDecision {
  return { decision: 'withheld', reason };
}
