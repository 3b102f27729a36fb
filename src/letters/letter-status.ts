/**
 * A letter's status and how partner reports move it. Pure: the webhook service applies the rule
 * with a conditional update, so two reports racing each other still only move forward.
 */

/** `submitted` with no `partnerLetterId` yet: the hand-over to the partner is under way. */
export const LETTER_STATUSES = ['submitted', 'printed', 'posted', 'returned', 'failed'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

/** What a partner may report (`failed` is only ever set by the platform, when the partner refused the letter). */
export type ReportedLetterStatus = 'printed' | 'posted' | 'returned';

// NOTE: reports may arrive out of order (a retried `printed` after `posted`); only forward moves
// count. `returned` (undeliverable, back at the sender) comes after posting, so it also ends a
// letter whose `posted` report was lost. `failed` letters never reached the partner: nothing moves them.
const ADVANCES_FROM: Readonly<Record<ReportedLetterStatus, readonly LetterStatus[]>> = {
  printed: ['submitted'],
  posted: ['submitted', 'printed'],
  returned: ['submitted', 'printed', 'posted'],
};

/** The statuses from which a report of `reported` moves the letter; from any other it changes nothing. */
export function statusesAdvancingTo(reported: ReportedLetterStatus): readonly LetterStatus[] {
  return ADVANCES_FROM[reported];
}

/** The letter's status after a report: `reported` if that is a forward move, else `current`. */
export function statusAfterReport(current: LetterStatus, reported: ReportedLetterStatus): LetterStatus {
  return ADVANCES_FROM[reported].includes(current) ? reported : current;
}

export function isLetterStatus(value: string): value is LetterStatus {
  return (LETTER_STATUSES as readonly string[]).includes(value);
}
