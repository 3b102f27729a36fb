// The account statement as a letter and as PDF/A-3b: every booking with its debit or credit and
// the running balance to the cent in the right column, the closing balance in words, the open
// items, the payment instructions, the address in the envelope window (DIN 5008 form B), a long
// statement over several pages with the header, the balance brought forward and "Seite x von n",
// embedded fonts, PDF/A metadata, and the same bytes for the same data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { formatMoney, InvalidDocumentDataError } from '../../src/documents/document-format';
import { renderStatementPdf, type StatementDocumentData } from '../../src/documents/statement-pdf';
import { ISSUER } from './fixtures';
import { deStatement, enStatement, longStatement } from './statement-fixtures';
import { pdfFonts, pdfWords, run, runStatus, validationTools, type PdfWord } from './validation-tools';

/** DIN 5008 form B window (address field): 20–105 mm from the left, 45–90 mm from the top. */
const WINDOW = { left: 20, right: 105, top: 45, bottom: 90, remarkZoneBottom: 45 + 17.7 };
/** The bookings table's columns in mm from the left edge (date, text, debit, credit, balance). */
const TABLE_COLUMNS = { date: [24.5, 45.5], text: [45.5, 126.5], debit: [126.5, 147.5], credit: [147.5, 168.5], balance: [168.5, 190.5] } as const;
type TableColumn = keyof typeof TABLE_COLUMNS;
type TableRow = Record<TableColumn, string>;

const credit: StatementDocumentData = {
  ...deStatement,
  entries: [
    { bookedOn: '2027-01-10', type: 'prepayment', description: 'per Karte', reference: 'pi_prepay_0001', invoiceNumber: null, amountCents: -2000 },
    { bookedOn: '2027-01-15', type: 'invoice', description: 'Rechnung 2027-000001', reference: null, invoiceNumber: '2027-000001', amountCents: 1500 },
  ],
  balanceCents: -500,
  openItems: [],
};
const balanced: StatementDocumentData = {
  ...deStatement,
  entries: [
    { bookedOn: '2027-01-15', type: 'invoice', description: 'Rechnung 2027-000001', reference: null, invoiceNumber: '2027-000001', amountCents: 3720 },
    { bookedOn: '2027-01-29', type: 'payment', description: 'Überweisung', reference: 'BANK-1', invoiceNumber: '2027-000001', amountCents: -3720 },
  ],
  balanceCents: 0,
  openItems: [],
};

/** Every statement the tests read, rendered once. */
const STATEMENTS = {
  de: deStatement,
  en: enStatement,
  long: longStatement(150),
  creditDe: credit,
  creditEn: { ...credit, locale: 'en' },
  balancedDe: balanced,
  balancedEn: { ...balanced, locale: 'en' },
} satisfies Record<string, StatementDocumentData>;
type StatementName = keyof typeof STATEMENTS;

let dir: string;
const pdfFile = {} as Record<StatementName, string>;

beforeAll(async () => {
  validationTools();
  dir = mkdtempSync(path.join(tmpdir(), 'statement-pdf-'));
  for (const name of Object.keys(STATEMENTS) as StatementName[]) {
    const data: StatementDocumentData = STATEMENTS[name];
    const started = performance.now();
    const pdf = await renderStatementPdf(data);
    console.log(`statement ${name}: ${data.entries.length} bookings, ${pdf.length} bytes, rendered in ${(performance.now() - started).toFixed(1)} ms`);
    pdfFile[name] = path.join(dir, `${name}.pdf`);
    writeFileSync(pdfFile[name], pdf);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pageCount(file: string): number {
  return Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]))?.[1]);
}

/** The document's text in reading order, whitespace (and no-break spaces) collapsed. */
function documentText(name: StatementName): string {
  return run('pdftotext', [pdfFile[name], '-']).replace(/\s+/g, ' ');
}

const joined = (words: readonly PdfWord[]): string => words.map((word) => word.text).join(' ').replace(/\s+/g, ' ');

/** The words of a page grouped into lines (same top edge), left to right. */
function wordLines(file: string, page: number): PdfWord[][] {
  const lines: PdfWord[][] = [];
  for (const word of pdfWords(file, page)) {
    const line = lines.find((candidate) => Math.abs((candidate[0]?.yMin ?? -1) - word.yMin) < 0.5);
    if (line) line.push(word);
    else lines.push([word]);
  }
  return lines.map((words) => [...words].sort((a, b) => a.xMin - b.xMin));
}

/** Every line of text of the document, as read left to right. */
function documentLines(name: StatementName): string[] {
  const file = pdfFile[name];
  const lines: string[] = [];
  for (let page = 1; page <= pageCount(file); page++) lines.push(...wordLines(file, page).map(joined));
  return lines;
}

/** The lines of a page as cells of the bookings table. */
function tableLines(file: string, page: number): TableRow[] {
  return wordLines(file, page).map((words) => {
    const cell = ([from, to]: readonly [number, number]): string => joined(words.filter((word) => word.xMin >= from && word.xMax <= to));
    return {
      date: cell(TABLE_COLUMNS.date),
      text: cell(TABLE_COLUMNS.text),
      debit: cell(TABLE_COLUMNS.debit),
      credit: cell(TABLE_COLUMNS.credit),
      balance: cell(TABLE_COLUMNS.balance),
    };
  });
}

const DATE = { de: /^\d{2}\.\d{2}\.\d{4}$/, en: /^\d{1,2} [A-Z][a-z]{2} \d{4}$/ };

/** The booking rows of every page (a date in the date column and a running balance). */
function bookingRows(name: StatementName, locale: 'de' | 'en'): TableRow[] {
  const file = pdfFile[name];
  const rows: TableRow[] = [];
  for (let page = 1; page <= pageCount(file); page++) rows.push(...tableLines(file, page).filter((row) => DATE[locale].test(row.date) && row.balance !== ''));
  return rows;
}

// [date, start of the text, debit, credit, running balance], as the customer reads them.
const EXPECTED_BOOKINGS = {
  de: [
    ['10.01.2027', 'Vorauszahlung: per Karte', '', '20,00 €', '-20,00 €'],
    ['15.01.2027', 'Rechnung 2027-000001', '37,20 €', '', '17,20 €'],
    ['29.01.2027', 'Zahlung: Überweisung', '', '17,20 €', '0,00 €'],
    ['01.02.2027', 'Rechnung 2027-000002', '82,11 €', '', '82,11 €'],
    ['15.02.2027', 'Zahlung: SEPA-Lastschrift', '', '82,11 €', '0,00 €'],
    ['20.02.2027', 'Rückbuchung: SEPA-Rücklastschrift', '82,11 €', '', '82,11 €'],
    ['20.02.2027', 'Gebühr: Bankentgelt der Rücklastschrift', '3,00 €', '', '85,11 €'],
    ['01.03.2027', 'Rechnung 2027-000003', '82,11 €', '', '167,22 €'],
    ['06.03.2027', 'Gebühr: Mahngebühr 1. Mahnung', '5,00 €', '', '172,22 €'],
    ['06.03.2027', 'Verzugszinsen: 21.02.–06.03.2027', '0,32 €', '', '172,54 €'],
    ['10.03.2027', 'Gutschrift: Kulanz', '', '10,00 €', '162,54 €'],
    ['15.03.2027', 'Nicht erstattungsfähig: Vorauszahlung', '', '', '162,54 €'],
  ],
  en: [
    ['10 Jan 2027', 'Prepayment: by card', '', '€20.00', '-€20.00'],
    ['15 Jan 2027', 'Invoice 2027-000001', '€37.20', '', '€17.20'],
    ['29 Jan 2027', 'Payment: Bank transfer', '', '€17.20', '€0.00'],
    ['1 Feb 2027', 'Invoice 2027-000002', '€82.11', '', '€82.11'],
    ['15 Feb 2027', 'Payment: SEPA direct debit', '', '€82.11', '€0.00'],
    ['20 Feb 2027', 'Chargeback: SEPA return', '€82.11', '', '€82.11'],
    ['20 Feb 2027', 'Fee: Bank charge for the return', '€3.00', '', '€85.11'],
    ['1 Mar 2027', 'Invoice 2027-000003', '€82.11', '', '€167.22'],
    ['6 Mar 2027', 'Fee: Dunning fee, first letter', '€5.00', '', '€172.22'],
    ['6 Mar 2027', 'Default interest: 21 Feb – 6 Mar 2027', '€0.32', '', '€172.54'],
    ['10 Mar 2027', 'Credit note: Goodwill', '', '€10.00', '€162.54'],
    ['15 Mar 2027', 'Non-refundable: Prepayment', '', '', '€162.54'],
  ],
} as const;

describe.each([
  ['de', deStatement],
  ['en', enStatement],
] as const)('statement PDF (%s)', (name, data) => {
  const { locale } = data;

  it('lists every booking with its date, type, debit or credit and the running balance to the cent', () => {
    const rows = bookingRows(name, locale);
    expect(rows).toHaveLength(EXPECTED_BOOKINGS[locale].length);
    rows.forEach((row, index) => {
      const [date, text, debit, credit, balance] = EXPECTED_BOOKINGS[locale][index] ?? [];
      expect({ ...row, text: row.text.slice(0, text?.length) }).toEqual({ date, text, debit, credit, balance });
    });
    // The second line of a booking names the invoice and the payment reference.
    const all = documentText(name);
    for (const part of locale === 'de'
      ? ['Referenz pi_prepay_0001', 'Rechnung 2027-000002 Referenz E2E-VW-2027-0002', 'Verzugszinsen: 21.02.–06.03.2027, 14 Tage, 10,27 %']
      : ['Reference pi_prepay_0001', 'Invoice 2027-000002 · Reference E2E-VW-2027-0002', 'Default interest: 21 Feb – 6 Mar 2027, 14 days, 10.27%']) {
      expect(all).toContain(part);
    }
  });

  it('has the title, the statement date and the contract reference', () => {
    const text = documentText(name);
    expect(text).toContain(locale === 'de' ? 'Kontoauszug' : 'Account statement');
    expect(text).toContain(locale === 'de' ? 'Datum 31.03.2027' : 'Date 31 March 2027');
    expect(text).toContain(`${locale === 'de' ? 'Vertrag' : 'Contract'} ${data.contractId}`);
    expect(documentLines(name)).toContain(locale === 'de' ? 'Datum Buchungstext Soll Haben Saldo' : 'Date Description Debit Credit Balance');
  });

  it('states the closing balance in words and asks for it with the oldest open invoice as reference', () => {
    const text = documentText(name);
    if (locale === 'de') {
      expect(text).toContain('Offener Betrag: 162,54 €');
      expect(text).toContain(
        'Bitte überweisen Sie den offenen Betrag von 162,54 € auf unser Konto IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX (Commerzbank). Verwendungszweck: 2027-000002.',
      );
    } else {
      expect(text).toContain('Amount due: €162.54');
      expect(text).toContain(
        'Please transfer the amount due of €162.54 to our account IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX (Commerzbank), quoting the reference 2027-000002.',
      );
    }
  });

  it('lists the open items oldest first with principal, fees, interest and totals', () => {
    const lines = documentLines(name);
    const heading = lines.indexOf(locale === 'de' ? 'Offene Posten' : 'Open items');
    expect(heading).toBeGreaterThan(0);
    expect(lines.slice(heading + 1, heading + 5)).toEqual(
      locale === 'de'
        ? [
            'Rechnung Datum Fällig am Offen Gebühren Zinsen Gesamt',
            '2027-000002 01.02.2027 15.02.2027 82,11 € 8,00 € 0,32 € 90,43 €',
            '2027-000003 01.03.2027 15.03.2027 72,11 € 0,00 € 0,00 € 72,11 €',
            'Summe 154,22 € 8,00 € 0,32 € 162,54 €',
          ]
        : [
            'Invoice Date Due date Open Fees Interest Total',
            '2027-000002 1 Feb 2027 15 Feb 2027 €82.11 €8.00 €0.32 €90.43',
            '2027-000003 1 Mar 2027 15 Mar 2027 €72.11 €0.00 €0.00 €72.11',
            'Total €154.22 €8.00 €0.32 €162.54',
          ],
    );
  });

  it('puts the return line and the recipient inside the envelope window, and nothing else', () => {
    const { recipient } = data;
    const expected = [recipient.name, recipient.addressLine1, recipient.addressLine2, `${recipient.postalCode} ${recipient.city}`].filter((l): l is string => !!l);
    if (recipient.country === 'AT') expected.push('AUSTRIA');
    const near = pdfWords(pdfFile[name]).filter((w) => w.xMin < WINDOW.right + 10 && w.yMin > WINDOW.top - 8 && w.yMax < WINDOW.bottom + 8);
    const returnLine = `${ISSUER.name} · ${ISSUER.addressLine1} · ${ISSUER.postalCode} ${ISSUER.city}`;
    expect(joined(near)).toBe([returnLine, ...expected].join(' '));
    expect(near.filter((w) => w.xMin < WINDOW.left || w.xMax > WINDOW.right || w.yMin < WINDOW.top || w.yMax > WINDOW.bottom)).toEqual([]);
    const returnWordCount = returnLine.split(' ').length;
    expect(Math.max(...near.slice(0, returnWordCount).map((w) => w.yMax))).toBeLessThanOrEqual(WINDOW.remarkZoneBottom);
    expect(Math.min(...near.slice(returnWordCount).map((w) => w.yMin))).toBeGreaterThanOrEqual(WINDOW.remarkZoneBottom);
  });

  it('is PDF/A-3b in its metadata, PDF 1.7, A4, with every font embedded, and passes qpdf --check', () => {
    const file = pdfFile[name];
    const meta = run('pdfinfo', ['-meta', file]);
    expect(meta).toMatch(/<pdfaid:part>3<\/pdfaid:part>/);
    expect(meta).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
    const info = run('pdfinfo', ['-isodates', file]);
    expect(info).toMatch(/PDF version:\s+1\.7/);
    expect(info).toMatch(/Page size:\s+595\.2\d x 841\.8\d pts \(A4\)/);
    expect(info).toMatch(locale === 'de' ? /Title:\s+Kontoauszug 31\.03\.2027/ : /Title:\s+Account statement 31 March 2027/);
    expect(info).toMatch(/CreationDate:\s+2027-03-31T00:00:00/);
    const fonts = pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.embedded).toBe(true);
      expect(font.name).toMatch(/^[A-Z]{6}\+DejaVuSans/);
    }
    const { status, output } = runStatus('qpdf', ['--check', file]);
    expect(output).toContain('No syntax or stream encoding errors');
    expect(status).toBe(0);
  });
});

describe('a statement of 150 bookings', () => {
  const data = longStatement(150);

  it('runs over several pages, each with the table header, the balance brought forward and "Seite x von n"', () => {
    const file = pdfFile.long;
    const pages = pageCount(file);
    expect(pages).toBeGreaterThan(2);
    let lastBalance: string | null = null;
    let bookings = 0;
    for (let page = 1; page <= pages; page++) {
      const lines = tableLines(file, page);
      const header = lines.findIndex((row) => row.date === 'Datum' && row.text === 'Buchungstext' && row.debit === 'Soll' && row.credit === 'Haben' && row.balance === 'Saldo');
      expect(header).toBeGreaterThanOrEqual(0);
      if (page > 1) expect(lines[header + 1]).toEqual({ date: '', text: 'Übertrag', debit: '', credit: '', balance: lastBalance });
      const rows = lines.filter((row) => DATE.de.test(row.date));
      bookings += rows.length;
      lastBalance = rows[rows.length - 1]?.balance ?? lastBalance;
      const pageText = run('pdftotext', ['-f', String(page), '-l', String(page), file, '-']).replace(/\s+/g, ' ');
      expect(pageText).toContain(`Seite ${page} von ${pages}`);
    }
    expect(bookings).toBe(150);
  });

  it('keeps the running balance right on every page and closes with it', () => {
    const rows = bookingRows('long', 'de');
    // 57.00 invoices and 50.00 payments; formatMoney's output is checked literally above.
    const euro = (cents: number): string => formatMoney(cents, 'de').replace(/\s/g, ' ');
    let balance = 0;
    rows.forEach((row, index) => {
      const entry = data.entries[index];
      if (!entry) throw new Error(`row ${index} without a booking`);
      balance += entry.amountCents;
      expect([row.debit, row.credit, row.balance]).toEqual(entry.amountCents > 0 ? ['57,00 €', '', euro(balance)] : ['', '50,00 €', euro(balance)]);
    });
    expect(rows[rows.length - 1]?.balance).toBe('525,00 €');
    expect(documentText('long')).toContain('Offener Betrag: 525,00 €');
  });

  it('without open items, a transfer names the contract', () => {
    expect(documentText('long')).toContain(`Verwendungszweck: ${data.contractId}.`);
    expect(documentText('long')).not.toContain('Offene Posten');
  });
});

describe('closing balance in words', () => {
  it('a credit: "Guthaben: 5,00 €" / "Credit balance: €5.00", set off against the next invoices, no transfer asked for', () => {
    const de = documentText('creditDe');
    expect(de).toContain('Guthaben: 5,00 €');
    expect(de).toContain('Ihr Guthaben von 5,00 € verrechnen wir mit Ihren nächsten Rechnungen.');
    expect(de).not.toContain('Bitte überweisen');
    expect(de).not.toContain('Offener Betrag');
    const en = documentText('creditEn');
    expect(en).toContain('Credit balance: €5.00');
    expect(en).toContain('We will set your credit of €5.00 off against your next invoices.');
    expect(en).not.toContain('Please transfer');
  });

  it('a balanced account: "Ausgeglichen" / "Balanced", no payment section, no open items', () => {
    const de = documentText('balancedDe');
    expect(de).toContain('Ausgeglichen');
    expect(de).not.toMatch(/Offener Betrag|Guthaben|Bitte überweisen|Offene Posten|Zahlung Bitte/);
    const en = documentText('balancedEn');
    expect(en).toContain('Balanced');
    expect(en).not.toMatch(/Amount due|Credit balance|Please transfer|Open items/);
  });
});

describe('deterministic output and checked data', () => {
  it('the same data renders byte-identically', async () => {
    for (const data of [deStatement, enStatement, longStatement(150)]) {
      const [first, second] = await Promise.all([renderStatementPdf(data), renderStatementPdf(structuredClone(data))]);
      expect(first.equals(second)).toBe(true);
    }
  });

  it('different data gives a different document', async () => {
    const other = await renderStatementPdf({ ...deStatement, statementOn: '2027-04-01' });
    expect(other.equals(await renderStatementPdf(deStatement))).toBe(false);
  });

  it('refuses a balance that is not the sum of the entries, and fractional cents', async () => {
    await expect(renderStatementPdf({ ...deStatement, balanceCents: 16255 })).rejects.toThrow(InvalidDocumentDataError);
    await expect(renderStatementPdf({ ...deStatement, balanceCents: 16255 })).rejects.toThrow(/balance 16255 ≠ sum of its entries 16254/);
    const [first, ...rest] = deStatement.entries;
    if (!first) throw new Error('fixture without entries');
    await expect(renderStatementPdf({ ...deStatement, entries: [{ ...first, amountCents: -1999.5 }, ...rest], balanceCents: 16254.5 })).rejects.toThrow(
      InvalidDocumentDataError,
    );
  });
});
