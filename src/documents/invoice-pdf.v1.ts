/**
 * Invoice PDF, template version `invoice-v1`: A4 letter in DIN 5008 form B (window envelope DL/C5/6
 * with a window on the left), PDF/A-3b. Never change what this file draws once invoices were
 * issued with it; a new layout is a new version (invoice-pdf.v2.ts) registered next to it.
 *
 * Form B geometry (mm from the top-left corner): address field 20/45, 85 × 45 (5 mm inner margin,
 * a 17.7 mm remark zone with the return line, then the 27.3 mm address zone); info block 125/50;
 * fold marks 105 and 210, hole mark 148.5; text from 25 mm to 190 mm.
 */
import type { Country, DocumentLine, InvoiceDocumentData, Locale, VatGroup } from '../domain/invoice';
import { formatDate, formatIban, formatMoney, formatNumber, formatPercent, formatPeriod } from './document-format';
import { checkInvoiceTotals } from './invoice-totals';
import {
  consumerDefaultText,
  INVOICE_LABELS,
  paymentInstructionText,
  reverseChargeText,
  type InvoiceLabels,
} from './invoice-texts';
import { createPdfDocument, mm, PDF_FONTS, pdfToBuffer } from './pdf-document';

type Doc = PDFKit.PDFDocument;

const LEFT = mm(25);
const RIGHT = mm(190);
const WIDTH = RIGHT - LEFT;
const ADDRESS = { x: mm(20), y: mm(45), width: mm(85), height: mm(45), inset: mm(5), remarkZone: mm(17.7) };
const INFO = { x: mm(125), y: mm(50), labelWidth: mm(29), valueWidth: mm(36) };
const FOLD_MARKS_MM = [105, 210];
const HOLE_MARK_MM = 148.5;
const BODY_TOP = mm(98.5);
const CONTINUATION_TOP = mm(25);
const CONTENT_BOTTOM = mm(262);
const FOOTER_TOP = mm(272);
const GREY = '#555555';
/** Footer column widths (address, register, contact, bank); they add up to the text width. */
const FOOTER_COLUMNS = [mm(34), mm(42), mm(43), mm(46)];

const SIZE = { text: 9, small: 8, table: 8.5, footer: 6.5, returnLine: 7, address: 10, title: 14, letterhead: 16 };

/** Table columns: [x, width, align] between LEFT and RIGHT. */
const COLUMNS = {
  description: { x: mm(25), width: mm(61), align: 'left' },
  period: { x: mm(87), width: mm(33), align: 'left' },
  quantity: { x: mm(121), width: mm(12), align: 'right' },
  unitPrice: { x: mm(134), width: mm(20), align: 'right' },
  net: { x: mm(155), width: mm(22), align: 'right' },
  vatRate: { x: mm(178), width: mm(12), align: 'right' },
} as const;
type Column = keyof typeof COLUMNS;

// DIN 5008 / UPU: the destination country, in capitals, in the sender's language, as the last line.
const COUNTRY_NAMES: Readonly<Record<Locale, Readonly<Record<Country, string>>>> = {
  de: { DE: 'DEUTSCHLAND', AT: 'ÖSTERREICH' },
  en: { DE: 'GERMANY', AT: 'AUSTRIA' },
};

function regular(doc: Doc, size: number): Doc {
  return doc.font(PDF_FONTS.regular).fontSize(size).fillColor('black');
}
function bold(doc: Doc, size: number): Doc {
  return doc.font(PDF_FONTS.bold).fontSize(size).fillColor('black');
}

/** Shortens `text` with "…" until it fits `width` in the current font (deterministic, no wrapping). */
function fitToWidth(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let shortened = text;
  while (shortened.length > 1 && doc.widthOfString(`${shortened}…`) > width) shortened = shortened.slice(0, -1);
  return `${shortened.trimEnd()}…`;
}

function line(doc: Doc, x1: number, y: number, x2: number, width = 0.5): void {
  doc.moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor('black').stroke();
}

function drawMarks(doc: Doc): void {
  for (const at of FOLD_MARKS_MM) line(doc, mm(4), mm(at), mm(9), 0.3);
  line(doc, mm(4), mm(HOLE_MARK_MM), mm(12), 0.3);
}

function drawLetterhead(doc: Doc, data: InvoiceDocumentData): void {
  const { issuer } = data;
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
function drawAddressField(doc: Doc, data: InvoiceDocumentData): void {
  const { issuer, customer, locale } = data;
  const x = ADDRESS.x + ADDRESS.inset;
  const width = ADDRESS.width - 2 * ADDRESS.inset;
  const returnLine = [issuer.name, issuer.addressLine1, `${issuer.postalCode} ${issuer.city}`].join(' · ');
  regular(doc, SIZE.returnLine);
  const returnY = ADDRESS.y + ADDRESS.remarkZone - doc.currentLineHeight(true) - mm(1);
  doc.text(fitToWidth(doc, returnLine, width), x, returnY, { lineBreak: false });
  line(doc, x, returnY + doc.currentLineHeight(true) + mm(0.3), x + Math.min(width, doc.widthOfString(fitToWidth(doc, returnLine, width))), 0.3);

  const lines = [customer.name, customer.addressLine1, customer.addressLine2, `${customer.postalCode} ${customer.city}`];
  if (customer.country !== issuer.country) lines.push(COUNTRY_NAMES[locale][customer.country]);
  regular(doc, SIZE.address);
  let y = ADDRESS.y + ADDRESS.remarkZone + mm(1);
  for (const text of lines) {
    if (!text) continue;
    doc.text(fitToWidth(doc, text, width), x, y, { lineBreak: false });
    y += doc.currentLineHeight(true);
  }
}

/** The info block; returns its bottom edge. Ids (UUIDs) get a row of their own under the label. */
function drawInfoBlock(doc: Doc, data: InvoiceDocumentData, labels: InvoiceLabels): number {
  const { locale } = data;
  const rows: { label: string; value: string; wide?: boolean }[] = [
    { label: labels.invoiceNumber, value: data.number },
    { label: labels.issuedOn, value: formatDate(data.issuedOn, locale) },
    { label: labels.dueOn, value: formatDate(data.dueOn, locale) },
    { label: labels.servicePeriod, value: formatPeriod(data.servicePeriod, locale) },
    { label: labels.customerNumber, value: data.customerId, wide: true },
    { label: labels.contract, value: data.contractId, wide: true },
  ];
  if (data.customer.vatId) rows.push({ label: labels.customerVatId, value: data.customer.vatId });
  rows.push({ label: labels.issuerVatId, value: data.issuer.vatId });
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

function cell(doc: Doc, column: Column, text: string, y: number): number {
  const { x, width, align } = COLUMNS[column];
  doc.text(text, x, y, { width, align });
  return doc.y;
}

function drawTableHeader(doc: Doc, labels: InvoiceLabels, y: number): number {
  bold(doc, SIZE.table);
  let bottom = y;
  const headers: Record<Column, string> = {
    description: labels.description,
    period: labels.period,
    quantity: labels.quantity,
    unitPrice: labels.unitPrice,
    net: labels.net,
    vatRate: labels.vatRate,
  };
  for (const column of Object.keys(COLUMNS) as Column[]) bottom = Math.max(bottom, cell(doc, column, headers[column], y));
  line(doc, LEFT, bottom + mm(1), RIGHT);
  return bottom + mm(2.5);
}

function lineCells(line: DocumentLine, locale: Locale): Record<Column, string> {
  return {
    description: line.description,
    period: formatPeriod(line.servicePeriod, locale),
    quantity: formatNumber(line.quantity, locale),
    unitPrice: formatMoney(line.unitPriceCents, locale),
    net: formatMoney(line.netCents, locale),
    vatRate: formatPercent(line.vatRatePercent, locale),
  };
}

function rowHeight(doc: Doc, cells: Record<Column, string>): number {
  regular(doc, SIZE.table);
  let height = 0;
  for (const column of Object.keys(COLUMNS) as Column[]) {
    height = Math.max(height, doc.heightOfString(cells[column], { width: COLUMNS[column].width }));
  }
  return height;
}

/** Starts a continuation page when `height` does not fit below `y`; returns where to draw. */
function ensureSpace(doc: Doc, y: number, height: number): { y: number; newPage: boolean } {
  if (y + height <= CONTENT_BOTTOM) return { y, newPage: false };
  doc.addPage();
  return { y: CONTINUATION_TOP, newPage: true };
}

function drawLines(doc: Doc, data: InvoiceDocumentData, labels: InvoiceLabels, top: number): number {
  let y = drawTableHeader(doc, labels, top);
  for (const invoiceLine of data.lines) {
    const cells = lineCells(invoiceLine, data.locale);
    const height = rowHeight(doc, cells);
    const space = ensureSpace(doc, y, height + mm(2));
    y = space.newPage ? drawTableHeader(doc, labels, space.y) : space.y;
    regular(doc, SIZE.table);
    let bottom = y;
    for (const column of Object.keys(COLUMNS) as Column[]) bottom = Math.max(bottom, cell(doc, column, cells[column], y));
    y = bottom + mm(1.8);
  }
  line(doc, LEFT, y - mm(0.8), RIGHT);
  return y + mm(2);
}

function vatRateLabel(group: VatGroup, data: InvoiceDocumentData): string {
  const rate = formatPercent(group.ratePercent, data.locale);
  return group.category === 'AE' ? `${rate} (Reverse Charge)` : rate;
}

/** VAT per rate, then the totals, right-aligned under the amount columns. */
function drawTotals(doc: Doc, data: InvoiceDocumentData, labels: InvoiceLabels, top: number): number {
  const { locale } = data;
  const labelX = mm(100);
  const amountWidth = mm(25);
  const vatX = RIGHT - amountWidth;
  const netX = vatX - amountWidth - mm(2);
  regular(doc, SIZE.table);
  const rowHeight = doc.currentLineHeight(true) * 1.3;
  let y = ensureSpace(doc, top, (data.vatGroups.length + 5) * rowHeight + mm(6)).y;

  const row = (label: string, amounts: [number | null, number], y: number): void => {
    doc.text(label, labelX, y, { width: netX - labelX, lineBreak: false });
    if (amounts[0] !== null) doc.text(formatMoney(amounts[0], locale), netX, y, { width: amountWidth, align: 'right', lineBreak: false });
    doc.text(formatMoney(amounts[1], locale), vatX, y, { width: amountWidth, align: 'right', lineBreak: false });
  };
  bold(doc, SIZE.table).text(labels.vatSummary, labelX, y, { width: netX - labelX, lineBreak: false });
  doc.text(labels.netAmount, netX, y, { width: amountWidth, align: 'right', lineBreak: false });
  doc.text(labels.vatAmount, vatX, y, { width: amountWidth, align: 'right', lineBreak: false });
  y += rowHeight;
  regular(doc, SIZE.table);
  for (const group of data.vatGroups) {
    row(vatRateLabel(group, data), [group.netCents, group.vatCents], y);
    y += rowHeight;
  }
  y += mm(2);
  row(labels.totalNet, [null, data.netCents], y);
  y += rowHeight;
  row(labels.totalVat, [null, data.vatCents], y);
  y += rowHeight;
  line(doc, labelX, y, RIGHT);
  y += mm(1.2);
  bold(doc, SIZE.text).text(labels.totalGross, labelX, y, { width: netX - labelX, lineBreak: false });
  doc.text(formatMoney(data.grossCents, locale), netX, y, { width: RIGHT - netX, align: 'right', lineBreak: false });
  return y + doc.currentLineHeight(true) + mm(6);
}

function drawParagraph(doc: Doc, text: string, top: number, options: { heading?: string } = {}): number {
  regular(doc, SIZE.text);
  const height = doc.heightOfString(text, { width: WIDTH }) + (options.heading ? doc.currentLineHeight(true) : 0);
  let y = ensureSpace(doc, top, height).y;
  if (options.heading) {
    bold(doc, SIZE.text).text(options.heading, LEFT, y, { width: WIDTH, lineBreak: false });
    y += doc.currentLineHeight(true) + mm(0.5);
  }
  regular(doc, SIZE.text).text(text, LEFT, y, { width: WIDTH });
  return doc.y + mm(3);
}

function drawFooter(doc: Doc, data: InvoiceDocumentData, labels: InvoiceLabels, page: number, pages: number): void {
  const { issuer } = data;
  regular(doc, SIZE.footer).fillColor(GREY);
  doc.text(labels.page(page, pages), LEFT, FOOTER_TOP - mm(5), { width: WIDTH, align: 'right', lineBreak: false });
  line(doc, LEFT, FOOTER_TOP - mm(1.5), RIGHT, 0.3);
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

async function renderV1(data: InvoiceDocumentData): Promise<Buffer> {
  checkInvoiceTotals(data);
  const labels = INVOICE_LABELS[data.locale];
  const doc = createPdfDocument({
    title: `${labels.title} ${data.number}`,
    lang: data.locale === 'de' ? 'de-DE' : 'en-GB',
    createdOn: data.issuedOn,
    bufferPages: true,
  });

  drawMarks(doc);
  drawLetterhead(doc, data);
  drawAddressField(doc, data);
  const infoBottom = drawInfoBlock(doc, data, labels);

  let y = Math.max(BODY_TOP, infoBottom + mm(4));
  bold(doc, SIZE.title).text(`${labels.title} ${data.number}`, LEFT, y, { width: WIDTH, lineBreak: false });
  y += doc.currentLineHeight(true) + mm(5);

  y = drawLines(doc, data, labels, y);
  y = drawTotals(doc, data, labels, y);
  y = drawParagraph(doc, paymentInstructionText(data), y, { heading: labels.payment });
  if (data.reverseCharge) y = drawParagraph(doc, reverseChargeText(data), y);
  if (data.consumerDefaultNotice) drawParagraph(doc, consumerDefaultText(data.locale), y);

  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    drawFooter(doc, data, labels, index - start + 1, count);
  }
  return pdfToBuffer(doc);
}

/** Template `invoice-v1`. */
export const INVOICE_PDF_V1 = { version: 'invoice-v1', render: renderV1 } as const;
