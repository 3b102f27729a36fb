import { formatMailMoney } from '../../src/mail/format-mail-money';
import { InvalidMailContextError } from '../../src/mail/format-mail-date';

// German separates amount and sign with a no-break space (U+00A0), so "5,00" and "€" never wrap apart.
const NBSP = '\u00a0';

describe('formatMailMoney', () => {
  it.each([
    [500, 'de', `5,00${NBSP}€`],
    [500, 'en', '€5.00'],
    [0, 'de', `0,00${NBSP}€`],
    [0, 'en', '€0.00'],
    [5, 'de', `0,05${NBSP}€`],
    [1900, 'en', '€19.00'],
    [1005, 'de', `10,05${NBSP}€`],
    [123456789, 'de', `1.234.567,89${NBSP}€`],
    [123456789, 'en', '€1,234,567.89'],
    [-500, 'de', `-5,00${NBSP}€`],
    [-500, 'en', '-€5.00'],
    [-0, 'de', `0,00${NBSP}€`],
  ] as const)('%d cents in %s is "%s"', (cents, locale, expected) => {
    expect(formatMailMoney(cents, locale)).toBe(expected);
  });

  it('uses no other kind of space (stable across ICU versions)', () => {
    expect(formatMailMoney(123456789, 'de')).not.toMatch(/[ \u202f]/);
  });

  it.each([5.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects %p (cents are safe integers)', (cents) => {
    expect(() => formatMailMoney(cents, 'de')).toThrow(InvalidMailContextError);
  });
});
