import { LETTER_STATUSES, statusAfterReport, type LetterStatus, type ReportedLetterStatus } from '../../src/letters/letter-status';

describe('statusAfterReport: reports only move a letter forward', () => {
  // current → [after printed, after posted, after returned]
  const table: [LetterStatus, LetterStatus, LetterStatus, LetterStatus][] = [
    ['submitted', 'printed', 'posted', 'returned'],
    ['printed', 'printed', 'posted', 'returned'],
    ['posted', 'posted', 'posted', 'returned'],
    ['returned', 'returned', 'returned', 'returned'],
    // Never reached the partner: no report can concern it.
    ['failed', 'failed', 'failed', 'failed'],
  ];
  it('covers every status', () => expect(table.map(([current]) => current).sort()).toEqual([...LETTER_STATUSES].sort()));
  it.each(table)('%s: printed → %s, posted → %s, returned → %s', (current, afterPrinted, afterPosted, afterReturned) => {
    const reports: ReportedLetterStatus[] = ['printed', 'posted', 'returned'];
    expect(reports.map((reported) => statusAfterReport(current, reported))).toEqual([afterPrinted, afterPosted, afterReturned]);
  });
});
