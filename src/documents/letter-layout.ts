/**
 * The letter around a document: A4 in DIN 5008 form B (window envelope DL/C5/6 with a window on
 * the left) — fold and hole marks, letterhead, address field, info block, tables that break across
 * pages, the issuer footer with "page x of n". Shared by invoice-v1, the account statement and the
 * dunning letters.
 *
 * invoice-v1 draws with these functions, and an invoice must render to the same bytes years later:
 * never change what one of them draws. A new look is a new function (and a new invoice version).
 *
 * Form B geometry (mm from the top-left corner): address field 20/45, 85 × 45 (5 mm inner margin,
 * a 17.7 mm remark zone with the return line, then the 27.3 mm address zone); info block 125/50;
 * fold marks 105 and 210, hole mark 148.5; text from 25 mm to 190 mm.
 */
import type { LocalDate } from '../domain/calendar';
import type { Country, InvoiceParty, Issuer, Locale } from '../domain/invoice';
import { formatIban } from './document-format';
import { createPdfDocument, mm, PDF_FONTS, pdfToBuffer } from './pdf-document';

export type Doc = PDFKit.PDFDocument;

const TEXT_LEFT_MM = 25;
const TEXT_RIGHT_MM = 190;
export const LEFT = mm(TEXT_LEFT_MM);
export const RIGHT = mm(TEXT_RIGHT_MM);
export const WIDTH = RIGHT - LEFT;
const ADDRESS = { x: mm(20), y: mm(45), width: mm(85), height: mm(45), inset: mm(5), remarkZone: mm(17.7) };
const INFO = { x: mm(125), y: mm(50), labelWidth: mm(29), valueWidth: mm(36) };
const FOLD_MARKS_MM = [105, 210];
const HOLE_MARK_MM = 148.5;
/** Where the body starts on the first page (below the address field and the info block). */
const BODY_TOP = mm(98.5);
/** Where the body starts on a continuation page. */
export const CONTINUATION_TOP = mm(25);
/** Nothing of the body is drawn below this line: the footer follows. */
export const CONTENT_BOTTOM = mm(262);
const FOOTER_TOP = mm(272);
const GREY = '#555555';
/** Footer column widths (address, register, contact, bank); they add up to the text width. */
const FOOTER_COLUMNS = [mm(34), mm(42), mm(43), mm(46)];

/** Font sizes in points. */
export const SIZE = { text: 9, small: 8, table: 8.5, footer: 6.5, returnLine: 7, address: 10, title: 14, letterhead: 16 } as const;

// DIN 5008 / UPU: the destination country, in capitals, in the sender's language, as the last line.
const COUNTRY_NAMES: Readonly<Record<Locale, Readonly<Record<Country, string>>>> = {
  de: { DE: 'DEUTSCHLAND', AT: 'ÖSTERREICH' },
  en: { DE: 'GERMANY', AT: 'AUSTRIA' },
};

/** The recipient as printed in the address field. */
export type PostalAddress = Pick<InvoiceParty, 'name' | 'addressLine1' | 'addressLine2' | 'postalCode' | 'city' | 'country'>;

/** The footer's fixed texts. */
export interface LetterLabels {
  readonly page: (page: number, pages: number) => string;
  readonly managingDirectors: string;
  readonly vatIdShort: string;
  readonly phone: string;
}

export function regular(doc: Doc, size: number): Doc {
  return doc.font(PDF_FONTS.regular).fontSize(size).fillColor('black');
}
export function bold(doc: Doc, size: number): Doc {
  return doc.font(PDF_FONTS.bold).fontSize(size).fillColor('black');
}

/** Shortens `text` with "…" until it fits `width` in the current font (deterministic, no wrapping). */
function fitToWidth(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let shortened = text;
  while (shortened.length > 1 && doc.widthOfString(`${shortened}…`) > width) shortened = shortened.slice(0, -1);
  return `${shortened.trimEnd()}…`;
}

/** A horizontal rule from `x1` to `x2` at `y`. */
export function rule(doc: Doc, x1: number, y: number, x2: number, width = 0.5): void {
  doc.moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor('black').stroke();
}

/** Fold marks (105, 210 mm) and the hole mark (148.5 mm) at the left edge. */
function drawMarks(doc: Doc): void {
  for (const at of FOLD_MARKS_MM) rule(doc, mm(4), mm(at), mm(9), 0.3);
  rule(doc, mm(4), mm(HOLE_MARK_MM), mm(12), 0.3);
}

/** The issuer's name top left, its address and contact above the info block. */
function drawLetterhead(doc: Doc, issuer: Issuer): void {
  bold(doc, SIZE.letterhead);
  doc.text(fitToWidth(doc, issuer.name, mm(95)), LEFT, mm(15), { lineBreak: false });
  regular(doc, SIZE.small).fillColor(GREY);
  const contact = [issuer.addressLine1, issuer.addressLine2, `${issuer.postalCode} ${issuer.city}`, issuer.phone, issuer.email, issuer.website];
  let y = mm(15);
  for (const entry of contact) {
    if (!entry) continue;
    doc.text(fitToWidth(doc, entry, INFO.labelWidth + INFO.valueWidth), INFO.x, y, { lineBreak: false });
    y += doc.currentLineHeight(true);
  }
}

/** Address field: return line in the remark zone, then the recipient in the address zone. */
function drawAddressField(doc: Doc, issuer: Issuer, recipient: PostalAddress, locale: Locale): void {
  const x = ADDRESS.x + ADDRESS.inset;
  const width = ADDRESS.width - 2 * ADDRESS.inset;
  const returnLine = [issuer.name, issuer.addressLine1, `${issuer.postalCode} ${issuer.city}`].join(' · ');
  regular(doc, SIZE.returnLine);
  const returnY = ADDRESS.y + ADDRESS.remarkZone - doc.currentLineHeight(true) - mm(1);
  doc.text(fitToWidth(doc, returnLine, width), x, returnY, { lineBreak: false });
  rule(doc, x, returnY + doc.currentLineHeight(true) + mm(0.3), x + Math.min(width, doc.widthOfString(fitToWidth(doc, returnLine, width))), 0.3);

  const lines = [recipient.name, recipient.addressLine1, recipient.addressLine2, `${recipient.postalCode} ${recipient.city}`];
  if (recipient.country !== issuer.country) lines.push(COUNTRY_NAMES[locale][recipient.country]);
  regular(doc, SIZE.address);
  let y = ADDRESS.y + ADDRESS.remarkZone + mm(1);
  for (const text of lines) {
    if (!text) continue;
    doc.text(fitToWidth(doc, text, width), x, y, { lineBreak: false });
    y += doc.currentLineHeight(true);
  }
}

/** One row of the info block; `wide` values (UUIDs) get a row of their own under the label. */
export interface InfoRow {
  readonly label: string;
  readonly value: string;
  readonly wide?: boolean;
}

/** The info block right of the address field; returns its bottom edge. */
function drawInfoBlock(doc: Doc, rows: readonly InfoRow[]): number {
  const fullWidth = INFO.labelWidth + INFO.valueWidth;
  let y = INFO.y;
  for (const { label, value, wide } of rows) {
    regular(doc, SIZE.small).fillColor(GREY);
    doc.text(fitToWidth(doc, label, wide ? fullWidth : INFO.labelWidth - mm(1)), INFO.x, y, { lineBreak: false });
    if (wide) {
      y += doc.currentLineHeight(true);
      regular(doc, SIZE.small);
      doc.text(fitToWidth(doc, value, fullWidth), INFO.x, y, { lineBreak: false });
    } else {
      regular(doc, SIZE.small).text(fitToWidth(doc, value, INFO.valueWidth), INFO.x + INFO.labelWidth, y, { lineBreak: false });
    }
    y += doc.currentLineHeight(true) + mm(0.6);
  }
  return y;
}

/** The first page of a letter. */
export interface LetterStart {
  readonly issuer: Issuer;
  readonly recipient: PostalAddress;
  readonly locale: Locale;
  /** Title in the PDF's metadata. */
  readonly documentTitle: string;
  /** The document's date: fixes its creation date, so the same data gives the same bytes. */
  readonly createdOn: LocalDate;
  readonly infoRows: readonly InfoRow[];
  /** The bold heading over the body, e.g. "Rechnung 2027-000001". */
  readonly heading: string;
  /** Space between the heading and what follows, in mm. */
  readonly gapAfterHeadingMm: number;
}

/**
 * A new PDF/A-3b letter with its first page drawn down to the heading: marks, letterhead,
 * address field, info block, heading. Returns the document and where the body starts.
 */
export function startLetter(start: LetterStart): { doc: Doc; y: number } {
  const doc = createPdfDocument({
    title: start.documentTitle,
    lang: start.locale === 'de' ? 'de-DE' : 'en-GB',
    createdOn: start.createdOn,
    bufferPages: true,
  });
  drawMarks(doc);
  drawLetterhead(doc, start.issuer);
  drawAddressField(doc, start.issuer, start.recipient, start.locale);
  const infoBottom = drawInfoBlock(doc, start.infoRows);
  const y = Math.max(BODY_TOP, infoBottom + mm(4));
  bold(doc, SIZE.title).text(start.heading, LEFT, y, { width: WIDTH, lineBreak: false });
  return { doc, y: y + (doc.currentLineHeight(true) + mm(start.gapAfterHeadingMm)) };
}

/** Starts a continuation page when `height` does not fit below `y`; returns where to draw. */
export function ensureSpace(doc: Doc, y: number, height: number): { y: number; newPage: boolean } {
  if (y + height <= CONTENT_BOTTOM) return { y, newPage: false };
  doc.addPage();
  return { y: CONTINUATION_TOP, newPage: true };
}

/**
 * A paragraph over the text width, with an optional bold heading, kept on one page; returns the next y.
 * `size` (default SIZE.text) sets a smaller type for legal notes.
 */
export function drawParagraph(doc: Doc, text: string, top: number, options: { heading?: string; size?: number } = {}): number {
  const size = options.size ?? SIZE.text;
  regular(doc, size);
  const height = doc.heightOfString(text, { width: WIDTH }) + (options.heading ? doc.currentLineHeight(true) : 0);
  let y = ensureSpace(doc, top, height).y;
  if (options.heading) {
    bold(doc, size).text(options.heading, LEFT, y, { width: WIDTH, lineBreak: false });
    y += doc.currentLineHeight(true) + mm(0.5);
  }
  regular(doc, size).text(text, LEFT, y, { width: WIDTH });
  return doc.y + mm(3);
}

/** A table column between LEFT and RIGHT. */
export interface TableColumn {
  readonly x: number;
  readonly width: number;
  readonly align: 'left' | 'right';
}

/**
 * Table columns left to right from LEFT, 1 mm apart, from their widths in mm; they must end at RIGHT.
 * `{ description: [61, 'left'], period: [33, 'left'], … }` → description at 25 mm, period at 87 mm, …
 */
export function tableColumns<K extends string>(widths: Readonly<Record<K, readonly [number, 'left' | 'right']>>): Record<K, TableColumn> {
  const columns = {} as Record<K, TableColumn>;
  let xMm = TEXT_LEFT_MM;
  for (const key of Object.keys(widths) as K[]) {
    const [widthMm, align] = widths[key];
    columns[key] = { x: mm(xMm), width: mm(widthMm), align };
    xMm += widthMm + 1;
  }
  if (xMm - 1 !== TEXT_RIGHT_MM) throw new RangeError(`Table columns end at ${xMm - 1} mm, not at ${TEXT_RIGHT_MM} mm`);
  return columns;
}

/** A table: its columns and their headers, keyed alike. */
export interface TableLayout<K extends string> {
  readonly columns: Readonly<Record<K, TableColumn>>;
  readonly headers: Readonly<Record<K, string>>;
}

/** Draws one row of cells (wrapping within each column) in the current font; returns its bottom edge. */
export function drawTableRow<K extends string>(doc: Doc, columns: Readonly<Record<K, TableColumn>>, cells: Readonly<Record<K, string>>, y: number): number {
  let bottom = y;
  for (const column of Object.keys(columns) as K[]) {
    const { x, width, align } = columns[column];
    doc.text(cells[column], x, y, { width, align });
    bottom = Math.max(bottom, doc.y);
  }
  return bottom;
}

/** The bold header row with a rule under it; returns where the first row goes. */
function drawTableHeader<K extends string>(doc: Doc, table: TableLayout<K>, y: number): number {
  bold(doc, SIZE.table);
  const bottom = drawTableRow(doc, table.columns, table.headers, y);
  rule(doc, LEFT, bottom + mm(1), RIGHT);
  return bottom + mm(2.5);
}

function rowHeight<K extends string>(doc: Doc, columns: Readonly<Record<K, TableColumn>>, cells: Readonly<Record<K, string>>): number {
  regular(doc, SIZE.table);
  let height = 0;
  for (const column of Object.keys(columns) as K[]) {
    height = Math.max(height, doc.heightOfString(cells[column], { width: columns[column].width }));
  }
  return height;
}

/**
 * The header, then the rows; a row that does not fit starts a continuation page with the header
 * repeated (and whatever `onContinuation` draws under it, e.g. the balance brought forward, given
 * the index of the row to come). Ends with a rule; returns the next y.
 */
export function drawTable<K extends string>(
  doc: Doc,
  table: TableLayout<K>,
  rows: readonly Readonly<Record<K, string>>[],
  top: number,
  onContinuation?: (y: number, nextRow: number) => number,
): number {
  let y = drawTableHeader(doc, table, top);
  rows.forEach((cells, index) => {
    const height = rowHeight(doc, table.columns, cells);
    const space = ensureSpace(doc, y, height + mm(2));
    if (space.newPage) {
      y = drawTableHeader(doc, table, space.y);
      if (onContinuation) y = onContinuation(y, index);
    } else {
      y = space.y;
    }
    regular(doc, SIZE.table);
    y = drawTableRow(doc, table.columns, cells, y) + mm(1.8);
  });
  rule(doc, LEFT, y - mm(0.8), RIGHT);
  return y + mm(2);
}

function drawFooter(doc: Doc, issuer: Issuer, labels: LetterLabels, page: number, pages: number): void {
  regular(doc, SIZE.footer).fillColor(GREY);
  doc.text(labels.page(page, pages), LEFT, FOOTER_TOP - mm(5), { width: WIDTH, align: 'right', lineBreak: false });
  rule(doc, LEFT, FOOTER_TOP - mm(1.5), RIGHT, 0.3);
  const columns: (string | null)[][] = [
    [issuer.name, issuer.addressLine1, issuer.addressLine2, `${issuer.postalCode} ${issuer.city}`],
    [issuer.register, `${labels.managingDirectors}: ${issuer.managingDirectors}`],
    [`${labels.vatIdShort} ${issuer.vatId}`, `${labels.phone} ${issuer.phone}`, issuer.email, issuer.website],
    // No-break spaces: an IBAN never wraps.
    [issuer.bankName, `IBAN\u00a0${formatIban(issuer.iban, '\u00a0')}`, `BIC ${issuer.bic}`],
  ];
  let x = LEFT;
  columns.forEach((entries, index) => {
    const width = FOOTER_COLUMNS[index] ?? 0;
    let y = FOOTER_TOP;
    for (const entry of entries) {
      if (!entry) continue;
      regular(doc, SIZE.footer).fillColor(GREY).text(entry, x, y, { width: width - mm(2) });
      y = doc.y;
    }
    x += width;
  });
}

/** Draws the issuer footer with "page x of n" on every page, ends the document and returns its bytes. */
export function finishLetter(doc: Doc, issuer: Issuer, labels: LetterLabels): Promise<Buffer> {
  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    drawFooter(doc, issuer, labels, index - start + 1, count);
  }
  return pdfToBuffer(doc);
}
