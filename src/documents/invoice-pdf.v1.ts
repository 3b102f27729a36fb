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
  drawParagraph,
  drawTable,
  ensureSpace,
  finishLetter,
  regular,
  RIGHT,
  rule,
  SIZE,
  startLetter,
  tableColumns,
  type Doc,
  type InfoRow,
  type TableLayout,
} from './letter-layout';
import { mm } from './pdf-document';

/** Table columns: width in mm and alignment, left to right (description at 25 mm, … VAT rate ending at 190 mm). */
const COLUMNS = tableColumns({ description: [61, 'left'], period: [33, 'left'], quantity: [12, 'right'], unitPrice: [20, 'right'], net: [22, 'right'], vatRate: [12, 'right'] });
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
  const { doc, y: bodyTop } = startLetter({
    issuer: data.issuer,
    recipient: data.customer,
    locale: data.locale,
    documentTitle: `${labels.title} ${data.number}`,
    createdOn: data.issuedOn,
    infoRows: infoRows(data, labels),
    heading: `${labels.title} ${data.number}`,
    gapAfterHeadingMm: 5,
  });

  let y = drawTable(doc, tableLayout(labels), data.lines.map((invoiceLine) => lineCells(invoiceLine, data.locale)), bodyTop);
  y = drawTotals(doc, data, labels, y);
  y = drawParagraph(doc, paymentInstructionText(data), y, { heading: labels.payment });
  if (data.reverseCharge) y = drawParagraph(doc, reverseChargeText(data), y);
  if (data.consumerDefaultNotice) drawParagraph(doc, consumerDefaultText(data.locale), y);

  return finishLetter(doc, data.issuer, labels);
}

/** Template `invoice-v1`. */
export const INVOICE_PDF_V1 = { version: 'invoice-v1', render: renderV1 } as const;
