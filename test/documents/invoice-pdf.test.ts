// The invoice PDF as a letter and as PDF/A-3b: the address sits in the envelope window (DIN 5008
// form B), every font is embedded, the metadata says PDF/A-3, qpdf finds no structural error,
// the content carries the legal texts, and the same data gives the same bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { InvoiceDocumentData } from '../../src/domain/invoice';
import { InvalidDocumentDataError } from '../../src/documents/document-format';
import { CURRENT_INVOICE_TEMPLATE_VERSION, INVOICE_TEMPLATE_VERSIONS, renderInvoicePdf, UnknownTemplateVersionError } from '../../src/documents/invoice-pdf';
import { atBusinessReverseCharge, atConsumer, deBusinessProration, deBusinessSepa, deConsumerCardPause, INVOICES, ISSUER } from './fixtures';
import { pdfFonts, pdfWords, run, runStatus, validationTools, type PdfWord } from './validation-tools';

const NBSP = '\u00a0';
/** DIN 5008 form B window (address field): 20–105 mm from the left, 45–90 mm from the top. */
const WINDOW = { xMin: 20, xMax: 105, yMin: 45, yMax: 90 };
const REMARK_ZONE_BOTTOM = 45 + 17.7;

let dir: string;
const files = new Map<string, string>();

beforeAll(async () => {
  validationTools();
  dir = mkdtempSync(path.join(tmpdir(), 'invoice-pdf-'));
  for (const [name, data] of Object.entries(INVOICES)) {
    const file = path.join(dir, `${name}.pdf`);
    writeFileSync(file, await renderInvoicePdf(data));
    files.set(name, file);
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fileOf(name: string): string {
  const file = files.get(name);
  if (!file) throw new Error(`no PDF rendered for ${name}`);
  return file;
}

/** The document's text as pdftotext reads it (blocks in reading order), whitespace collapsed. */
function pageText(file: string): string {
  return run('pdftotext', [file, '-']).replace(/\s+/g, ' ');
}

function addressLines(data: InvoiceDocumentData): string[] {
  const { customer } = data;
  const lines = [customer.name, customer.addressLine1, customer.addressLine2, `${customer.postalCode} ${customer.city}`].filter((l): l is string => !!l);
  if (customer.country !== data.issuer.country) lines.push(customer.country === 'AT' ? (data.locale === 'de' ? 'ÖSTERREICH' : 'AUSTRIA') : 'DEUTSCHLAND');
  return lines;
}

describe.each(Object.keys(INVOICES))('invoice PDF %s', (name) => {
  const data = INVOICES[name] as InvoiceDocumentData;

  it('puts the return line and the recipient inside the envelope window, and nothing else', () => {
    // Everything drawn near the window: a shifted or overlong address shows up as a word outside it.
    const near = pdfWords(fileOf(name)).filter((w) => w.xMin < WINDOW.xMax + 10 && w.yMin > WINDOW.yMin - 8 && w.yMax < WINDOW.yMax + 8);
    const returnLine = `${ISSUER.name} · ${ISSUER.addressLine1} · ${ISSUER.postalCode} ${ISSUER.city}`;
    const joined = (words: PdfWord[]): string => words.map((w) => w.text).join(' ');
    expect(joined(near)).toBe([returnLine, ...addressLines(data)].join(' '));
    const outside = near.filter((w) => w.xMin < WINDOW.xMin || w.xMax > WINDOW.xMax || w.yMin < WINDOW.yMin || w.yMax > WINDOW.yMax);
    expect(outside).toEqual([]);
    // The return line sits in the remark zone above the address zone, the recipient below it.
    const returnWords = near.slice(0, returnLine.split(' ').length);
    const recipientWords = near.slice(returnWords.length);
    expect(Math.max(...returnWords.map((w) => w.yMax))).toBeLessThanOrEqual(REMARK_ZONE_BOTTOM);
    expect(Math.min(...recipientWords.map((w) => w.yMin))).toBeGreaterThanOrEqual(REMARK_ZONE_BOTTOM);
  });

  it('embeds every font (DejaVu Sans, never the base-14 Helvetica)', () => {
    const fonts = pdfFonts(fileOf(name));
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font).toEqual(expect.objectContaining({ embedded: true }));
      expect(font.name).toMatch(/^[A-Z]{6}\+DejaVuSans/);
    }
  });

  it('declares PDF/A-3b in its XMP metadata and PDF 1.7', () => {
    const meta = run('pdfinfo', ['-meta', fileOf(name)]);
    expect(meta).toMatch(/<pdfaid:part>3<\/pdfaid:part>/);
    expect(meta).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
    const info = run('pdfinfo', [fileOf(name)]);
    expect(info).toMatch(/PDF version:\s+1\.7/);
    expect(info).toMatch(/Page size:\s+595\.2\d x 841\.8\d pts \(A4\)/);
    expect(info).toMatch(new RegExp(`Title:\\s+(Rechnung|Invoice) ${data.number}`));
  });

  it('passes qpdf --check', () => {
    const { status, output } = runStatus('qpdf', ['--check', fileOf(name)]);
    expect(output).toContain('No syntax or stream encoding errors');
    expect(status).toBe(0);
  });
});

describe('invoice PDF content', () => {
  it('the DOMAIN.md example of 15.01.2027: prorated line, 31.26 net, 5.94 VAT, 37.20 gross, bank transfer', () => {
    const text = pageText(fileOf('deBusinessProration'));
    expect(text).toContain('Rechnung 2027-000001');
    expect(text).toContain('Tarif Plus, 3 Nutzer, 15.01.–31.01.2027 (17/31 Tage)');
    expect(text).toMatch(/Summe netto 31,26 €/);
    expect(text).toMatch(/Umsatzsteuer 5,94 €/);
    expect(text).toMatch(/Rechnungsbetrag 37,20 €/);
    expect(text).toContain('Bitte überweisen Sie den Rechnungsbetrag von 37,20 € bis zum 29.01.2027');
    expect(text).toContain('IBAN DE89 3704 0044 0532 0130 00');
    expect(text).toContain('Verwendungszweck: 2027-000001');
  });

  it('SEPA: the pre-notification names amount, date, mandate, creditor id and the account', () => {
    const text = pageText(fileOf('deBusinessSepa'));
    expect(text).toMatch(/Rechnungsbetrag 82,11 €/);
    expect(text).toContain(
      'Den Rechnungsbetrag von 82,11 € ziehen wir am 15.02.2027 mit der SEPA-Lastschrift zu Mandat VW-2027-0001 (Gläubiger-ID DE98ZZZ09999999999) von Ihrem Konto …3000 ein.',
    );
    expect(text).not.toContain('Bitte überweisen');
  });

  it('reverse charge: the note with the customer VAT ID, 0 % and both VAT IDs', () => {
    const text = pageText(fileOf('atBusinessReverseCharge'));
    expect(text).toContain('Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge). USt-IdNr. des Leistungsempfängers: ATU12345678.');
    expect(text).toContain('Ihre USt-IdNr. ATU12345678');
    expect(text).toContain('Unsere USt-IdNr. DE123456789');
    expect(text).toContain('USt.-Satz 0 % (Reverse Charge)');
    expect(text).toMatch(/Umsatzsteuer 0,00 € Rechnungsbetrag 57,00 €/);
  });

  it('consumers get the § 286 (3) BGB sentence, businesses do not', () => {
    expect(pageText(fileOf('atConsumer'))).toContain(
      'You will be in default at the latest if you do not pay within 30 days of the due date and receipt of this invoice',
    );
    expect(pageText(fileOf('deConsumerCardPause'))).toContain(
      'Sie kommen spätestens in Verzug, wenn Sie nicht innerhalb von 30 Tagen nach Fälligkeit und Zugang dieser Rechnung zahlen (§ 286 Abs. 3 BGB).',
    );
    expect(pageText(fileOf('deBusinessSepa'))).not.toContain('Verzug');
  });

  it('English: dates and money in en-GB', () => {
    const text = pageText(fileOf('atConsumer'));
    expect(text).toContain('Invoice 2027-000003');
    expect(text).toContain('1 March 2027');
    expect(text).toMatch(/Total amount €22\.80/);
    expect(text).toContain('Please transfer the invoice amount of €22.80 by 15 March 2027');
  });

  it('prepaid, with a credit line', () => {
    const text = pageText(fileOf('deBusinessPrepaidCredit'));
    expect(text).toContain('Credit');
    expect(text).toContain('-€5.00');
    expect(text).toContain('The invoice amount of €61.88 is deducted from your prepaid balance.');
  });

  it('card: charged on the issue date', () => {
    expect(pageText(fileOf('deConsumerCardPause'))).toContain('Der Rechnungsbetrag von 2,98 € wird am 15.02.2027 von Ihrer hinterlegten Karte abgebucht.');
  });

  it('the footer names issuer, register, managing directors, VAT ID and bank', () => {
    const text = pageText(fileOf('deBusinessSepa'));
    for (const part of ['Amtsgericht Berlin', 'HRB 123456 B', 'Geschäftsführung: Erika Mustermann, Max Mustermann', 'USt-IdNr. DE123456789', 'Commerzbank', 'BIC COBADEFFXXX', 'Seite 1 von 1']) {
      expect(text).toContain(part);
    }
  });

  it('many lines flow onto further pages, each with the table header and the footer', async () => {
    const base = deBusinessSepa.lines[0];
    if (!base) throw new Error('fixture without lines');
    const lines = Array.from({ length: 40 }, () => base);
    const long: InvoiceDocumentData = {
      ...deBusinessSepa,
      lines,
      vatGroups: [{ ratePercent: 19, category: 'S', netCents: 40 * 5700, vatCents: 43320 }],
      netCents: 40 * 5700,
      vatCents: 43320,
      grossCents: 40 * 5700 + 43320,
    };
    const file = path.join(dir, 'long.pdf');
    writeFileSync(file, await renderInvoicePdf(long));
    const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]))?.[1]);
    expect(pages).toBeGreaterThan(1);
    const lastPage = run('pdftotext', ['-f', String(pages), '-l', String(pages), '-layout', file, '-']).replace(/\s+/g, ' ');
    expect(lastPage).toContain(`Seite ${pages} von ${pages}`);
    const second = run('pdftotext', ['-f', '2', '-l', '2', '-layout', file, '-']).replace(/\s+/g, ' ');
    expect(second).toContain('Beschreibung Zeitraum Menge Einzelpreis Netto USt.');
    const all = run('pdftotext', ['-layout', file, '-']);
    expect(all.match(/Tarif Plus, 3 Nutzer/g)).toHaveLength(40);
    expect(all.replace(/\s+/g, ' ')).toMatch(new RegExp(`Rechnungsbetrag 2.713,20${NBSP}?\\s?€`));
  });
});

describe('deterministic output and template versions', () => {
  it('the same data renders byte-identically', async () => {
    for (const data of [deBusinessProration, deBusinessSepa, atConsumer, atBusinessReverseCharge]) {
      const [first, second] = await Promise.all([renderInvoicePdf(data), renderInvoicePdf(structuredClone(data))]);
      expect(first.equals(second)).toBe(true);
    }
  });

  it('dates come from the issue date, not the clock', async () => {
    const info = run('pdfinfo', ['-isodates', fileOf('deBusinessSepa')]);
    expect(info).toMatch(/CreationDate:\s+2027-02-01T00:00:00/);
    expect(info).toMatch(/ModDate:\s+2027-02-01T00:00:00/);
  });

  it('different data gives a different document', async () => {
    const other = await renderInvoicePdf({ ...deBusinessSepa, number: '2027-000099' });
    expect(other.equals(await renderInvoicePdf(deBusinessSepa))).toBe(false);
  });

  it('dispatches on templateVersion and rejects unknown versions', async () => {
    expect(CURRENT_INVOICE_TEMPLATE_VERSION).toBe('invoice-v1');
    expect(INVOICE_TEMPLATE_VERSIONS).toContain('invoice-v1');
    await expect(renderInvoicePdf({ ...deBusinessSepa, templateVersion: 'invoice-v0' })).rejects.toThrow(UnknownTemplateVersionError);
  });

  it('refuses data whose sums do not add up', async () => {
    await expect(renderInvoicePdf({ ...deBusinessSepa, grossCents: 8212 })).rejects.toThrow(InvalidDocumentDataError);
    await expect(renderInvoicePdf({ ...deBusinessSepa, vatGroups: [{ ratePercent: 19, category: 'S', netCents: 6800, vatCents: 1311 }] })).rejects.toThrow(
      /net 6800 ≠ sum of its lines 6900/,
    );
    await expect(renderInvoicePdf({ ...atBusinessReverseCharge, customer: { ...atBusinessReverseCharge.customer, vatId: null } })).rejects.toThrow(
      /customer's VAT ID/,
    );
  });
});
