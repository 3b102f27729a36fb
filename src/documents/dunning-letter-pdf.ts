/**
 * The dunning letters (1. Mahnung, letzte Mahnung) as PDF/A-3b letters in DIN 5008 form B, in the
 * letter of the invoice and the account statement (letter-layout.ts): the open invoices, the
 * default interest booked with this letter per half-year period and its legal basis (§ 288 BGB),
 * the claim with this letter's fee and the flat fee of § 288 (5) BGB, how to pay, and in the final
 * letter the handover to a collection agency and, when announced, the credit-bureau notice of
 * § 31 (2) Nr. 4 BDSG. Nothing here computes money beyond adding up the given parts; data whose
 * parts do not add up is refused with InvalidDocumentDataError.
 *
 * Template `dunning-letter-v1`: a letter is kept as sent (retention), and the same data must give the
 * same bytes; like invoice-v1, change what this file draws only as a new version.
 */
import { compareLocalDates, daysBetween } from '../domain/calendar';
import type { Issuer, Locale } from '../domain/invoice';
import { formatBasisPoints, formatDate, formatMoney, formatNumber, formatPeriod, formatShortDate, InvalidDocumentDataError } from './document-format';
import {
  creditReportText,
  DUNNING_LABELS,
  dunningPaymentText,
  flatFeeText,
  handoverText,
  interestBasisText,
  introText,
  questionsText,
  salutation,
  type DunningLabels,
} from './dunning-texts';
import * as letter from './letter-layout';
import type { PostalAddress } from './letter-layout';
import { mm } from './pdf-document';

/** Everything a dunning letter is rendered from; amounts are integer cents. */
export interface DunningLetterData {
  readonly kind: 'first-letter' | 'final-letter';
  readonly issuer: Issuer;
  readonly recipient: PostalAddress;
  readonly locale: 'de' | 'en';
  readonly contractId: string;
  readonly customerType: 'business' | 'consumer';
  /** YYYY-MM-DD, the letter's date (also the PDF's creation date). */
  readonly letterOn: string;
  /** The open invoices; `feesCents` and `interestCents` include what this letter books. */
  readonly invoices: readonly { number: string; issuedOn: string; dueOn: string; grossCents: number; openCents: number; feesCents: number; interestCents: number }[];
  /** Interest booked with this letter, per half-year period: base rate + margin in basis points. */
  readonly interest: readonly { from: string; to: string; days: number; principalCents: number; ratePercentBasisPoints: number; cents: number }[];
  /** This letter's fee. */
  readonly feeCents: number;
  /** § 288 (5) BGB 40.00, business, booked once with the 1st letter (0 otherwise). */
  readonly flatFeeCents: number;
  /** Everything open now (principal + fees + interest). */
  readonly totalCents: number;
  /** YYYY-MM-DD */
  readonly payBy: string;
  /** Final letter: the day the claim goes to the collection agency, and that it will be reported to a credit bureau (§ 31 (2) Nr. 4 BDSG). */
  readonly handoverOn: string | null;
  readonly announceCreditReport: boolean;
}

/** The layout version of this file; store it with a letter that is kept. */
export const DUNNING_LETTER_TEMPLATE_VERSION = 'dunning-letter-v1';

type OpenInvoice = DunningLetterData['invoices'][number];
type InterestLine = DunningLetterData['interest'][number];

/** Widths in mm, left to right from 25 mm to 190 mm, 1 mm apart. */
const INVOICE_COLUMNS = letter.tableColumns({
  invoice: [24, 'left'],
  issuedOn: [22, 'left'],
  dueOn: [22, 'left'],
  gross: [23, 'right'],
  open: [23, 'right'],
  fees: [22, 'right'],
  interest: [23, 'right'],
});
type InvoiceColumn = keyof typeof INVOICE_COLUMNS;

const INTEREST_COLUMNS = letter.tableColumns({ period: [55, 'left'], days: [18, 'right'], principal: [30, 'right'], rate: [30, 'right'], interest: [28, 'right'] });
type InterestColumn = keyof typeof INTEREST_COLUMNS;

const sumOf = <T>(items: readonly T[], cents: (item: T) => number): number => items.reduce((total, item) => total + cents(item), 0);

/** The problems of a letter's data (empty: consistent). */
function dunningLetterProblems(data: DunningLetterData): string[] {
  const problems: string[] = [];
  const amounts: [string, number][] = [
    ['feeCents', data.feeCents],
    ['flatFeeCents', data.flatFeeCents],
    ['totalCents', data.totalCents],
    ...data.invoices.flatMap((invoice, i): [string, number][] => [
      [`invoices[${i}].grossCents`, invoice.grossCents],
      [`invoices[${i}].openCents`, invoice.openCents],
      [`invoices[${i}].feesCents`, invoice.feesCents],
      [`invoices[${i}].interestCents`, invoice.interestCents],
    ]),
    ...data.interest.flatMap((line, i): [string, number][] => [
      [`interest[${i}].principalCents`, line.principalCents],
      [`interest[${i}].cents`, line.cents],
      [`interest[${i}].ratePercentBasisPoints`, line.ratePercentBasisPoints],
    ]),
  ];
  for (const [field, value] of amounts) {
    if (!Number.isSafeInteger(value) || value < 0) problems.push(`${field} is not a whole number ≥ 0: ${String(value)}`);
  }
  if (problems.length > 0) return problems;

  if (data.invoices.length === 0) problems.push('no open invoice');
  const parts = sumOf(data.invoices, (invoice) => invoice.openCents + invoice.feesCents + invoice.interestCents);
  if (parts !== data.totalCents) problems.push(`total ${data.totalCents} ≠ sum of the open principal, fees and interest ${parts}`);
  if (data.totalCents <= 0) problems.push('nothing is open');
  // What this letter books is open now: a payment cannot have met it yet.
  const openFees = sumOf(data.invoices, (invoice) => invoice.feesCents);
  if (data.feeCents + data.flatFeeCents > openFees) problems.push(`this letter's fees ${data.feeCents + data.flatFeeCents} exceed the open fees ${openFees}`);
  const openInterest = sumOf(data.invoices, (invoice) => invoice.interestCents);
  const bookedInterest = sumOf(data.interest, (line) => line.cents);
  if (bookedInterest > openInterest) problems.push(`this letter's interest ${bookedInterest} exceeds the open interest ${openInterest}`);
  data.interest.forEach((line, i) => {
    // Both ends count: from D + 1 through the booking day (DOMAIN.md, "Dunning precision").
    const days = daysBetween(line.from, line.to) + 1;
    if (days < 1 || days !== line.days) problems.push(`interest[${i}]: ${line.from}–${line.to} has ${days} days, not ${line.days}`);
  });
  // § 288 (5) BGB: the flat fee is owed only by a debtor who is not a consumer.
  if (data.customerType === 'consumer' && data.flatFeeCents > 0) problems.push('a consumer owes no flat fee (§ 288 Abs. 5 BGB)');
  if (compareLocalDates(data.payBy, data.letterOn) <= 0) problems.push(`payBy ${data.payBy} is not after letterOn ${data.letterOn}`);
  if (data.kind === 'first-letter') {
    if (data.handoverOn !== null) problems.push('a first letter announces no handover');
    if (data.announceCreditReport) problems.push('a first letter announces no credit-bureau report');
  } else if (data.handoverOn === null) {
    problems.push('a final letter needs handoverOn');
  } else if (compareLocalDates(data.handoverOn, data.payBy) <= 0) {
    // Steps run at 00:00 local: a handover on the pay-by day would come before the payment.
    problems.push(`handoverOn ${data.handoverOn} is not after payBy ${data.payBy}`);
  }
  return problems;
}

function checkDunningLetter(data: DunningLetterData): void {
  let problems: string[];
  try {
    problems = dunningLetterProblems(data);
  } catch (error) {
    // parseLocalDate's RangeError for a date that is not YYYY-MM-DD.
    throw error instanceof InvalidDocumentDataError ? error : new InvalidDocumentDataError(error instanceof Error ? error.message : String(error));
  }
  if (problems.length > 0) throw new InvalidDocumentDataError(`Dunning letter for contract ${data.contractId}: ${problems.join('; ')}`);
}

/** Oldest first (issue date, then number): the order payments are applied in (§ 367 BGB). */
function oldestFirst(invoices: readonly OpenInvoice[]): OpenInvoice[] {
  return [...invoices].sort((a, b) => a.issuedOn.localeCompare(b.issuedOn) || a.number.localeCompare(b.number));
}

/** A bold section heading kept on one page with at least `rows` table rows under it; returns where the table goes. */
function drawSectionHeading(doc: letter.Doc, text: string, top: number, rows: number): number {
  letter.regular(doc, letter.SIZE.table);
  const row = doc.currentLineHeight(true) + mm(1.8);
  letter.bold(doc, letter.SIZE.text);
  const heading = doc.currentLineHeight(true) + mm(1.5);
  const y = letter.ensureSpace(doc, top, heading + (rows + 1) * row + mm(3)).y;
  doc.text(text, letter.LEFT, y, { width: letter.WIDTH, lineBreak: false });
  return y + heading;
}

function invoiceCells(invoice: OpenInvoice, locale: Locale): Record<InvoiceColumn, string> {
  return {
    invoice: invoice.number,
    issuedOn: formatShortDate(invoice.issuedOn, locale),
    dueOn: formatShortDate(invoice.dueOn, locale),
    gross: formatMoney(invoice.grossCents, locale),
    open: formatMoney(invoice.openCents, locale),
    fees: formatMoney(invoice.feesCents, locale),
    interest: formatMoney(invoice.interestCents, locale),
  };
}

/** The open invoices oldest first, with the sums of principal, fees and interest. */
function drawInvoices(doc: letter.Doc, data: DunningLetterData, labels: DunningLabels, top: number): number {
  const { locale } = data;
  const invoices = oldestFirst(data.invoices);
  let y = drawSectionHeading(doc, labels.openInvoices, top, Math.min(invoices.length, 2) + 1);
  const headers = {
    invoice: labels.invoice,
    issuedOn: labels.issuedOn,
    dueOn: labels.dueOn,
    gross: labels.gross,
    open: labels.openPrincipal,
    fees: labels.fees,
    interest: labels.interest,
  };
  y = letter.drawTable(doc, { columns: INVOICE_COLUMNS, headers }, invoices.map((invoice) => invoiceCells(invoice, locale)), y);
  if (invoices.length < 2) return y + mm(1);
  letter.bold(doc, letter.SIZE.table);
  y = letter.ensureSpace(doc, y, doc.currentLineHeight(true) + mm(2)).y;
  const money = (cents: (invoice: OpenInvoice) => number): string => formatMoney(sumOf(invoices, cents), locale);
  const sums = { invoice: labels.sum, issuedOn: '', dueOn: '', gross: '', open: money((i) => i.openCents), fees: money((i) => i.feesCents), interest: money((i) => i.interestCents) };
  return letter.drawTableRow(doc, INVOICE_COLUMNS, sums, y) + mm(4);
}

function interestCells(line: InterestLine, locale: Locale): Record<InterestColumn, string> {
  return {
    period: formatPeriod(line, locale),
    days: formatNumber(line.days, locale),
    principal: formatMoney(line.principalCents, locale),
    rate: formatBasisPoints(line.ratePercentBasisPoints, locale),
    interest: formatMoney(line.cents, locale),
  };
}

/** The interest booked with this letter, one row per period; nothing when there is none. */
function drawInterest(doc: letter.Doc, data: DunningLetterData, labels: DunningLabels, top: number): number {
  if (data.interest.length === 0) return top;
  const y = drawSectionHeading(doc, labels.interestHeading, top, Math.min(data.interest.length, 2));
  const headers = { period: labels.period, days: labels.days, principal: labels.principal, rate: labels.rate, interest: labels.interest };
  return letter.drawTable(doc, { columns: INTEREST_COLUMNS, headers }, data.interest.map((line) => interestCells(line, data.locale)), y) + mm(1);
}

/**
 * The claim in its parts, right-aligned under the amount columns: open principal, this letter's fee,
 * the flat fee, fees charged before, interest, and the total (the parts add up to it: checked).
 */
function drawClaim(doc: letter.Doc, data: DunningLetterData, labels: DunningLabels, top: number): number {
  const { locale } = data;
  const fees = sumOf(data.invoices, (invoice) => invoice.feesCents);
  // The principal always; the other parts where there are any.
  const parts: [string, number][] = [
    [labels.claimLetterFee, data.feeCents],
    [labels.claimFlatFee, data.flatFeeCents],
    [labels.claimEarlierFees, fees - data.feeCents - data.flatFeeCents],
    [labels.claimInterest, sumOf(data.invoices, (invoice) => invoice.interestCents)],
  ];
  const shown: [string, number][] = [[labels.claimPrincipal, sumOf(data.invoices, (invoice) => invoice.openCents)], ...parts.filter(([, cents]) => cents > 0)];
  const labelX = mm(95);
  const amountWidth = mm(30);
  const amountX = letter.RIGHT - amountWidth;
  letter.regular(doc, letter.SIZE.table);
  const rowHeight = doc.currentLineHeight(true) * 1.25;
  let y = letter.ensureSpace(doc, top, (shown.length + 3) * rowHeight + mm(4)).y;
  letter.bold(doc, letter.SIZE.text).text(labels.claim, labelX, y, { width: letter.RIGHT - labelX, lineBreak: false });
  y += rowHeight + mm(0.5);
  letter.regular(doc, letter.SIZE.table);
  for (const [label, cents] of shown) {
    doc.text(label, labelX, y, { width: amountX - labelX, lineBreak: false });
    doc.text(formatMoney(cents, locale), amountX, y, { width: amountWidth, align: 'right', lineBreak: false });
    y += rowHeight;
  }
  letter.rule(doc, labelX, y, letter.RIGHT);
  y += mm(1.2);
  letter.bold(doc, letter.SIZE.text).text(labels.claimTotal, labelX, y, { width: amountX - labelX, lineBreak: false });
  doc.text(formatMoney(data.totalCents, locale), amountX, y, { width: amountWidth, align: 'right', lineBreak: false });
  return y + doc.currentLineHeight(true) + mm(4);
}

/**
 * Renders a dunning letter as PDF/A-3b (A4, DIN 5008 form B, DejaVu Sans embedded).
 * Deterministic: the same data gives the same bytes (dates come from `letterOn`). Refuses data
 * whose total is not the sum of its open parts, fractional or negative cents, impossible dates,
 * a flat fee for a consumer, and a first letter that announces a handover or a final one without it.
 */
export function renderDunningLetterPdf(data: DunningLetterData): Promise<Buffer> {
  try {
    checkDunningLetter(data);
    const { locale } = data;
    const labels = DUNNING_LABELS[locale];
    const title = labels.title[data.kind];
    const letterOn = formatDate(data.letterOn, locale);
    const { doc, y: introTop } = letter.startLetter({
      issuer: data.issuer,
      recipient: data.recipient,
      locale,
      documentTitle: `${title} ${letterOn}`,
      createdOn: data.letterOn,
      infoRows: [
        { label: labels.letterOn, value: letterOn },
        { label: labels.payBy, value: formatDate(data.payBy, locale) },
        { label: labels.contract, value: data.contractId, wide: true },
        { label: labels.issuerVatId, value: data.issuer.vatId },
      ],
      heading: title,
      gapAfterHeadingMm: 2,
    });
    const opening = `${salutation(data.customerType, data.recipient.name, locale)}\n\n${introText(data.kind, data.contractId, locale)}`;
    let y = letter.drawParagraph(doc, opening, introTop);

    y = drawInvoices(doc, data, labels, y);
    y = drawInterest(doc, data, labels, y);
    y = drawClaim(doc, data, labels, y);
    const basis = [data.interest.length > 0 ? interestBasisText(data.customerType, locale) : null, data.flatFeeCents > 0 ? flatFeeText(data.flatFeeCents, locale) : null];
    const basisText = basis.filter((text): text is string => text !== null).join(' ');
    if (basisText !== '') y = letter.drawParagraph(doc, basisText, y, { size: letter.SIZE.small });

    // A transfer names the oldest open invoice: § 367 BGB applies payments to it, transfers are matched by number.
    const reference = oldestFirst(data.invoices)[0]?.number ?? data.contractId;
    const payment = dunningPaymentText({ issuer: data.issuer, totalCents: data.totalCents, payBy: data.payBy, letterOn: data.letterOn, reference, locale });
    y = letter.drawParagraph(doc, payment, y, { heading: labels.payment });
    if (data.handoverOn !== null) {
      y = letter.drawParagraph(doc, handoverText(data.payBy, data.handoverOn, locale), y);
      if (data.announceCreditReport) y = letter.drawParagraph(doc, creditReportText(data.handoverOn, locale), y);
    }
    // The closing never stands alone on a page: it keeps the last sentence with it.
    letter.drawParagraph(doc, `${questionsText(locale)}\n\n${labels.closing}\n${data.issuer.name}`, y);

    return letter.finishLetter(doc, data.issuer, labels);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
