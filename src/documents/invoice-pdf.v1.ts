/**
 * Invoice PDF, template version `invoice-v1`: A4 letter in DIN 5008 form B (window envelope DL/C5/6
 * with a window on the left), PDF/A-3b. Never change what this file draws once invoices were
 * issued with it; a new layout is a new version (invoice-pdf.v2.ts) registered next to it.
 * The letter around the invoice (marks, letterhead, address field, info block, table, footer) is
 * drawn by letter-layout.ts, which is bound by the same rule.
 */
import type { DocumentLine, InvoiceDocumentData, Locale, VatGroup } from '../domain/invoice';
import { formatDate, formatMoney, formatNumber, formatPercent, formatPeriod } from './document-format';
import { checkInvoiceTotals } from './invoice-totals';
import {
  consumerDefaultText,
  INVOICE_LABELS,
  paymentInstructionText,
  reverseChargeText,
  type InvoiceLabels,
} from './invoice-texts';
import {
  bold,
  BODY_TOP,
  drawAddressField,
  drawFooters,
  drawInfoBlock,
  drawLetterhead,
  drawMarks,
  drawParagraph,
  drawTable,
  ensureSpace,
  LEFT,
  regular,
  RIGHT,
  rule,
  SIZE,
  WIDTH,
  type Doc,
  type InfoRow,
  type TableLayout,
} from './letter-layout';
import { createPdfDocument, mm, pdfToBuffer } from './pdf-document';

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

/** The info block rows. Ids (UUIDs) get a row of their own under the label. */
function infoRows(data: InvoiceDocumentData, labels: InvoiceLabels): InfoRow[] {
  const { locale } = data;
  const rows: InfoRow[] = [
    { label: labels.invoiceNumber, value: data.number },
    { label: labels.issuedOn, value: formatDate(data.issuedOn, locale) },
    { label: labels.dueOn, value: formatDate(data.dueOn, locale) },
    { label: labels.servicePeriod, value: formatPeriod(data.servicePeriod, locale) },
    { label: labels.customerNumber, value: data.customerId, wide: true },
    { label: labels.contract, value: data.contractId, wide: true },
  ];
  if (data.customer.vatId) rows.push({ label: labels.customerVatId, value: data.customer.vatId });
  rows.push({ label: labels.issuerVatId, value: data.issuer.vatId });
  return rows;
}

function tableLayout(labels: InvoiceLabels): TableLayout<Column> {
  return {
    columns: COLUMNS,
    headers: {
      description: labels.description,
      period: labels.period,
      quantity: labels.quantity,
      unitPrice: labels.unitPrice,
      net: labels.net,
      vatRate: labels.vatRate,
    },
  };
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
  rule(doc, labelX, y, RIGHT);
  y += mm(1.2);
  bold(doc, SIZE.text).text(labels.totalGross, labelX, y, { width: netX - labelX, lineBreak: false });
  doc.text(formatMoney(data.grossCents, locale), netX, y, { width: RIGHT - netX, align: 'right', lineBreak: false });
  return y + doc.currentLineHeight(true) + mm(6);
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
  drawLetterhead(doc, data.issuer);
  drawAddressField(doc, data.issuer, data.customer, data.locale);
  const infoBottom = drawInfoBlock(doc, infoRows(data, labels));

  let y = Math.max(BODY_TOP, infoBottom + mm(4));
  bold(doc, SIZE.title).text(`${labels.title} ${data.number}`, LEFT, y, { width: WIDTH, lineBreak: false });
  y += doc.currentLineHeight(true) + mm(5);

  y = drawTable(doc, tableLayout(labels), data.lines.map((invoiceLine) => lineCells(invoiceLine, data.locale)), y);
  y = drawTotals(doc, data, labels, y);
  y = drawParagraph(doc, paymentInstructionText(data), y, { heading: labels.payment });
  if (data.reverseCharge) y = drawParagraph(doc, reverseChargeText(data), y);
  if (data.consumerDefaultNotice) drawParagraph(doc, consumerDefaultText(data.locale), y);

  drawFooters(doc, data.issuer, labels);
  return pdfToBuffer(doc);
}

/** Template `invoice-v1`. */
export const INVOICE_PDF_V1 = { version: 'invoice-v1', render: renderV1 } as const;
