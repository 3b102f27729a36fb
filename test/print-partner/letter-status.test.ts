import { LETTER_STATUSES, statusAfterReport, type LetterStatus, type ReportedLetterStatus } from '../../src/letters/letter-status';

describe('statusAfterReport: reports only move a letter forward', () => {
  // current → [after printed, after posted, after returned, after failed (a partner's issue)]
  const table: [LetterStatus, LetterStatus, LetterStatus, LetterStatus, LetterStatus][] = [
    ['submitted', 'printed', 'posted', 'returned', 'failed'],
    ['printed', 'printed', 'posted', 'returned', 'failed'],
    // An issue after posting changes nothing: the letter is out.
    ['posted', 'posted', 'posted', 'returned', 'posted'],
    ['returned', 'returned', 'returned', 'returned', 'returned'],
    // A partner's issue resolved at the partner: the letter still goes out (a late `printed` does not count).
    ['failed', 'failed', 'posted', 'returned', 'failed'],
  ];
  it('covers every status', () => expect(table.map(([current]) => current).sort()).toEqual([...LETTER_STATUSES].sort()));
  it.each(table)('%s: printed → %s, posted → %s, returned → %s, failed → %s', (current, afterPrinted, afterPosted, afterReturned, afterFailed) => {
    const reports: ReportedLetterStatus[] = ['printed', 'posted', 'returned', 'failed'];
    expect(reports.map((reported) => statusAfterReport(current, reported))).toEqual([afterPrinted, afterPosted, afterReturned, afterFailed]);
  });
});
