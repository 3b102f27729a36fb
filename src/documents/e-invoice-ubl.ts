/**
 * InvoiceDocumentData → the UBL-shaped JSON that @e-invoice-eu/core turns into CII (XRechnung,
 * Factur-X). Every amount comes from our data as a string ("31.26"); the library computes nothing.
 * Pure. Business terms (BT-n) are EN 16931's.
 */
import type { Invoice } from '@e-invoice-eu/core';

import { compareLocalDates } from '../domain/calendar';
import type { DocumentLine, InvoiceDocumentData, InvoiceParty, VatGroup } from '../domain/invoice';
import { centsToDecimal, InvalidDocumentDataError } from './document-format';
import { checkInvoiceTotals } from './invoice-totals';
import {
  consumerDefaultText,
  paymentInstructionText,
  requireSepa,
  reverseChargeExemptionReason,
  reverseChargeText,
} from './invoice-texts';

type UblInvoice = Invoice['ubl:Invoice'];
type UblLine = NonNullable<UblInvoice['cac:InvoiceLine']>[number];
type UblPaymentMeans = NonNullable<UblInvoice['cac:PaymentMeans']>[number];
type UblPostalAddress = UblInvoice['cac:AccountingSupplierParty']['cac:Party']['cac:PostalAddress'];

const CURRENCY = 'EUR';
/** UN/ECE Rec. 20 "one" (C62): seats, SMS and months are counted, not measured. */
const UNIT = 'C62';
/** VATEX code of reverse charge (Art. 196 VAT Directive). */
const VATEX_REVERSE_CHARGE = 'VATEX-EU-AE';

/** UNTDID 4461 payment means codes used here. */
export const PAYMENT_MEANS_CODES = {
  /** SEPA credit transfer */
  transfer: '58',
  /** SEPA direct debit */
  sepa: '59',
  /** Online payment service (card through the PSP; no card number on our side for BG-18). */
  card: '68',
  /** Mutually defined: deducted from the prepaid balance. */
  prepaid: 'ZZZ',
} as const;

/** Which electronic addresses the syntax needs; XRechnung makes the buyer's mandatory (BT-49). */
export interface UblOptions {
  readonly requireBuyerEndpoint: boolean;
}

const amount = (cents: number): string => centsToDecimal(cents);

function postalAddress(party: InvoiceParty): UblPostalAddress {
  return {
    'cbc:StreetName': party.addressLine1,
    ...(party.addressLine2 ? { 'cbc:AdditionalStreetName': party.addressLine2 } : {}),
    'cbc:CityName': party.city,
    'cbc:PostalZone': party.postalCode,
    'cac:Country': { 'cbc:IdentificationCode': party.country },
  };
}

function taxCategory(ratePercent: number, category: VatGroup['category']): { 'cbc:ID': VatGroup['category']; 'cbc:Percent': string; 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } {
  return { 'cbc:ID': category, 'cbc:Percent': String(ratePercent), 'cac:TaxScheme': { 'cbc:ID': 'VAT' } };
}

/**
 * Quantity and price of a line (BT-129, BT-146). The real ones when price × quantity is the line
 * net exactly (full-month fees, SMS); otherwise — prorated lines, where 3 × 19.00 × 17/31 = 31.26
 * is no product of price and quantity — 1 × the line net, with seats and days in the
 * description. EN 16931 does not check BT-131 = BT-129 × BT-146, but receivers recompute it.
 * A credit (negative net) gets a negative quantity: BR-27 forbids negative prices.
 */
export function lineQuantityAndPrice(line: DocumentLine): { quantity: string; priceCents: number } {
  const sign = line.netCents < 0 ? -1 : 1;
  const exact = line.proration === null && line.quantity > 0 && line.quantity * line.unitPriceCents === Math.abs(line.netCents);
  return exact ? { quantity: String(sign * line.quantity), priceCents: line.unitPriceCents } : { quantity: String(sign), priceCents: Math.abs(line.netCents) };
}

function invoiceLine(line: DocumentLine, index: number, data: InvoiceDocumentData): UblLine {
  const { quantity, priceCents } = lineQuantityAndPrice(line);
  return {
    'cbc:ID': String(index + 1),
    'cbc:InvoicedQuantity': quantity,
    'cbc:InvoicedQuantity@unitCode': UNIT,
    'cbc:LineExtensionAmount': amount(line.netCents),
    'cbc:LineExtensionAmount@currencyID': CURRENCY,
    'cac:InvoicePeriod': { 'cbc:StartDate': line.servicePeriod.from, 'cbc:EndDate': line.servicePeriod.to },
    'cac:Item': {
      'cbc:Name': line.description,
      'cac:ClassifiedTaxCategory': taxCategory(line.vatRatePercent, data.reverseCharge ? 'AE' : 'S'),
    },
    'cac:Price': { 'cbc:PriceAmount': amount(priceCents), 'cbc:PriceAmount@currencyID': CURRENCY },
  };
}

/** The lines; checkInvoiceTotals guarantees there is at least one (BG-25 is 1..n). */
function invoiceLines(data: InvoiceDocumentData): [UblLine, ...UblLine[]] {
  const [first, ...rest] = data.lines.map((line, index) => invoiceLine(line, index, data));
  if (!first) throw new InvalidDocumentDataError(`Invoice ${data.number}: an invoice needs at least one line`);
  return [first, ...rest];
}

/** Masks the debtor's IBAN to its last four characters (BT-91): we keep no more than those. */
export function maskedDebtorAccount(last4: string): string {
  return `****${last4}`;
}

function paymentMeans(data: InvoiceDocumentData): UblPaymentMeans {
  const { payment, issuer } = data;
  switch (payment.method) {
    case 'transfer':
      return {
        'cbc:PaymentMeansCode': PAYMENT_MEANS_CODES.transfer,
        'cbc:PaymentID': payment.reference,
        'cac:PayeeFinancialAccount': {
          'cbc:ID': issuer.iban,
          'cbc:Name': issuer.name,
          'cac:FinancialInstitutionBranch': { 'cbc:ID': issuer.bic },
        },
      };
    case 'sepa': {
      const { mandateReference, debtorIbanLast4 } = requireSepa(data);
      return {
        'cbc:PaymentMeansCode': PAYMENT_MEANS_CODES.sepa,
        'cbc:PaymentID': payment.reference,
        'cac:PaymentMandate': {
          'cbc:ID': mandateReference,
          'cac:PayerFinancialAccount': { 'cbc:ID': maskedDebtorAccount(debtorIbanLast4) },
        },
      };
    }
    case 'card':
      return { 'cbc:PaymentMeansCode': PAYMENT_MEANS_CODES.card, 'cbc:PaymentMeansCode@name': 'Card (PSP)', 'cbc:PaymentID': payment.reference };
    case 'prepaid':
      return { 'cbc:PaymentMeansCode': PAYMENT_MEANS_CODES.prepaid, 'cbc:PaymentMeansCode@name': 'Prepaid balance', 'cbc:PaymentID': payment.reference };
  }
}

function requireEmail(party: InvoiceParty, role: string, number: string): string {
  if (!party.email) throw new InvalidDocumentDataError(`Invoice ${number}: the ${role} needs an e-mail address (electronic address, scheme EM)`);
  return party.email;
}

/**
 * The UBL-shaped invoice for @e-invoice-eu/core. Throws {@link InvalidDocumentDataError} for data
 * no valid e-invoice can be made from (sums that do not add up, a missing e-mail address, a line
 * outside the invoice period).
 */
export function toUblInvoice(data: InvoiceDocumentData, options: UblOptions): Invoice {
  checkInvoiceTotals(data);
  const { issuer, customer, locale } = data;
  for (const line of data.lines) {
    // PEPPOL-EN16931-R110/R111 (part of XRechnung): line periods lie within the invoice period.
    if (compareLocalDates(line.servicePeriod.from, data.servicePeriod.from) < 0 || compareLocalDates(line.servicePeriod.to, data.servicePeriod.to) > 0) {
      throw new InvalidDocumentDataError(`Invoice ${data.number}: line period ${line.servicePeriod.from}..${line.servicePeriod.to} is outside the invoice period`);
    }
  }
  const sellerEmail = requireEmail(issuer, 'issuer', data.number);
  const buyerEmail = options.requireBuyerEndpoint ? requireEmail(customer, 'customer', data.number) : customer.email;

  const notes = [...(data.reverseCharge ? [reverseChargeText(data)] : []), ...(data.consumerDefaultNotice ? [consumerDefaultText(locale)] : [])];
  const means = paymentMeans(data);

  const invoice: UblInvoice = {
    'cbc:ID': data.number,
    'cbc:IssueDate': data.issuedOn,
    'cbc:DueDate': data.dueOn,
    'cbc:InvoiceTypeCode': '380',
    ...(notes.length > 0 ? { 'cbc:Note': notes } : {}),
    'cbc:DocumentCurrencyCode': CURRENCY,
    // BT-10, mandatory in XRechnung (BR-DE-15): the buyer quotes our contract.
    'cbc:BuyerReference': data.contractId,
    'cac:InvoicePeriod': { 'cbc:StartDate': data.servicePeriod.from, 'cbc:EndDate': data.servicePeriod.to },
    'cac:ContractDocumentReference': { 'cbc:ID': data.contractId },
    'cac:AccountingSupplierParty': {
      'cac:Party': {
        'cbc:EndpointID': sellerEmail,
        'cbc:EndpointID@schemeID': 'EM',
        'cac:PostalAddress': postalAddress(issuer),
        'cac:PartyTaxScheme': [{ 'cbc:CompanyID': issuer.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } }],
        'cac:PartyLegalEntity': { 'cbc:RegistrationName': issuer.name, 'cbc:CompanyID': issuer.register },
        // BG-6, mandatory in XRechnung (BR-DE-2, -5, -6, -7).
        'cac:Contact': { 'cbc:Name': issuer.name, 'cbc:Telephone': issuer.phone, 'cbc:ElectronicMail': sellerEmail },
      },
    },
    'cac:AccountingCustomerParty': {
      'cac:Party': {
        ...(buyerEmail ? { 'cbc:EndpointID': buyerEmail, 'cbc:EndpointID@schemeID': 'EM' } : {}),
        'cac:PartyIdentification': { 'cbc:ID': data.customerId },
        'cac:PostalAddress': postalAddress(customer),
        ...(customer.vatId ? { 'cac:PartyTaxScheme': { 'cbc:CompanyID': customer.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } } : {}),
        'cac:PartyLegalEntity': { 'cbc:RegistrationName': customer.name },
      },
    },
    // Without a delivery the library leaves out CII's mandatory ApplicableHeaderTradeDelivery.
    // The service is the invoice period; its last day is when it is completed (BT-72).
    'cac:Delivery': { 'cbc:ActualDeliveryDate': data.servicePeriod.to },
    // BT-90: the library writes the SEPA creditor id (ram:CreditorReferenceID) only from the payee.
    ...(data.payment.method === 'sepa'
      ? { 'cac:PayeeParty': { 'cac:PartyIdentification': { 'cbc:ID': issuer.creditorId, 'cbc:ID@schemeID': 'SEPA' }, 'cac:PartyName': { 'cbc:Name': issuer.name } } }
      : {}),
    'cac:PaymentMeans': [means],
    'cac:PaymentTerms': { 'cbc:Note': paymentInstructionText(data) },
    'cac:TaxTotal': [
      {
        'cbc:TaxAmount': amount(data.vatCents),
        'cbc:TaxAmount@currencyID': CURRENCY,
        'cac:TaxSubtotal': data.vatGroups.map((group) => ({
          'cbc:TaxableAmount': amount(group.netCents),
          'cbc:TaxableAmount@currencyID': CURRENCY,
          'cbc:TaxAmount': amount(group.vatCents),
          'cbc:TaxAmount@currencyID': CURRENCY,
          'cac:TaxCategory': {
            ...taxCategory(group.ratePercent, group.category),
            ...(group.category === 'AE'
              ? { 'cbc:TaxExemptionReasonCode': VATEX_REVERSE_CHARGE, 'cbc:TaxExemptionReason': reverseChargeExemptionReason(locale) }
              : {}),
          },
        })),
      },
    ],
    'cac:LegalMonetaryTotal': {
      'cbc:LineExtensionAmount': amount(data.netCents),
      'cbc:LineExtensionAmount@currencyID': CURRENCY,
      'cbc:TaxExclusiveAmount': amount(data.netCents),
      'cbc:TaxExclusiveAmount@currencyID': CURRENCY,
      'cbc:TaxInclusiveAmount': amount(data.grossCents),
      'cbc:TaxInclusiveAmount@currencyID': CURRENCY,
      'cbc:PayableAmount': amount(data.grossCents),
      'cbc:PayableAmount@currencyID': CURRENCY,
    },
    'cac:InvoiceLine': invoiceLines(data),
  };
  return { 'ubl:Invoice': invoice };
}
