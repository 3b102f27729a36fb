/**
 * The debtor account statement (Kontoauszug) as a PDF/A-3b letter in DIN 5008 form B, in the
 * letter of the invoice (letter-layout.ts): the bookings with debit, credit and running balance,
 * the closing balance in words, the open items, and how to pay a balance due.
 * Nothing here computes money beyond adding up the given entries; data whose balance is not the
 * sum of its entries is refused.
 */
import type { Issuer, Locale } from '../domain/invoice';
import { formatDate, formatMoney, formatShortDate, InvalidDocumentDataError } from './document-format';
import * as letter from './letter-layout';
import { mm, PDF_FONTS } from './pdf-document';
import { closingBalanceText, STATEMENT_LABELS, statementPaymentText, type StatementEntryType, type StatementLabels } from './statement-texts';

/** One booking on the debtor account; `amountCents` > 0 raises what the customer owes, < 0 lowers it. */
export interface StatementLine {
  readonly bookedOn: string;
  readonly type: StatementEntryType;
  readonly description: string;
  /** PSP payment id, SEPA end-to-end id or bank reference (payments, chargebacks). */
  readonly reference: string | null;
  readonly invoiceNumber: string | null;
  readonly amountCents: number;
}

/** An invoice not paid in full on the statement date: its principal, fees and interest still open. */
export interface StatementOpenItem {
  readonly invoiceNumber: string;
  readonly issuedOn: string;
  readonly dueOn: string;
  readonly openCents: number;
  readonly feesCents: number;
  readonly interestCents: number;
}

/** Everything a statement is rendered from. */
export interface StatementDocumentData {
  readonly issuer: Issuer;
  readonly recipient: letter.PostalAddress;
  readonly locale: Locale;
  readonly contractId: string;
  /** YYYY-MM-DD, the statement date (also the PDF's creation date). */
  readonly statementOn: string;
  /** In booking order; the running balance follows this order. */
  readonly entries: readonly StatementLine[];
  /** Sum of the entries; > 0 the customer owes, < 0 credit. */
  readonly balanceCents: number;
  readonly openItems: readonly StatementOpenItem[];
  readonly currency: 'EUR';
}

/** Widths in mm, left to right from 25 mm to 190 mm, 1 mm apart. */
const COLUMNS = letter.tableColumns({ bookedOn: [20, 'left'], text: [80, 'left'], debit: [20, 'right'], credit: [20, 'right'], balance: [21, 'right'] });
type Column = keyof typeof COLUMNS;

const OPEN_ITEM_COLUMNS = letter.tableColumns({
  invoice: [24, 'left'],
  issuedOn: [22, 'left'],
  dueOn: [22, 'left'],
  open: [23, 'right'],
  fees: [22, 'right'],
  interest: [22, 'right'],
  total: [24, 'right'],
});
type OpenItemColumn = keyof typeof OPEN_ITEM_COLUMNS;

/** Refuses a statement whose balance is not the sum of its entries (fractional cents fail in formatMoney). */
function checkStatement(data: StatementDocumentData): void {
  const sum = data.entries.reduce((total, entry) => total + entry.amountCents, 0);
  if (sum !== data.balanceCents) {
    throw new InvalidDocumentDataError(`Statement of contract ${data.contractId}: balance ${data.balanceCents} ≠ sum of its entries ${sum}`);
  }
}

/** The balance after each entry, in the entries' order. */
function runningBalances(entries: readonly StatementLine[]): number[] {
  let balance = 0;
  return entries.map((entry) => (balance += entry.amountCents));
}

/**
 * "Zahlung: Überweisung", then "Rechnung 2027-000001 · Referenz E2E-4711" on a line of its own, or
 * on two lines where one would wrap (a wrap would split a reference at its hyphens). The type is
 * not said twice (a description "Rechnung 2027-000001" stays as it is), nor a number the
 * description already names.
 */
function entryText(doc: letter.Doc, entry: StatementLine, labels: StatementLabels): string {
  const type = labels.types[entry.type];
  const description = entry.description.trim();
  const head = description === '' ? type : description.toLowerCase().startsWith(type.toLowerCase()) ? description : `${type}: ${description}`;
  const refs: string[] = [];
  if (entry.invoiceNumber && !description.includes(entry.invoiceNumber)) refs.push(`${labels.invoice} ${entry.invoiceNumber}`);
  if (entry.reference && entry.reference !== entry.invoiceNumber && !description.includes(entry.reference)) refs.push(`${labels.reference} ${entry.reference}`);
  if (refs.length === 0) return head;
  // Measuring only: font() and fontSize() write nothing into the page.
  doc.font(PDF_FONTS.regular).fontSize(letter.SIZE.table);
  const oneLine = refs.join(' · ');
  return `${head}\n${doc.widthOfString(oneLine) <= COLUMNS.text.width ? oneLine : refs.join('\n')}`;
}

function entryCells(doc: letter.Doc, entry: StatementLine, balanceCents: number, labels: StatementLabels, locale: Locale): Record<Column, string> {
  return {
    bookedOn: formatShortDate(entry.bookedOn, locale),
    text: entryText(doc, entry, labels),
    debit: entry.amountCents > 0 ? formatMoney(entry.amountCents, locale) : '',
    credit: entry.amountCents < 0 ? formatMoney(-entry.amountCents, locale) : '',
    balance: formatMoney(balanceCents, locale),
  };
}

function drawEntries(doc: letter.Doc, data: StatementDocumentData, labels: StatementLabels, top: number): number {
  const { locale } = data;
  const balances = runningBalances(data.entries);
  const table: letter.TableLayout<Column> = {
    columns: COLUMNS,
    headers: { bookedOn: labels.bookedOn, text: labels.text, debit: labels.debit, credit: labels.credit, balance: labels.balance },
  };
  const rows = data.entries.map((entry, index) => entryCells(doc, entry, balances[index] ?? 0, labels, locale));
  // A continuation page starts with the balance carried over from the page before.
  const broughtForward = (y: number, nextRow: number): number => {
    const carried = nextRow === 0 ? 0 : (balances[nextRow - 1] ?? 0);
    letter.regular(doc, letter.SIZE.table);
    const cells = { bookedOn: '', text: labels.broughtForward, debit: '', credit: '', balance: formatMoney(carried, locale) };
    return letter.drawTableRow(doc, COLUMNS, cells, y) + mm(1.8);
  };
  return letter.drawTable(doc, table, rows, top, broughtForward);
}

function drawClosingBalance(doc: letter.Doc, data: StatementDocumentData, top: number): number {
  letter.bold(doc, letter.SIZE.text);
  const y = letter.ensureSpace(doc, top, doc.currentLineHeight(true)).y;
  doc.text(closingBalanceText(data.balanceCents, data.locale), letter.LEFT, y, { width: letter.WIDTH, lineBreak: false });
  return y + doc.currentLineHeight(true) + mm(6);
}

const openItemTotal = (item: StatementOpenItem): number => item.openCents + item.feesCents + item.interestCents;

function openItemCells(item: StatementOpenItem, locale: Locale): Record<OpenItemColumn, string> {
  return {
    invoice: item.invoiceNumber,
    issuedOn: formatShortDate(item.issuedOn, locale),
    dueOn: formatShortDate(item.dueOn, locale),
    open: formatMoney(item.openCents, locale),
    fees: formatMoney(item.feesCents, locale),
    interest: formatMoney(item.interestCents, locale),
    total: formatMoney(openItemTotal(item), locale),
  };
}

/** Oldest first (issue date, then number): the order payments are applied in (§ 367 BGB). */
function oldestFirst(openItems: readonly StatementOpenItem[]): StatementOpenItem[] {
  return [...openItems].sort((a, b) => a.issuedOn.localeCompare(b.issuedOn) || a.invoiceNumber.localeCompare(b.invoiceNumber));
}

/** The open items (principal, fees, interest per invoice) with their sums; nothing when there are none. */
function drawOpenItems(doc: letter.Doc, data: StatementDocumentData, labels: StatementLabels, top: number): number {
  const { locale } = data;
  const openItems = oldestFirst(data.openItems);
  if (openItems.length === 0) return top;
  // The section in one piece where it fits on a page, else at least heading, header and two rows.
  letter.regular(doc, letter.SIZE.table);
  const row = doc.currentLineHeight(true) + mm(1.8);
  letter.bold(doc, letter.SIZE.text);
  const heading = doc.currentLineHeight(true) + mm(1.5);
  const whole = heading + (openItems.length + 2) * row + mm(5);
  let y = letter.ensureSpace(doc, top, whole <= letter.CONTENT_BOTTOM - letter.CONTINUATION_TOP ? whole : heading + 4 * row).y;
  doc.text(labels.openItems, letter.LEFT, y, { width: letter.WIDTH, lineBreak: false });
  y += doc.currentLineHeight(true) + mm(1.5);
  const table: letter.TableLayout<OpenItemColumn> = {
    columns: OPEN_ITEM_COLUMNS,
    headers: {
      invoice: labels.invoice,
      issuedOn: labels.issuedOn,
      dueOn: labels.dueOn,
      open: labels.openPrincipal,
      fees: labels.fees,
      interest: labels.interest,
      total: labels.total,
    },
  };
  y = letter.drawTable(doc, table, openItems.map((item) => openItemCells(item, locale)), y);
  const sum = (cents: (item: StatementOpenItem) => number): string => formatMoney(openItems.reduce((total, item) => total + cents(item), 0), locale);
  letter.bold(doc, letter.SIZE.table);
  y = letter.ensureSpace(doc, y, doc.currentLineHeight(true) + mm(2)).y;
  const totals = {
    invoice: labels.sum,
    issuedOn: '',
    dueOn: '',
    open: sum((item) => item.openCents),
    fees: sum((item) => item.feesCents),
    interest: sum((item) => item.interestCents),
    total: sum(openItemTotal),
  };
  y = letter.drawTableRow(doc, OPEN_ITEM_COLUMNS, totals, y);
  letter.rule(doc, OPEN_ITEM_COLUMNS.open.x, y + mm(0.8), letter.RIGHT);
  return y + mm(6);
}

/**
 * Renders the account statement as PDF/A-3b (A4, DIN 5008 form B, DejaVu Sans embedded).
 * Deterministic: the same data gives the same bytes (dates come from `statementOn`).
 */
export function renderStatementPdf(data: StatementDocumentData): Promise<Buffer> {
  try {
    checkStatement(data);
    const labels = STATEMENT_LABELS[data.locale];
    const { locale } = data;
    const statementOn = formatDate(data.statementOn, locale);
    const { doc, y: introTop } = letter.startLetter({
      issuer: data.issuer,
      recipient: data.recipient,
      locale,
      documentTitle: `${labels.title} ${statementOn}`,
      createdOn: data.statementOn,
      infoRows: [
        { label: labels.statementOn, value: statementOn },
        { label: labels.contract, value: data.contractId, wide: true },
        { label: labels.issuerVatId, value: data.issuer.vatId },
      ],
      heading: labels.title,
      gapAfterHeadingMm: 2,
    });
    letter.regular(doc, letter.SIZE.text).text(labels.intro(data.contractId, statementOn), letter.LEFT, introTop, { width: letter.WIDTH });
    let y = doc.y + mm(4);

    y = drawEntries(doc, data, labels, y);
    y = drawClosingBalance(doc, data, y);
    y = drawOpenItems(doc, data, labels, y);
    // A transfer names the oldest open invoice (bank transfers are matched by invoice number); without one, the contract.
    const reference = oldestFirst(data.openItems)[0]?.invoiceNumber ?? data.contractId;
    const payment = statementPaymentText({ issuer: data.issuer, balanceCents: data.balanceCents, reference, statementOn: data.statementOn, locale });
    if (payment) letter.drawParagraph(doc, payment, y, { heading: labels.payment });

    return letter.finishLetter(doc, data.issuer, labels);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
