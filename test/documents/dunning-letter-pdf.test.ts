// The dunning letters as letters and as PDF/A-3b: the open invoices oldest first with principal,
// fees and interest to the cent, the interest booked with the letter per half-year period with its
// rate and legal basis (§ 288 BGB: 9 points business, 5 points consumer), the flat fee of § 288 (5)
// BGB only when booked, the claim and its total, the payment instructions naming the oldest open
// invoice, the final letter's handover and (only when announced) credit-bureau sentences, the
// address in the envelope window, PDF/A metadata, the same bytes for the same data, and refused data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { InvalidDocumentDataError } from '../../src/documents/document-format';
import { renderDunningLetterPdf, type DunningLetterData } from '../../src/documents/dunning-letter-pdf';
import { ISSUER } from './fixtures';
import { pdfFonts, pdfWords, run, runStatus, validationTools } from './validation-tools';

const CONTRACT_ID = '6f1c2a4e-8b3d-4f5a-9c7e-1d2b3a4c5d6e';

// Invoice 2027-000006 (82.11, due 15.06.2027) is dunned; 2027-000004 is older and partly paid, with a
// 3.00 return fee. Interest 16.06.–29.06. (D + 1 through the booking day, 14 days) at 1.27 + 9 points:
// 8211 × 10.27 % × 14 / 365 = 32.34 → 0.32. Listed newest first on purpose: the letter sorts them.
const firstDe: DunningLetterData = {
  kind: 'first-letter',
  issuer: ISSUER,
  recipient: { name: 'Praxis Dr. Müller GmbH', addressLine1: 'Hauptstraße 5', addressLine2: 'Gebäude B, 2. OG', postalCode: '80331', city: 'München', country: 'DE' },
  locale: 'de',
  contractId: CONTRACT_ID,
  customerType: 'business',
  letterOn: '2027-06-29',
  invoices: [
    { number: '2027-000006', issuedOn: '2027-06-01', dueOn: '2027-06-15', grossCents: 8211, openCents: 8211, feesCents: 4500, interestCents: 32 },
    { number: '2027-000004', issuedOn: '2027-04-01', dueOn: '2027-04-15', grossCents: 5700, openCents: 1200, feesCents: 300, interestCents: 0 },
  ],
  interest: [{ from: '2027-06-16', to: '2027-06-29', days: 14, principalCents: 8211, ratePercentBasisPoints: 1027, cents: 32 }],
  feeCents: 500,
  flatFeeCents: 4000,
  totalCents: 14243,
  payBy: '2027-07-09',
  handoverOn: null,
  announceCreditReport: false,
};

// D + 28: the older invoice is paid; interest since the last booking, split at the half-year
// (30.06. at 10.27 %, 01.07.–13.07. at 1.52 + 9 = 10.52 %: 8211 × 10.52 % × 13 / 365 = 30.77 → 0.31).
const finalDe: DunningLetterData = {
  ...firstDe,
  kind: 'final-letter',
  letterOn: '2027-07-13',
  invoices: [{ number: '2027-000006', issuedOn: '2027-06-01', dueOn: '2027-06-15', grossCents: 8211, openCents: 8211, feesCents: 5000, interestCents: 65 }],
  interest: [
    { from: '2027-06-30', to: '2027-06-30', days: 1, principalCents: 8211, ratePercentBasisPoints: 1027, cents: 2 },
    { from: '2027-07-01', to: '2027-07-13', days: 13, principalCents: 8211, ratePercentBasisPoints: 1052, cents: 31 },
  ],
  feeCents: 500,
  flatFeeCents: 0,
  totalCents: 13276,
  payBy: '2027-07-23',
  handoverOn: '2027-07-27',
  announceCreditReport: true,
};

// An Austrian consumer writing in English: 5 points (1.27 + 5 = 6.27 %: 8211 × 6.27 % × 14 / 365 = 19.75 → 0.20), no flat fee.
const firstEn: DunningLetterData = {
  ...firstDe,
  locale: 'en',
  customerType: 'consumer',
  recipient: { name: 'Anna Huber', addressLine1: 'Mariahilfer Straße 10/3', addressLine2: null, postalCode: '1070', city: 'Wien', country: 'AT' },
  invoices: [{ number: '2027-000006', issuedOn: '2027-06-01', dueOn: '2027-06-15', grossCents: 8211, openCents: 8211, feesCents: 500, interestCents: 20 }],
  interest: [{ from: '2027-06-16', to: '2027-06-29', days: 14, principalCents: 8211, ratePercentBasisPoints: 627, cents: 20 }],
  flatFeeCents: 0,
  totalCents: 8731,
};

// Its final letter, without the credit-bureau announcement (1 day at 6.27 % → 0.01, 13 days at 6.52 % → 0.19).
const finalEn: DunningLetterData = {
  ...firstEn,
  kind: 'final-letter',
  letterOn: '2027-07-13',
  invoices: [{ number: '2027-000006', issuedOn: '2027-06-01', dueOn: '2027-06-15', grossCents: 8211, openCents: 8211, feesCents: 1000, interestCents: 40 }],
  interest: [
    { from: '2027-06-30', to: '2027-06-30', days: 1, principalCents: 8211, ratePercentBasisPoints: 627, cents: 1 },
    { from: '2027-07-01', to: '2027-07-13', days: 13, principalCents: 8211, ratePercentBasisPoints: 652, cents: 19 },
  ],
  totalCents: 9251,
  payBy: '2027-07-23',
  handoverOn: '2027-07-27',
  announceCreditReport: false,
};

const LETTERS = { firstDe, finalDe, firstEn, finalEn } satisfies Record<string, DunningLetterData>;
type LetterName = keyof typeof LETTERS;

let dir: string;
const pdfFile = {} as Record<LetterName, string>;

beforeAll(async () => {
  validationTools();
  dir = mkdtempSync(path.join(tmpdir(), 'dunning-letter-pdf-'));
  for (const name of Object.keys(LETTERS) as LetterName[]) {
    pdfFile[name] = path.join(dir, `${name}.pdf`);
    writeFileSync(pdfFile[name], await renderDunningLetterPdf(LETTERS[name]));
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The whole text in reading order, whitespace (and no-break spaces) collapsed. */
const textOf = (name: LetterName): string => run('pdftotext', [pdfFile[name], '-']).replace(/\s+/g, ' ');

/** The lines as laid out on the pages (`pdftotext -layout`), blanks collapsed: a table row is one line. */
const linesOf = (name: LetterName): string[] =>
  run('pdftotext', ['-layout', pdfFile[name], '-'])
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');

/** The lines from `first` on, as many as `expected` has. */
function linesFrom(name: LetterName, first: string, count: number): string[] {
  const lines = linesOf(name);
  const at = lines.indexOf(first);
  expect(at).toBeGreaterThanOrEqual(0);
  return lines.slice(at, at + count);
}

describe('first dunning letter, German business customer', () => {
  it('is headed "1. Mahnung" with date, pay-by date and contract in the info block', () => {
    const text = textOf('firstDe');
    expect(text).toContain('1. Mahnung Sehr geehrte Damen und Herren,');
    expect(text).toContain('Datum 29.06.2027');
    expect(text).toContain('Zahlbar bis 09.07.2027');
    expect(text).toContain(`Vertrag ${CONTRACT_ID}`);
    expect(text).toContain(`die folgenden Rechnungen zu Ihrem Vertrag ${CONTRACT_ID} sind trotz Fälligkeit noch nicht vollständig bezahlt.`);
    expect(text).not.toMatch(/Letzte Mahnung|Inkasso|Auskunftei/);
  });

  it('lists the open invoices oldest first with amount, open principal, fees and interest to the cent, and their sums', () => {
    const expected = [
      'Rechnung Datum Fällig am Betrag Offen Gebühren Zinsen',
      '2027-000004 01.04.2027 15.04.2027 57,00 € 12,00 € 3,00 € 0,00 €',
      '2027-000006 01.06.2027 15.06.2027 82,11 € 82,11 € 45,00 € 0,32 €',
      'Summe 94,11 € 48,00 € 0,32 €',
    ];
    expect(linesFrom('firstDe', 'Offene Rechnungen', 5)).toEqual(['Offene Rechnungen', ...expected]);
  });

  it('shows the interest booked with the letter (period, days, principal, rate, amount) and its legal basis', () => {
    expect(linesFrom('firstDe', 'Mit diesem Schreiben berechnete Verzugszinsen', 3)).toEqual([
      'Mit diesem Schreiben berechnete Verzugszinsen',
      'Zeitraum Tage Offener Betrag Zinssatz Zinsen',
      '16.06.–29.06.2027 14 82,11 € 10,27 % 0,32 €',
    ]);
    const text = textOf('firstDe');
    expect(text).toContain('Der Zinssatz für Verzugszinsen beträgt 9 Prozentpunkte über dem Basiszinssatz (§ 288 Abs. 2 BGB)');
    expect(text).toContain('der am 1. Januar bzw. 1. Juli geltende Basiszinssatz (§ 247 BGB)');
    expect(text).toContain('Für den Zahlungsverzug berechnen wir außerdem einmalig die Pauschale von 40,00 € nach § 288 Abs. 5 BGB.');
  });

  it('sets out the claim: principal, this letter’s fee, the § 288 (5) BGB flat fee, earlier fees, interest and the total', () => {
    expect(linesFrom('firstDe', 'Ihre offene Forderung', 7)).toEqual([
      'Ihre offene Forderung',
      'Offene Rechnungsbeträge 94,11 €',
      'Mahngebühr für dieses Schreiben 5,00 €',
      'Verzugspauschale (§ 288 Abs. 5 BGB) 40,00 €',
      'Bereits berechnete Gebühren 3,00 €',
      'Verzugszinsen 0,32 €',
      'Gesamtbetrag 142,43 €',
    ]);
    // Right-aligned at the end of the text width (190 mm).
    const total = pdfWords(pdfFile.firstDe).filter((word) => word.text === '142,43');
    expect(total.length).toBeGreaterThan(0);
    for (const word of total) expect(word.xMax).toBeLessThanOrEqual(190.5);
    expect(Math.max(...total.map((word) => word.xMax))).toBeGreaterThan(184);
  });

  it('asks for the total by the pay-by date to the issuer’s account, with the oldest open invoice as reference', () => {
    expect(textOf('firstDe')).toContain(
      'Zahlung Bitte überweisen Sie den Gesamtbetrag von 142,43 € bis zum 09.07.2027 auf unser Konto IBAN DE89 3704 0044 0532 0130 00, ' +
        'BIC COBADEFFXXX (Commerzbank). Verwendungszweck: 2027-000004. Zahlungen, die nach dem 29.06.2027 eingegangen sind, sind nicht berücksichtigt.',
    );
    expect(textOf('firstDe')).toContain('Mit freundlichen Grüßen Vertragswerk GmbH');
  });
});

describe('final dunning letter', () => {
  it('is headed "Letzte Mahnung" and lists the interest of both half-years at their rates', () => {
    const text = textOf('finalDe');
    expect(text).toContain('Letzte Mahnung');
    expect(text).not.toContain('1. Mahnung');
    expect(text).toContain('Dies ist unsere letzte Mahnung.');
    expect(linesFrom('finalDe', 'Zeitraum Tage Offener Betrag Zinssatz Zinsen', 3)).toEqual([
      'Zeitraum Tage Offener Betrag Zinssatz Zinsen',
      '30.06.2027 1 82,11 € 10,27 % 0,02 €',
      '01.07.–13.07.2027 13 82,11 € 10,52 % 0,31 €',
    ]);
    expect(linesFrom('finalDe', 'Ihre offene Forderung', 6)).toEqual([
      'Ihre offene Forderung',
      'Offene Rechnungsbeträge 82,11 €',
      'Mahngebühr für dieses Schreiben 5,00 €',
      'Bereits berechnete Gebühren 45,00 €',
      'Verzugszinsen 0,65 €',
      'Gesamtbetrag 132,76 €',
    ]);
    // The flat fee was booked with the first letter: no line and no sentence for it now.
    expect(text).not.toContain('Pauschale');
  });

  it('announces the handover to a collection agency on handoverOn and the credit-bureau report (§ 31 BDSG)', () => {
    const text = textOf('finalDe');
    expect(text).toContain('Verwendungszweck: 2027-000006.');
    expect(text).toContain(
      'Geht der Gesamtbetrag nicht bis zum 23.07.2027 bei uns ein, übergeben wir die Forderung am 27.07.2027 an ein Inkassounternehmen.',
    );
    expect(text).toContain(
      'Bleibt der Betrag unbezahlt, können wir die Forderung nach Ablauf von vier Wochen seit unserer ersten Mahnung, jedoch nicht vor dem ' +
        '27.07.2027, an eine Auskunftei übermitteln, sofern Sie die Forderung nicht bestritten haben (§ 31 Abs. 2 Satz 1 Nr. 4 BDSG).',
    );
    expect(text).toContain('Die Auskunftei kann diese Angabe bei der Beurteilung Ihrer Kreditwürdigkeit berücksichtigen.');
  });

  it('says nothing of a credit bureau when the report is not announced', () => {
    const text = textOf('finalEn');
    expect(text).toContain('Final demand');
    expect(text).toContain('If we have not received the total by 23 July 2027, we will hand the claim over to a collection agency on 27 July 2027.');
    expect(text).not.toMatch(/credit reference|credit bureau|BDSG/i);
    expect(textOf('firstEn')).not.toMatch(/collection agency|credit reference|BDSG/i);
  });
});

describe('first dunning letter, Austrian consumer in English', () => {
  it('addresses the consumer by name, in English, with "First reminder notice"', () => {
    const text = textOf('firstEn');
    expect(text).toContain('First reminder notice Dear Anna Huber,');
    expect(text).toContain(`The following invoices for your contract ${CONTRACT_ID} are overdue and have not yet been paid in full.`);
    expect(text).toContain('Date 29 June 2027');
    expect(text).toContain('Pay by 9 July 2027');
  });

  it('shows 5 points above the base rate, no flat fee, and the total to the cent', () => {
    expect(linesFrom('firstEn', 'Invoice Date Due date Amount Open Fees Interest', 2)).toEqual([
      'Invoice Date Due date Amount Open Fees Interest',
      '2027-000006 1 Jun 2027 15 Jun 2027 €82.11 €82.11 €5.00 €0.20',
    ]);
    expect(linesFrom('firstEn', 'Period Days Open amount Rate Interest', 2)).toEqual(['Period Days Open amount Rate Interest', '16–29 Jun 2027 14 €82.11 6.27% €0.20']);
    expect(linesFrom('firstEn', 'Amount due', 5)).toEqual(['Amount due', 'Open invoice amounts €82.11', 'Dunning fee for this letter €5.00', 'Default interest €0.20', 'Total due €87.31']);
    const text = textOf('firstEn');
    expect(text).toContain('The default interest rate is 5 percentage points above the base rate (section 288 (1) German Civil Code, BGB)');
    expect(text).not.toMatch(/288 \(5\)|Flat-rate/);
    expect(text).toContain(
      'Please transfer the total of €87.31 by 9 July 2027 to our account IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX (Commerzbank), ' +
        'quoting the reference 2027-000006.',
    );
  });
});

describe.each(Object.keys(LETTERS) as LetterName[])('%s as a letter and a file', (name) => {
  const data = LETTERS[name];

  it('has the return line and the recipient inside the DIN 5008 window (20–105 mm, 45–90 mm), the return line in the remark zone', () => {
    const { recipient } = data;
    const address = [recipient.name, recipient.addressLine1, recipient.addressLine2, `${recipient.postalCode} ${recipient.city}`].filter((line) => line !== null);
    if (recipient.country === 'AT') address.push(data.locale === 'de' ? 'ÖSTERREICH' : 'AUSTRIA');
    // Everything printed left of the info block between the letterhead and the heading.
    const words = pdfWords(pdfFile[name]).filter((word) => word.xMin < 120 && word.yMin > 30 && word.yMax < 95);
    const returnLine = 'Vertragswerk GmbH · Friedrichstraße 123 · 10117 Berlin';
    expect(words.map((word) => word.text).join(' ')).toBe([returnLine, ...address].join(' '));
    for (const word of words) {
      expect([word.xMin >= 20, word.xMax <= 105, word.yMin >= 45, word.yMax <= 90]).toEqual([true, true, true, true]);
    }
    const returnWords = words.slice(0, returnLine.split(' ').length);
    const addressWords = words.slice(returnLine.split(' ').length);
    expect(Math.max(...returnWords.map((word) => word.yMax))).toBeLessThanOrEqual(45 + 17.7);
    expect(Math.min(...addressWords.map((word) => word.yMin))).toBeGreaterThanOrEqual(45 + 17.7);
  });

  it('is PDF/A-3b, PDF 1.7, A4, dated letterOn, with embedded DejaVu fonts, numbered pages, and passes qpdf --check', () => {
    const file = pdfFile[name];
    const titles = { de: { 'first-letter': '1. Mahnung', 'final-letter': 'Letzte Mahnung' }, en: { 'first-letter': 'First reminder notice', 'final-letter': 'Final demand' } };
    const meta = run('pdfinfo', ['-meta', file]);
    const info = run('pdfinfo', ['-isodates', file]);
    for (const part of ['<pdfaid:part>3</pdfaid:part>', '<pdfaid:conformance>B</pdfaid:conformance>']) expect(meta).toContain(part);
    for (const pattern of [/PDF version:\s+1\.7/, /Page size:\s+595\.2\d x 841\.8\d pts \(A4\)/, new RegExp(`CreationDate:\\s+${data.letterOn}T00:00:00`)]) {
      expect(info).toMatch(pattern);
    }
    expect(info).toContain(`${titles[data.locale][data.kind]} `);
    const fonts = pdfFonts(file);
    expect(fonts.map((font) => [font.embedded, /^[A-Z]{6}\+DejaVuSans/.test(font.name)])).toEqual(fonts.map(() => [true, true]));
    expect(fonts.length).toBeGreaterThan(0);
    const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]))?.[1]);
    expect(textOf(name)).toContain(data.locale === 'de' ? `Seite 1 von ${pages}` : `Page 1 of ${pages}`);
    const qpdf = runStatus('qpdf', ['--check', file]);
    expect([qpdf.status, qpdf.output.includes('No syntax or stream encoding errors')]).toEqual([0, true]);
  });

  it('renders the same data to the same bytes, and other data to other bytes', async () => {
    const [first, second] = await Promise.all([renderDunningLetterPdf(data), renderDunningLetterPdf(structuredClone(data))]);
    expect(first.equals(second)).toBe(true);
    const later = await renderDunningLetterPdf({ ...data, letterOn: '2027-06-30' });
    expect(later.equals(first)).toBe(false);
  });
});

describe('refused data', () => {
  const invoice = firstDe.invoices[0];
  if (!invoice) throw new Error('fixture without invoices');
  const line = firstDe.interest[0];
  if (!line) throw new Error('fixture without interest');

  it.each<[string, Partial<DunningLetterData>, RegExp]>([
    ['a total that is not the sum of the open parts', { totalCents: 14244 }, /total 14244 ≠ sum of the open principal, fees and interest 14243/],
    ['fractional cents', { feeCents: 500.5 }, /feeCents is not a whole number ≥ 0: 500\.5/],
    ['fractional cents in an invoice', { invoices: [{ ...invoice, interestCents: 32.4 }, ...firstDe.invoices.slice(1)], totalCents: 14243.4 }, /invoices\[0\]\.interestCents/],
    ['negative amounts', { invoices: [{ ...invoice, openCents: -1 }] }, /invoices\[0\]\.openCents is not a whole number ≥ 0/],
    ['more interest booked than open', { interest: [{ ...line, cents: 33 }] }, /this letter's interest 33 exceeds the open interest 32/],
    ['fees booked beyond the open fees', { feeCents: 1000 }, /this letter's fees 5000 exceed the open fees 4800/],
    ['days that do not match the period', { interest: [{ ...line, days: 13 }] }, /2027-06-16–2027-06-29 has 14 days, not 13/],
    ['a flat fee for a consumer', { customerType: 'consumer' }, /a consumer owes no flat fee/],
    ['a first letter announcing a handover', { handoverOn: '2027-07-27' }, /a first letter announces no handover/],
    ['a first letter announcing a credit report', { announceCreditReport: true }, /a first letter announces no credit-bureau report/],
    ['a final letter without handoverOn', { kind: 'final-letter' }, /a final letter needs handoverOn/],
    ['a handover before the pay-by date has passed', { kind: 'final-letter', handoverOn: '2027-07-09' }, /handoverOn 2027-07-09 is not after payBy 2027-07-09/],
    ['a pay-by date that is not after the letter', { payBy: '2027-06-29' }, /payBy 2027-06-29 is not after letterOn 2027-06-29/],
    ['an impossible date', { letterOn: '2027-02-30' }, /2027-02-30/],
    ['no open invoice', { invoices: [], totalCents: 0 }, /no open invoice/],
  ])('%s', async (_case, change, message) => {
    const rendering = renderDunningLetterPdf({ ...firstDe, ...change });
    await expect(rendering).rejects.toThrow(InvalidDocumentDataError);
    await expect(renderDunningLetterPdf({ ...firstDe, ...change })).rejects.toThrow(message);
  });
});
