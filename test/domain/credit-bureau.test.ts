/** § 31 (2) Nr. 4 BDSG: when an overdue claim may go to a credit bureau. */
import { addDays } from '../../src/domain/calendar';
import type { CreditReportInput, DunningLetterSent } from '../../src/domain/credit-bureau';
import { creditReportDecision } from '../../src/domain/credit-bureau';
import type { DunningLadder } from '../../src/domain/dunning';
import { DEFAULT_DUNNING_LADDER } from '../../src/domain/dunning';

const DUE_ON = '2027-03-15';

/** The letters a ladder sends for an invoice due on {@link DUE_ON}, and the day of its handover (the report). */
function lettersOf(ladder: DunningLadder): { letters: DunningLetterSent[]; handoverOn: string } {
  const letters: DunningLetterSent[] = [];
  let handoverOn = '';
  for (const step of ladder.steps) {
    const on = addDays(DUE_ON, step.offsetDays);
    if (step.step === 'first-letter' || step.step === 'final-letter') letters.push({ kind: step.step, sentOn: on });
    if (step.step === 'handover') handoverOn = on;
  }
  return { letters, handoverOn };
}

describe('creditReportDecision', () => {
  it('default ladder: 1st letter D+14 (29.03.), final D+28, handover D+42 (26.04.) → exactly 28 days → sent', () => {
    const { letters, handoverOn } = lettersOf(DEFAULT_DUNNING_LADDER);
    expect(letters).toEqual([
      { kind: 'first-letter', sentOn: '2027-03-29' },
      { kind: 'final-letter', sentOn: '2027-04-12' },
    ]);
    expect(handoverOn).toBe('2027-04-26');
    expect(creditReportDecision({ letters, announced: true, disputed: false, today: handoverOn })).toEqual({ decision: 'sent' });
    // One day earlier the four weeks are not over.
    expect(creditReportDecision({ letters, announced: true, disputed: false, today: '2027-04-25' })).toEqual({ decision: 'withheld', reason: 'FIRST_LETTER_TOO_RECENT' });
  });

  it('a shortened ladder: 1st letter D+14, handover D+35 (21 days) → FIRST_LETTER_TOO_RECENT', () => {
    const offsets: Record<string, number> = { reminder: 7, 'first-letter': 14, 'final-letter': 21, handover: 35 };
    const shortened: DunningLadder = { version: 2, steps: DEFAULT_DUNNING_LADDER.steps.map((s) => ({ ...s, offsetDays: offsets[s.step] })) };
    const { letters, handoverOn } = lettersOf(shortened);
    expect(handoverOn).toBe('2027-04-19');
    expect(creditReportDecision({ letters, announced: true, disputed: false, today: handoverOn })).toEqual({ decision: 'withheld', reason: 'FIRST_LETTER_TOO_RECENT' });
  });

  const twoLetters: DunningLetterSent[] = [
    { kind: 'first-letter', sentOn: '2027-03-29' },
    { kind: 'final-letter', sentOn: '2027-04-12' },
  ];
  const base: CreditReportInput = { letters: twoLetters, announced: true, disputed: false, today: '2027-04-26' };

  it.each<[string, Partial<CreditReportInput>, string]>([
    ['disputed', { disputed: true }, 'DISPUTED'],
    // Disputed wins over every other unmet condition.
    ['disputed, one letter, not announced', { disputed: true, letters: twoLetters.slice(0, 1), announced: false }, 'DISPUTED'],
    ['one letter', { letters: twoLetters.slice(0, 1) }, 'TOO_FEW_LETTERS'],
    ['no letters', { letters: [] }, 'TOO_FEW_LETTERS'],
    ['one letter, too recent, not announced', { letters: [{ kind: 'first-letter', sentOn: '2027-04-20' }], announced: false }, 'TOO_FEW_LETTERS'],
    // The final letter dated after the report is not sent yet.
    ['the second letter after today', { letters: [twoLetters[0], { kind: 'final-letter', sentOn: '2027-04-27' }] }, 'TOO_FEW_LETTERS'],
    ['27 days after the first letter, not announced', { today: '2027-04-25', announced: false }, 'FIRST_LETTER_TOO_RECENT'],
    ['not announced', { announced: false }, 'NOT_ANNOUNCED'],
  ])('%s → withheld %s', (_, overrides, reason) => {
    expect(creditReportDecision({ ...base, ...overrides })).toEqual({ decision: 'withheld', reason });
  });

  it('counts from the earliest letter whatever the order given; a restarted ladder (second first letter) counts too', () => {
    const letters: DunningLetterSent[] = [
      { kind: 'final-letter', sentOn: '2027-04-12' },
      { kind: 'first-letter', sentOn: '2027-03-29' },
      { kind: 'first-letter', sentOn: '2027-04-20' },
    ];
    expect(creditReportDecision({ ...base, letters })).toEqual({ decision: 'sent' });
    expect(creditReportDecision({ ...base, letters, today: '2027-05-30' })).toEqual({ decision: 'sent' });
  });
});
