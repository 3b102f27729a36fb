/**
 * A letter's status and how partner reports move it. Pure: the webhook service applies the rule
 * with a conditional update, so two reports racing each other still only move forward.
 */

/** `submitted` with no `partnerLetterId` yet: the hand-over to the partner is under way. */
export const LETTER_STATUSES = ['submitted', 'printed', 'posted', 'returned', 'failed'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

/**
 * What a partner may report. `failed` is set by the platform when the partner refused the letter
 * on submit, and reported by Pingen's `issues` webhook when it accepted the letter but cannot send
 * it as it is (page limit, address, credit; src/webhooks/pingen-webhook.ts).
 */
export type ReportedLetterStatus = 'printed' | 'posted' | 'returned' | 'failed';

// NOTE: reports may arrive out of order (a retried `printed` after `posted`); only forward moves
// count. `returned` (undeliverable, back at the sender) comes after posting, so it also ends a
// letter whose `posted` report was lost. A partner's issue (`failed`) stops a letter that is not
// posted yet; once resolved at the partner (e.g. credit topped up) the letter still goes out, so
// `posted` and `returned` move a failed letter on. Letters the platform marked failed never got a
// partner id, so no report can reach them.
const ADVANCES_FROM: Readonly<Record<ReportedLetterStatus, readonly LetterStatus[]>> = {
  printed: ['submitted'],
  posted: ['submitted', 'printed', 'failed'],
  returned: ['submitted', 'printed', 'posted', 'failed'],
  failed: ['submitted', 'printed'],
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
