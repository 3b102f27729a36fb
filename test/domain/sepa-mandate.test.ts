/** SEPA mandate rules (SEPA Core rulebook): 36 months unused → expired; FRST, then RCUR. */
import { endToEndIdOf, isMandateExpired, sequenceTypeOf } from '../../src/domain/sepa-mandate';

describe('mandate expiry: a collection more than 36 months after the last use (or the signature)', () => {
  test.each<[string | null, string | null, string, boolean]>([
    // [signedOn, lastCollectedOn, collectOn, expired]
    ['2027-01-15', null, '2030-01-15', false], // exactly 36 months after signing
    ['2027-01-15', null, '2030-01-16', true],
    ['2027-01-15', '2029-06-15', '2032-06-15', false], // counted from the last collection
    ['2027-01-15', '2029-06-15', '2032-06-16', true],
    ['2027-01-31', null, '2030-01-31', false], // month ends clamp, never before the day
    [null, null, '2040-01-01', false],
  ])('signed %s, last collected %s, collected on %s → expired %s', (signedOn, lastCollectedOn, collectOn, expired) => {
    expect(isMandateExpired({ signedOn, lastCollectedOn }, collectOn)).toBe(expired);
  });
  test('the period is configurable', () => {
    expect(isMandateExpired({ signedOn: '2027-01-15', lastCollectedOn: null }, '2027-07-16', 6)).toBe(true);
  });
});

test('sequence type and end-to-end id', () => {
  expect(sequenceTypeOf(0)).toBe('FRST');
  expect(sequenceTypeOf(1)).toBe('RCUR');
  expect(endToEndIdOf('2027-000042')).toBe('E2E-2027-000042');
  expect(endToEndIdOf('2027-000042').length).toBeLessThanOrEqual(35);
});
