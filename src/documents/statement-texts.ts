/**
 * The fixed texts of the account statement (Kontoauszug) per locale, and its sentences (closing
 * balance, payment instructions). The footer's texts are the invoice's, so both letters say the
 * same. Pure.
 */
import type { Issuer, Locale } from '../domain/invoice';
import { formatDate, formatIban, formatMoney } from './document-format';
import { INVOICE_LABELS } from './invoice-texts';
import type { LetterLabels } from './letter-layout';

/** The ledger entry types of the debtor account (API.md, `GET /v1/contracts/{id}/statement`). */
export const STATEMENT_ENTRY_TYPES = ['invoice', 'payment', 'fee', 'interest', 'credit', 'chargeback', 'prepayment', 'refund-blocked'] as const;
export type StatementEntryType = (typeof STATEMENT_ENTRY_TYPES)[number];

export interface StatementLabels extends LetterLabels {
  readonly title: string;
  readonly statementOn: string;
  readonly contract: string;
  readonly issuerVatId: string;
  readonly intro: (contractId: string, statementOn: string) => string;
  readonly bookedOn: string;
  readonly text: string;
  readonly debit: string;
  readonly credit: string;
  readonly balance: string;
  readonly broughtForward: string;
  readonly invoice: string;
  readonly reference: string;
  readonly types: Readonly<Record<StatementEntryType, string>>;
  readonly openItems: string;
  readonly issuedOn: string;
  readonly dueOn: string;
  readonly openPrincipal: string;
  readonly fees: string;
  readonly interest: string;
  readonly total: string;
  readonly sum: string;
  readonly payment: string;
}

function letterLabels(locale: Locale): LetterLabels & { readonly issuerVatId: string; readonly contract: string } {
  const { page, managingDirectors, vatIdShort, phone, issuerVatId, contract } = INVOICE_LABELS[locale];
  return { page, managingDirectors, vatIdShort, phone, issuerVatId, contract };
}

export const STATEMENT_LABELS: Readonly<Record<Locale, StatementLabels>> = {
  de: {
    ...letterLabels('de'),
    title: 'Kontoauszug',
    statementOn: 'Datum',
    intro: (contractId, statementOn) => `Buchungen auf Ihrem Kundenkonto zum Vertrag ${contractId}, Stand ${statementOn}.`,
    bookedOn: 'Datum',
    text: 'Buchungstext',
    debit: 'Soll',
    credit: 'Haben',
    balance: 'Saldo',
    broughtForward: 'Übertrag',
    invoice: 'Rechnung',
    reference: 'Referenz',
    types: {
      invoice: 'Rechnung',
      payment: 'Zahlung',
      fee: 'Gebühr',
      interest: 'Verzugszinsen',
      credit: 'Gutschrift',
      chargeback: 'Rückbuchung',
      prepayment: 'Vorauszahlung',
      'refund-blocked': 'Nicht erstattungsfähig',
    },
    openItems: 'Offene Posten',
    issuedOn: 'Datum',
    dueOn: 'Fällig am',
    openPrincipal: 'Offen',
    fees: 'Gebühren',
    interest: 'Zinsen',
    total: 'Gesamt',
    sum: 'Summe',
    payment: 'Zahlung',
  },
  en: {
    ...letterLabels('en'),
    title: 'Account statement',
    statementOn: 'Date',
    intro: (contractId, statementOn) => `Bookings on your customer account for contract ${contractId} as of ${statementOn}.`,
    bookedOn: 'Date',
    text: 'Description',
    debit: 'Debit',
    credit: 'Credit',
    balance: 'Balance',
    broughtForward: 'Balance brought forward',
    invoice: 'Invoice',
    reference: 'Reference',
    types: {
      invoice: 'Invoice',
      payment: 'Payment',
      fee: 'Fee',
      interest: 'Default interest',
      credit: 'Credit note',
      chargeback: 'Chargeback',
      prepayment: 'Prepayment',
      'refund-blocked': 'Non-refundable',
    },
    openItems: 'Open items',
    issuedOn: 'Date',
    dueOn: 'Due date',
    openPrincipal: 'Open',
    fees: 'Fees',
    interest: 'Interest',
    total: 'Total',
    sum: 'Total',
    payment: 'Payment',
  },
};

/** The closing balance in words: de "Offener Betrag: 12,34 €" / "Guthaben: 5,00 €" / "Ausgeglichen". */
export function closingBalanceText(balanceCents: number, locale: Locale): string {
  const amount = formatMoney(Math.abs(balanceCents), locale);
  if (balanceCents > 0) return locale === 'de' ? `Offener Betrag: ${amount}` : `Amount due: ${amount}`;
  if (balanceCents < 0) return locale === 'de' ? `Guthaben: ${amount}` : `Credit balance: ${amount}`;
  return locale === 'de' ? 'Ausgeglichen' : 'Balanced';
}

/**
 * What the customer is asked to do: transfer a balance due (issuer account, `reference` the oldest
 * open invoice number), or nothing for a credit, which the next invoices use up (DOMAIN.md: overpayments
 * stay on the account as credit). `null` for a balanced account.
 */
export function statementPaymentText(input: { issuer: Issuer; balanceCents: number; reference: string; statementOn: string; locale: Locale }): string | null {
  const { issuer, balanceCents, reference, locale } = input;
  const account = `IBAN\u00a0${formatIban(issuer.iban, '\u00a0')}, BIC\u00a0${issuer.bic} (${issuer.bankName})`;
  const amount = formatMoney(Math.abs(balanceCents), locale);
  const date = formatDate(input.statementOn, locale);
  if (balanceCents > 0) {
    return locale === 'de'
      ? `Bitte überweisen Sie den offenen Betrag von ${amount} auf unser Konto ${account}. Verwendungszweck: ${reference}. ` +
          `Zahlungen, die nach dem ${date} eingegangen sind, sind nicht berücksichtigt.`
      : `Please transfer the amount due of ${amount} to our account ${account}, quoting the reference ${reference}. ` +
          `Payments received after ${date} are not included.`;
  }
  if (balanceCents < 0) {
    return locale === 'de'
      ? `Ihr Guthaben von ${amount} verrechnen wir mit Ihren nächsten Rechnungen.`
      : `We will set your credit of ${amount} off against your next invoices.`;
  }
  return null;
}
