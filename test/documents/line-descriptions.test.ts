import type { InvoiceLine, Locale } from '../../src/domain/invoice';
import {
  centsToDecimal,
  formatDate,
  formatIban,
  formatMoney,
  formatPercent,
  formatPeriod,
  InvalidDocumentDataError,
} from '../../src/documents/document-format';
import { describeLine, toDocumentLines } from '../../src/documents/line-descriptions';

const NBSP = '\u00a0';

function line(overrides: Partial<InvoiceLine>): InvoiceLine {
  return {
    kind: 'base-fee',
    plan: 'plus',
    quantity: 3,
    unitPriceCents: 1900,
    proration: null,
    netCents: 5700,
    vatRatePercent: 19,
    servicePeriod: { from: '2027-02-01', to: '2027-02-28' },
    ...overrides,
  };
}

describe('describeLine', () => {
  const proration = line({ kind: 'proration', proration: { days: 17, daysInMonth: 31 }, netCents: 3126, servicePeriod: { from: '2027-01-15', to: '2027-01-31' } });
  const usage = line({ kind: 'usage', plan: null, quantity: 120, unitPriceCents: 10, netCents: 1200, servicePeriod: { from: '2027-01-01', to: '2027-01-31' } });
  const pause = line({ kind: 'pause-fee', plan: null, quantity: 1, unitPriceCents: 500, netCents: 500 });
  const proratedPause = line({ kind: 'pause-fee', plan: null, quantity: 1, unitPriceCents: 500, proration: { days: 14, daysInMonth: 28 }, netCents: 250, servicePeriod: { from: '2027-02-15', to: '2027-02-28' } });
  const crossYear = line({ kind: 'proration', quantity: 1, proration: { days: 1, daysInMonth: 31 }, netCents: 61, servicePeriod: { from: '2027-12-31', to: '2027-12-31' } });

  it.each<[string, Locale, string, InvoiceLine]>([
    ['base fee', 'de', 'Tarif Plus, 3 Nutzer', line({})],
    ['base fee', 'en', 'Plus plan, 3 users', line({})],
    ['one seat', 'en', 'Plus plan, 1 user', line({ quantity: 1, netCents: 1900 })],
    ['proration (DOMAIN.md example)', 'de', 'Tarif Plus, 3 Nutzer, 15.01.–31.01.2027 (17/31 Tage)', proration],
    ['proration', 'en', 'Plus plan, 3 users, 15–31 Jan 2027 (17/31 days)', proration],
    ['proration of one day', 'de', 'Tarif Plus, 1 Nutzer, 31.12.2027 (1/31 Tage)', crossYear],
    ['usage', 'de', `SMS-Einladungen (120 × 0,10${NBSP}€)`, usage],
    ['usage', 'en', 'SMS invitations (120 × €0.10)', usage],
    ['one SMS', 'de', `SMS-Einladung (1 × 0,10${NBSP}€)`, line({ ...usage, quantity: 1, netCents: 10 })],
    ['usage over a thousand', 'de', `SMS-Einladungen (1.500 × 0,10${NBSP}€)`, line({ ...usage, quantity: 1500, netCents: 15000 })],
    ['pause fee', 'de', 'Pausengebühr', pause],
    ['pause fee', 'en', 'Pause fee', pause],
    ['prorated pause fee', 'de', 'Pausengebühr, 15.02.–28.02.2027 (14/28 Tage)', proratedPause],
    ['credit without plan', 'de', 'Gutschrift', line({ kind: 'credit', plan: null, netCents: -500 })],
    ['credit of a plan', 'en', 'Credit, Plus plan', line({ kind: 'credit', netCents: -500 })],
  ])('%s (%s) → %j', (_name, locale, expected, invoiceLine) => {
    expect(describeLine(invoiceLine, locale)).toBe(expected);
  });

  it('names plans from the catalogue it is given', () => {
    const catalogue = [{ id: 'plus' as const, name: 'Profi', monthlyFeePerSeat: 1900, maxSeats: null, features: [], usagePrices: {} }];
    expect(describeLine(line({}), 'de', { catalogue })).toBe('Tarif Profi, 3 Nutzer');
  });

  it('refuses a fee line without a plan', () => {
    expect(() => describeLine(line({ plan: null }), 'de')).toThrow(InvalidDocumentDataError);
  });

  it('toDocumentLines keeps every field and adds the description', () => {
    const [documentLine] = toDocumentLines([proration], 'de');
    expect(documentLine).toEqual({ ...proration, description: 'Tarif Plus, 3 Nutzer, 15.01.–31.01.2027 (17/31 Tage)' });
  });
});

describe('document formats', () => {
  it.each<[number, Locale, string]>([
    [123456, 'de', `1.234,56${NBSP}€`],
    [123456, 'en', '€1,234.56'],
    [8211, 'de', `82,11${NBSP}€`],
    [5, 'en', '€0.05'],
    [-500, 'de', `-5,00${NBSP}€`],
    [-0, 'de', `0,00${NBSP}€`],
  ])('formatMoney(%i, %s) → %j', (cents, locale, expected) => {
    expect(formatMoney(cents, locale)).toBe(expected);
  });

  it.each<[number, string]>([
    [3126, '31.26'],
    [10, '0.10'],
    [0, '0.00'],
    [-50, '-0.50'],
    [123456789, '1234567.89'],
  ])('centsToDecimal(%i) → %j', (cents, expected) => {
    expect(centsToDecimal(cents)).toBe(expected);
  });

  it('refuses fractional cents', () => {
    expect(() => formatMoney(1.5, 'de')).toThrow(InvalidDocumentDataError);
    expect(() => centsToDecimal(0.1)).toThrow(InvalidDocumentDataError);
  });

  it.each<[string, Locale, string]>([
    ['2027-01-15', 'de', '15.01.2027'],
    ['2027-01-15', 'en', '15 January 2027'],
    ['2028-02-29', 'de', '29.02.2028'],
  ])('formatDate(%s, %s) → %j', (date, locale, expected) => {
    expect(formatDate(date, locale)).toBe(expected);
  });

  it('refuses impossible dates', () => {
    expect(() => formatDate('2027-02-29', 'de')).toThrow(InvalidDocumentDataError);
  });

  it.each<[string, string, Locale, string]>([
    ['2027-01-15', '2027-01-31', 'de', '15.01.–31.01.2027'],
    ['2027-01-15', '2027-02-28', 'de', '15.01.–28.02.2027'],
    ['2026-12-15', '2027-01-14', 'de', '15.12.2026–14.01.2027'],
    ['2027-01-15', '2027-01-31', 'en', '15–31 Jan 2027'],
    ['2027-01-15', '2027-02-03', 'en', '15 Jan – 3 Feb 2027'],
    ['2026-12-15', '2027-01-14', 'en', '15 Dec 2026 – 14 Jan 2027'],
    ['2027-01-15', '2027-01-15', 'en', '15 Jan 2027'],
  ])('formatPeriod(%s..%s, %s) → %j', (from, to, locale, expected) => {
    expect(formatPeriod({ from, to }, locale)).toBe(expected);
  });

  it('formats percent and IBAN', () => {
    expect(formatPercent(19, 'de')).toBe(`19${NBSP}%`);
    expect(formatPercent(20, 'en')).toBe('20%');
    expect(formatIban('DE89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00');
    expect(formatIban('AT61 1904 3002 3457 3201', NBSP)).toBe(['AT61', '1904', '3002', '3457', '3201'].join(NBSP));
  });
});
