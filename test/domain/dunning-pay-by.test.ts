/** The pay-by day of a dunning letter and the handover day a final letter announces (src/domain/dunning.ts). */
import { announcedHandoverOn, payByOf } from '../../src/domain/dunning';

test.each<[string, string | null, string]>([
  ['2027-03-22', null, '2027-03-29'], // a reminder: 7 days
  ['2027-03-29', '2027-04-12', '2027-04-05'], // 1st letter, final letter two weeks later: 7 days
  ['2027-04-12', '2027-04-19', '2027-04-18'], // a short ladder: before the next step
  ['2027-04-12', '2027-04-13', '2027-04-13'], // never before the day after
])('letter of %s, next step %s → pay by %s', (runOn, next, payBy) => {
  expect(payByOf(runOn, next)).toBe(payBy);
});

test('the handover day a final letter announces: the next step, else the day after pay-by', () => {
  expect(announcedHandoverOn('2027-04-19', '2027-04-26')).toBe('2027-04-26');
  expect(announcedHandoverOn('2027-04-19', null)).toBe('2027-04-20');
});
