/**
 * The fixed texts of the dunning letters (1. Mahnung, letzte Mahnung) per locale, and their
 * sentences: salutation, introduction, legal basis of the default interest (§ 288 BGB), payment
 * instructions, the announced handover to a collection agency and the credit-bureau notice of
 * § 31 (2) Nr. 4 BDSG. The footer's texts are the invoice's, so every letter says the same. Pure.
 */
import type { Issuer, Locale } from '../domain/invoice';
import { formatDate, formatIban, formatMoney } from './document-format';
import { INVOICE_LABELS } from './invoice-texts';
import type { LetterLabels } from './letter-layout';

export type DunningLetterKind = 'first-letter' | 'final-letter';
export type DunningCustomerType = 'business' | 'consumer';

export interface DunningLabels extends LetterLabels {
  readonly title: Readonly<Record<DunningLetterKind, string>>;
  readonly letterOn: string;
  readonly payBy: string;
  readonly contract: string;
  readonly issuerVatId: string;
  readonly openInvoices: string;
  readonly invoice: string;
  readonly issuedOn: string;
  readonly dueOn: string;
  readonly gross: string;
  readonly openPrincipal: string;
  readonly fees: string;
  readonly interest: string;
  readonly sum: string;
  readonly interestHeading: string;
  readonly period: string;
  readonly days: string;
  readonly principal: string;
  readonly rate: string;
  readonly claim: string;
  readonly claimPrincipal: string;
  readonly claimLetterFee: string;
  readonly claimFlatFee: string;
  readonly claimEarlierFees: string;
  readonly claimInterest: string;
  readonly claimTotal: string;
  readonly payment: string;
  readonly closing: string;
}

function letterLabels(locale: Locale): LetterLabels & { readonly issuerVatId: string; readonly contract: string } {
  const { page, managingDirectors, vatIdShort, phone, issuerVatId, contract } = INVOICE_LABELS[locale];
  return { page, managingDirectors, vatIdShort, phone, issuerVatId, contract };
}

export const DUNNING_LABELS: Readonly<Record<Locale, DunningLabels>> = {
  de: {
    ...letterLabels('de'),
    title: { 'first-letter': '1. Mahnung', 'final-letter': 'Letzte Mahnung' },
    letterOn: 'Datum',
    payBy: 'Zahlbar bis',
    openInvoices: 'Offene Rechnungen',
    invoice: 'Rechnung',
    issuedOn: 'Datum',
    dueOn: 'Fällig am',
    gross: 'Betrag',
    openPrincipal: 'Offen',
    fees: 'Gebühren',
    interest: 'Zinsen',
    sum: 'Summe',
    interestHeading: 'Mit diesem Schreiben berechnete Verzugszinsen',
    period: 'Zeitraum',
    days: 'Tage',
    principal: 'Offener Betrag',
    rate: 'Zinssatz',
    claim: 'Ihre offene Forderung',
    claimPrincipal: 'Offene Rechnungsbeträge',
    claimLetterFee: 'Mahngebühr für dieses Schreiben',
    claimFlatFee: 'Verzugspauschale (§ 288 Abs. 5 BGB)',
    claimEarlierFees: 'Bereits berechnete Gebühren',
    claimInterest: 'Verzugszinsen',
    claimTotal: 'Gesamtbetrag',
    payment: 'Zahlung',
    closing: 'Mit freundlichen Grüßen',
  },
  en: {
    ...letterLabels('en'),
    title: { 'first-letter': 'First reminder notice', 'final-letter': 'Final demand' },
    letterOn: 'Date',
    payBy: 'Pay by',
    openInvoices: 'Open invoices',
    invoice: 'Invoice',
    issuedOn: 'Date',
    dueOn: 'Due date',
    gross: 'Amount',
    openPrincipal: 'Open',
    fees: 'Fees',
    interest: 'Interest',
    sum: 'Total',
    interestHeading: 'Default interest charged with this letter',
    period: 'Period',
    days: 'Days',
    principal: 'Open amount',
    rate: 'Rate',
    claim: 'Amount due',
    claimPrincipal: 'Open invoice amounts',
    claimLetterFee: 'Dunning fee for this letter',
    claimFlatFee: 'Flat-rate fee (section 288 (5) BGB)',
    claimEarlierFees: 'Fees charged earlier',
    claimInterest: 'Default interest',
    claimTotal: 'Total due',
    payment: 'Payment',
    closing: 'Kind regards',
  },
};

/** Businesses are addressed as a company; consumers by name (as the mails do). */
export function salutation(customerType: DunningCustomerType, name: string, locale: Locale): string {
  if (locale === 'de') return customerType === 'business' ? 'Sehr geehrte Damen und Herren,' : `Guten Tag ${name},`;
  return customerType === 'business' ? 'Dear Sir or Madam,' : `Dear ${name},`;
}

/**
 * Why the customer gets this letter. The final letter speaks of earlier "requests for payment",
 * not of "our reminder": operators may change the ladder, so the steps before it are not known here.
 */
export function introText(kind: DunningLetterKind, contractId: string, locale: Locale): string {
  if (locale === 'de') {
    return kind === 'first-letter'
      ? `die folgenden Rechnungen zu Ihrem Vertrag ${contractId} sind trotz Fälligkeit noch nicht vollständig bezahlt. ` +
          'Mit diesem Schreiben mahnen wir die offenen Beträge an.'
      : `trotz unserer bisherigen Zahlungsaufforderungen sind die folgenden Rechnungen zu Ihrem Vertrag ${contractId} noch immer nicht ` +
          'vollständig bezahlt. Dies ist unsere letzte Mahnung.';
  }
  return kind === 'first-letter'
    ? `The following invoices for your contract ${contractId} are overdue and have not yet been paid in full. ` +
        'With this letter we ask you to pay the amounts due.'
    : `Despite our previous requests for payment, the following invoices for your contract ${contractId} have still not been paid in full. ` +
        'This is our final demand.';
}

/**
 * The legal basis of the default interest: § 288 (2) BGB, 9 points above the base rate where no
 * consumer is party to the contract; § 288 (1) BGB, 5 points for consumers; the base rate of § 247
 * BGB valid on 1 January / 1 July of each half-year.
 */
export function interestBasisText(customerType: DunningCustomerType, locale: Locale): string {
  const business = customerType === 'business';
  if (locale === 'de') {
    const rate = business ? '9 Prozentpunkte über dem Basiszinssatz (§ 288 Abs. 2 BGB)' : '5 Prozentpunkte über dem Basiszinssatz (§ 288 Abs. 1 BGB)';
    return (
      `Der Zinssatz für Verzugszinsen beträgt ${rate}; maßgeblich ist für jedes Halbjahr der am 1. Januar bzw. 1. Juli geltende ` +
      'Basiszinssatz (§ 247 BGB). Die Zinsen werden auf den offenen Rechnungsbetrag für die tatsächlichen Tage berechnet (Tage/365).'
    );
  }
  const rate = business
    ? '9 percentage points above the base rate (section 288 (2) German Civil Code, BGB)'
    : '5 percentage points above the base rate (section 288 (1) German Civil Code, BGB)';
  return (
    `The default interest rate is ${rate}; for each half-year the base rate valid on 1 January or 1 July applies (section 247 BGB). ` +
    'Interest is charged on the open invoice amount for the actual number of days (days/365).'
  );
}

/** § 288 (5) BGB: a business debtor in default owes a flat fee of 40.00 (booked once, with the first letter). */
export function flatFeeText(flatFeeCents: number, locale: Locale): string {
  const amount = formatMoney(flatFeeCents, locale);
  return locale === 'de'
    ? `Für den Zahlungsverzug berechnen wir außerdem einmalig die Pauschale von ${amount} nach § 288 Abs. 5 BGB.`
    : `In addition, we charge the one-off flat-rate fee of ${amount} for late payment under section 288 (5) BGB.`;
}

/** Transfer the total by `payBy` to the issuer's account, `reference` the oldest open invoice number (§ 367 BGB, matching by number). */
export function dunningPaymentText(input: { issuer: Issuer; totalCents: number; payBy: string; letterOn: string; reference: string; locale: Locale }): string {
  const { issuer, reference, locale } = input;
  const account = `IBAN\u00a0${formatIban(issuer.iban, '\u00a0')}, BIC\u00a0${issuer.bic} (${issuer.bankName})`;
  const amount = formatMoney(input.totalCents, locale);
  const payBy = formatDate(input.payBy, locale);
  const letterOn = formatDate(input.letterOn, locale);
  return locale === 'de'
    ? `Bitte überweisen Sie den Gesamtbetrag von ${amount} bis zum ${payBy} auf unser Konto ${account}. Verwendungszweck: ${reference}. ` +
        `Zahlungen, die nach dem ${letterOn} eingegangen sind, sind nicht berücksichtigt.`
    : `Please transfer the total of ${amount} by ${payBy} to our account ${account}, quoting the reference ${reference}. ` +
        `Payments received after ${letterOn} are not included.`;
}

/** A claim the customer considers unjustified is to be raised with us (a disputed claim is neither handed over nor reported). */
export function questionsText(locale: Locale): string {
  return locale === 'de'
    ? 'Haben Sie Fragen zu dieser Aufstellung oder halten Sie die Forderung für unberechtigt, melden Sie sich bitte umgehend bei uns.'
    : 'If you have any questions about this statement or consider the claim unjustified, please contact us without delay.';
}

/** Final letter: the day the claim goes to the collection agency if the total is not paid by `payBy`. */
export function handoverText(payBy: string, handoverOn: string, locale: Locale): string {
  return locale === 'de'
    ? `Geht der Gesamtbetrag nicht bis zum ${formatDate(payBy, locale)} bei uns ein, übergeben wir die Forderung am ` +
        `${formatDate(handoverOn, locale)} an ein Inkassounternehmen. Die Kosten der Einziehung können Ihnen als Verzugsschaden in Rechnung gestellt werden.`
    : `If we have not received the total by ${formatDate(payBy, locale)}, we will hand the claim over to a collection agency on ` +
        `${formatDate(handoverOn, locale)}. The costs of collection may be charged to you as damages for late payment.`;
}

/**
 * The notice § 31 (2) Nr. 4 lit. c BDSG asks for before a report: a possible consideration by a
 * credit bureau, given at the earliest with the first dunning letter. It names the other conditions
 * (four weeks since the first letter, lit. b; not disputed, lit. d) and promises nothing beyond them.
 */
export function creditReportText(handoverOn: string, locale: Locale): string {
  const date = formatDate(handoverOn, locale);
  return locale === 'de'
    ? 'Bleibt der Betrag unbezahlt, können wir die Forderung nach Ablauf von vier Wochen seit unserer ersten Mahnung, jedoch nicht vor dem ' +
        `${date}, an eine Auskunftei übermitteln, sofern Sie die Forderung nicht bestritten haben (§ 31 Abs. 2 Satz 1 Nr. 4 BDSG). ` +
        'Die Auskunftei kann diese Angabe bei der Beurteilung Ihrer Kreditwürdigkeit berücksichtigen.'
    : 'If the amount remains unpaid, we may report the claim to a credit reference agency once four weeks have passed since our first ' +
        `reminder notice, but not before ${date}, unless you have disputed the claim (section 31 (2) no. 4 German Federal Data Protection Act, BDSG). ` +
        'The credit reference agency may take this information into account when assessing your creditworthiness.';
}
