/**
 * The fixed texts of the invoice (template v1) per locale, and the sentences built from the
 * invoice's data (payment instructions, legal notes). Shared by the PDF and the e-invoice so
 * both say the same. Pure.
 */
import type { InvoiceDocumentData, Locale } from '../domain/invoice';
import { formatDate, formatIban, formatMoney } from './document-format';

export interface InvoiceLabels {
  readonly title: string;
  readonly invoiceNumber: string;
  readonly issuedOn: string;
  readonly customerNumber: string;
  readonly contract: string;
  readonly servicePeriod: string;
  readonly dueOn: string;
  readonly customerVatId: string;
  readonly issuerVatId: string;
  readonly description: string;
  readonly period: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly net: string;
  readonly vatRate: string;
  readonly vatSummary: string;
  readonly netAmount: string;
  readonly vatAmount: string;
  readonly totalNet: string;
  readonly totalVat: string;
  readonly totalGross: string;
  readonly payment: string;
  readonly page: (page: number, pages: number) => string;
  readonly managingDirectors: string;
  readonly vatIdShort: string;
  readonly phone: string;
}

export const INVOICE_LABELS: Readonly<Record<Locale, InvoiceLabels>> = {
  de: {
    title: 'Rechnung',
    invoiceNumber: 'Rechnungsnummer',
    issuedOn: 'Rechnungsdatum',
    customerNumber: 'Kundennummer',
    contract: 'Vertrag',
    servicePeriod: 'Leistungszeitraum',
    dueOn: 'Fällig am',
    customerVatId: 'Ihre USt-IdNr.',
    issuerVatId: 'Unsere USt-IdNr.',
    description: 'Beschreibung',
    period: 'Zeitraum',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    net: 'Netto',
    vatRate: 'USt.',
    vatSummary: 'USt.-Satz',
    netAmount: 'Nettobetrag',
    vatAmount: 'USt.-Betrag',
    totalNet: 'Summe netto',
    totalVat: 'Umsatzsteuer',
    totalGross: 'Rechnungsbetrag',
    payment: 'Zahlung',
    page: (page, pages) => `Seite ${page} von ${pages}`,
    managingDirectors: 'Geschäftsführung',
    vatIdShort: 'USt-IdNr.',
    phone: 'Tel.',
  },
  en: {
    title: 'Invoice',
    invoiceNumber: 'Invoice number',
    issuedOn: 'Invoice date',
    customerNumber: 'Customer number',
    contract: 'Contract',
    servicePeriod: 'Service period',
    dueOn: 'Due date',
    customerVatId: 'Your VAT ID',
    issuerVatId: 'Our VAT ID',
    description: 'Description',
    period: 'Period',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    net: 'Net',
    vatRate: 'VAT',
    vatSummary: 'VAT rate',
    netAmount: 'Net amount',
    vatAmount: 'VAT amount',
    totalNet: 'Total net',
    totalVat: 'VAT',
    totalGross: 'Total amount',
    payment: 'Payment',
    page: (page, pages) => `Page ${page} of ${pages}`,
    managingDirectors: 'Managing directors',
    vatIdShort: 'VAT ID',
    phone: 'Phone',
  },
};

/** The payment instructions as one paragraph (bank transfer, SEPA pre-notification, card, prepaid). */
export function paymentInstructionText(data: InvoiceDocumentData): string {
  const { locale, payment, issuer } = data;
  const amount = formatMoney(data.grossCents, locale);
  switch (payment.method) {
    case 'transfer':
      return locale === 'de'
        ? `Bitte überweisen Sie den Rechnungsbetrag von ${amount} bis zum ${formatDate(data.dueOn, locale)} auf unser Konto ` +
            `IBAN\u00a0${formatIban(issuer.iban, '\u00a0')}, BIC\u00a0${issuer.bic} (${issuer.bankName}). Verwendungszweck: ${payment.reference}.`
        : `Please transfer the invoice amount of ${amount} by ${formatDate(data.dueOn, locale)} to our account ` +
            `IBAN\u00a0${formatIban(issuer.iban, '\u00a0')}, BIC\u00a0${issuer.bic} (${issuer.bankName}), quoting the reference ${payment.reference}.`;
    case 'sepa': {
      const { mandateReference, debtorIbanLast4, collectionOn } = requireSepa(data);
      // Pre-notification (SEPA rulebook): amount, collection date, mandate and creditor id.
      return locale === 'de'
        ? `Den Rechnungsbetrag von ${amount} ziehen wir am ${formatDate(collectionOn, locale)} mit der SEPA-Lastschrift zu Mandat ` +
            `${mandateReference} (Gläubiger-ID ${issuer.creditorId}) von Ihrem Konto …${debtorIbanLast4} ein. ` +
            'Bitte sorgen Sie für ausreichende Deckung.'
        : `We will collect the invoice amount of ${amount} on ${formatDate(collectionOn, locale)} by SEPA direct debit under mandate ` +
            `${mandateReference} (creditor ID ${issuer.creditorId}) from your account ending in ${debtorIbanLast4}. ` +
            'Please make sure your account has sufficient funds.';
    }
    case 'card':
      return locale === 'de'
        ? `Der Rechnungsbetrag von ${amount} wird am ${formatDate(data.issuedOn, locale)} von Ihrer hinterlegten Karte abgebucht.`
        : `The invoice amount of ${amount} will be charged to your card on file on ${formatDate(data.issuedOn, locale)}.`;
    case 'prepaid':
      return locale === 'de'
        ? `Der Rechnungsbetrag von ${amount} wird mit Ihrem Guthaben verrechnet.`
        : `The invoice amount of ${amount} is deducted from your prepaid balance.`;
  }
}

/** The SEPA fields of a direct-debit invoice; throws when one is missing. */
export function requireSepa(data: InvoiceDocumentData): { mandateReference: string; debtorIbanLast4: string; collectionOn: string } {
  const { mandateReference, debtorIbanLast4, collectionOn } = data.payment;
  if (mandateReference === null || debtorIbanLast4 === null || collectionOn === null) {
    throw new RangeError(`Invoice ${data.number}: SEPA payment needs mandateReference, debtorIbanLast4 and collectionOn`);
  }
  return { mandateReference, debtorIbanLast4, collectionOn };
}

/** "Steuerschuldnerschaft des Leistungsempfängers" (§ 13b UStG / Art. 196 VAT Directive) with the customer's VAT ID. */
export function reverseChargeText(data: InvoiceDocumentData): string {
  const vatId = data.customer.vatId ?? '';
  return data.locale === 'de'
    ? `Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge). USt-IdNr. des Leistungsempfängers: ${vatId}.`
    : `Reverse charge: VAT is payable by the recipient of the service. Recipient's VAT ID: ${vatId}.`;
}

/** The exemption reason of VAT category AE in the e-invoice (BT-120). */
export function reverseChargeExemptionReason(locale: Locale): string {
  return locale === 'de' ? 'Steuerschuldnerschaft des Leistungsempfängers' : 'Reverse charge';
}

/**
 * § 286 (3) BGB: a consumer is in default 30 days after due date and receipt of the invoice only
 * if the invoice points this out.
 */
export function consumerDefaultText(locale: Locale): string {
  return locale === 'de'
    ? 'Sie kommen spätestens in Verzug, wenn Sie nicht innerhalb von 30 Tagen nach Fälligkeit und Zugang dieser Rechnung zahlen (§ 286 Abs. 3 BGB).'
    : 'You will be in default at the latest if you do not pay within 30 days of the due date and receipt of this invoice (section 286 (3) German Civil Code).';
}
