/**
 * The German CIUS rules (XRechnung 3.0, "BR-DE-n") that apply to our invoices, checked in code
 * against the CII XML. No package ships them for offline use; the EN 16931 Schematron that the
 * tests run does not contain them. The table follows KoSIT's XRechnung Schematron (CII) in
 * meaning and severity; each rule states what must hold. Two PEPPOL rules that XRechnung 3.0
 * adopted (electronic addresses BT-34, BT-49) are listed with them.
 */
import type { Element } from '@xmldom/xmldom';

import { normalizeIban } from '../domain/iban';
import { CiiXml } from './cii-xml';

export type RuleFlag = 'fatal' | 'warning';

/** One rule: `holds` is true when the invoice satisfies it (or the rule does not apply). */
export interface BrDeRule {
  readonly id: string;
  readonly flag: RuleFlag;
  readonly description: string;
  readonly holds: (invoice: CiiXml) => boolean;
}

export interface RuleViolation {
  readonly id: string;
  readonly flag: RuleFlag;
  readonly description: string;
}

/** BT-24 of XRechnung 3.0 (and its extension). */
export const XRECHNUNG_CIUS_ID = 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0';
export const XRECHNUNG_EXTENSION_ID = `${XRECHNUNG_CIUS_ID}#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0`;

const TX = 'rsm:SupplyChainTradeTransaction';
const AGREEMENT = `${TX}/ram:ApplicableHeaderTradeAgreement`;
const SELLER = `${AGREEMENT}/ram:SellerTradeParty`;
const SELLER_CONTACT = `${SELLER}/ram:DefinedTradeContact`;
const BUYER = `${AGREEMENT}/ram:BuyerTradeParty`;
const SHIP_TO_ADDRESS = `${TX}/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:PostalTradeAddress`;
const SETTLEMENT = `${TX}/ram:ApplicableHeaderTradeSettlement`;
const MEANS = `${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans`;
const MANDATE = `${SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID`;
const CREDITOR_ID = `${SETTLEMENT}/ram:CreditorReferenceID`;
const DEBTOR_IBAN = `${MEANS}/ram:PayerPartyDebtorFinancialAccount/ram:IBANID`;

const CREDIT_TRANSFER_CODES = ['30', '58'];
const CARD_CODES = ['48', '54', '55'];
const DIRECT_DEBIT_CODES = ['59'];
/** UNTDID 1001 codes XRechnung accepts for BT-3. */
const INVOICE_TYPE_CODES = ['326', '380', '384', '389', '381', '875', '876', '877'];
/** VAT categories that need a seller VAT ID, tax number or tax representative (BR-DE-16). */
const TAXED_CATEGORIES = ['S', 'Z', 'E', 'AE', 'K', 'G', 'L', 'M'];
// BR-DE-18: "#SKONTO#TAGE=14#PROZENT=2.00#" (optionally "#BASISBETRAG=123.45#"); VERZUG likewise.
const PAYMENT_TERMS_LINE = /^#(SKONTO|VERZUG)#TAGE=[0-9]+#PROZENT=[0-9]+\.[0-9]{2}(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$/;
const THREE_DIGITS = /(.*\d){3,}/;
const EMAIL = /^[^@\s.]([^@\s]*[^@\s.])?@[^@\s.]([^@\s]*[^@\s.])?\.[^@\s.]{2,}$/;

function meansWithCode(invoice: CiiXml, codes: readonly string[]): Element[] {
  return invoice.elements(MEANS).filter((means) => codes.includes(invoice.values('ram:TypeCode', means)[0] ?? ''));
}

/** A rule about each payment means of some codes; holds when no means has those codes. */
function forMeans(codes: readonly string[], test: (invoice: CiiXml, means: Element) => boolean): (invoice: CiiXml) => boolean {
  return (invoice) => meansWithCode(invoice, codes).every((means) => test(invoice, means));
}

const isIban = (value: string | undefined): boolean => value !== undefined && normalizeIban(value) !== null;

/** The rules, in KoSIT's numbering. */
export const BR_DE_RULES: readonly BrDeRule[] = [
  {
    id: 'BR-DE-1',
    flag: 'fatal',
    description: 'Payment instructions (BG-16) must be given.',
    holds: (invoice) => invoice.has(MEANS),
  },
  {
    id: 'BR-DE-2',
    flag: 'fatal',
    description: 'The seller contact (BG-6) must be given.',
    holds: (invoice) => invoice.has(SELLER_CONTACT),
  },
  {
    id: 'BR-DE-3',
    flag: 'fatal',
    description: 'Seller city (BT-37) must be given.',
    holds: (invoice) => invoice.hasValue(`${SELLER}/ram:PostalTradeAddress/ram:CityName`),
  },
  {
    id: 'BR-DE-4',
    flag: 'fatal',
    description: 'Seller post code (BT-38) must be given.',
    holds: (invoice) => invoice.hasValue(`${SELLER}/ram:PostalTradeAddress/ram:PostcodeCode`),
  },
  {
    id: 'BR-DE-5',
    flag: 'fatal',
    description: 'Seller contact point (BT-41) must be given.',
    holds: (invoice) => !invoice.has(SELLER_CONTACT) || invoice.hasValue(`${SELLER_CONTACT}/ram:PersonName`) || invoice.hasValue(`${SELLER_CONTACT}/ram:DepartmentName`),
  },
  {
    id: 'BR-DE-6',
    flag: 'fatal',
    description: 'Seller contact telephone number (BT-42) must be given.',
    holds: (invoice) => !invoice.has(SELLER_CONTACT) || invoice.hasValue(`${SELLER_CONTACT}/ram:TelephoneUniversalCommunication/ram:CompleteNumber`),
  },
  {
    id: 'BR-DE-7',
    flag: 'fatal',
    description: 'Seller contact e-mail address (BT-43) must be given.',
    holds: (invoice) => !invoice.has(SELLER_CONTACT) || invoice.hasValue(`${SELLER_CONTACT}/ram:EmailURIUniversalCommunication/ram:URIID`),
  },
  {
    id: 'BR-DE-8',
    flag: 'fatal',
    description: 'Buyer city (BT-52) must be given.',
    holds: (invoice) => invoice.hasValue(`${BUYER}/ram:PostalTradeAddress/ram:CityName`),
  },
  {
    id: 'BR-DE-9',
    flag: 'fatal',
    description: 'Buyer post code (BT-53) must be given.',
    holds: (invoice) => invoice.hasValue(`${BUYER}/ram:PostalTradeAddress/ram:PostcodeCode`),
  },
  {
    id: 'BR-DE-10',
    flag: 'fatal',
    description: 'Deliver-to city (BT-77) must be given when a deliver-to address (BG-15) is.',
    holds: (invoice) => !invoice.has(SHIP_TO_ADDRESS) || invoice.hasValue(`${SHIP_TO_ADDRESS}/ram:CityName`),
  },
  {
    id: 'BR-DE-11',
    flag: 'fatal',
    description: 'Deliver-to post code (BT-78) must be given when a deliver-to address (BG-15) is.',
    holds: (invoice) => !invoice.has(SHIP_TO_ADDRESS) || invoice.hasValue(`${SHIP_TO_ADDRESS}/ram:PostcodeCode`),
  },
  {
    id: 'BR-DE-14',
    flag: 'fatal',
    description: 'Every VAT breakdown (BG-23) must give its VAT category rate (BT-119).',
    holds: (invoice) => invoice.elements(`${SETTLEMENT}/ram:ApplicableTradeTax`).every((tax) => invoice.hasValue('ram:RateApplicablePercent', tax)),
  },
  {
    id: 'BR-DE-15',
    flag: 'fatal',
    description: 'Buyer reference (BT-10) must be given.',
    holds: (invoice) => invoice.hasValue(`${AGREEMENT}/ram:BuyerReference`),
  },
  {
    id: 'BR-DE-16',
    flag: 'fatal',
    description: 'With VAT categories S, Z, E, AE, K, G, L or M, the seller VAT ID (BT-31), tax number (BT-32) or a tax representative (BG-11) must be given.',
    holds: (invoice) => {
      const categories = [
        ...invoice.values(`${TX}/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode`),
        ...invoice.values(`${SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax/ram:CategoryCode`),
      ];
      if (!categories.some((category) => TAXED_CATEGORIES.includes(category))) return true;
      const registrations = invoice.elements(`${SELLER}/ram:SpecifiedTaxRegistration/ram:ID`);
      const registered = registrations.some((id) => ['VA', 'FC'].includes(id.getAttribute('schemeID') ?? '') && (id.textContent ?? '').trim() !== '');
      return registered || invoice.has(`${AGREEMENT}/ram:SellerTaxRepresentativeTradeParty`);
    },
  },
  {
    id: 'BR-DE-17',
    flag: 'warning',
    description: `Invoice type code (BT-3) should be one of ${INVOICE_TYPE_CODES.join(', ')}.`,
    holds: (invoice) => INVOICE_TYPE_CODES.includes(invoice.values('rsm:ExchangedDocument/ram:TypeCode')[0] ?? ''),
  },
  {
    id: 'BR-DE-18',
    flag: 'fatal',
    description: 'Payment terms (BT-20) lines starting with "#" must be discount or default-interest entries (#SKONTO#TAGE=n#PROZENT=n.nn#).',
    holds: (invoice) => {
      const terms = invoice.values(`${SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description`)[0] ?? '';
      return terms
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.startsWith('#'))
        .every((line) => PAYMENT_TERMS_LINE.test(line));
    },
  },
  {
    id: 'BR-DE-19',
    flag: 'warning',
    description: 'With payment means 58 (SEPA credit transfer), the payment account (BT-84) should be a valid IBAN.',
    holds: (invoice) =>
      meansWithCode(invoice, ['58']).every((means) => isIban(invoice.values('ram:PayeePartyCreditorFinancialAccount/ram:IBANID', means)[0])),
  },
  {
    id: 'BR-DE-20',
    flag: 'warning',
    description: 'With payment means 59 (SEPA direct debit), the debited account (BT-91) should be a valid IBAN.',
    holds: (invoice) => meansWithCode(invoice, ['59']).every((means) => isIban(invoice.values('ram:PayerPartyDebtorFinancialAccount/ram:IBANID', means)[0])),
  },
  {
    id: 'BR-DE-21',
    flag: 'warning',
    description: 'Specification identifier (BT-24) should be the XRechnung 3.0 identifier.',
    holds: (invoice) => {
      const id = invoice.values('rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID')[0];
      return id === XRECHNUNG_CIUS_ID || id === XRECHNUNG_EXTENSION_ID;
    },
  },
  {
    id: 'BR-DE-22',
    flag: 'fatal',
    description: 'Attached documents (BT-125) must have unique file names.',
    holds: (invoice) => {
      const names = invoice.values(`${AGREEMENT}/ram:AdditionalReferencedDocument/ram:AttachmentBinaryObject/@filename`);
      return new Set(names).size === names.length;
    },
  },
  {
    id: 'BR-DE-23-a',
    flag: 'fatal',
    description: 'With payment means 30 or 58 (credit transfer), the credit transfer group (BG-17) must be given.',
    holds: forMeans(CREDIT_TRANSFER_CODES, (invoice, means) => invoice.has('ram:PayeePartyCreditorFinancialAccount', means)),
  },
  {
    id: 'BR-DE-23-b',
    flag: 'fatal',
    description: 'With payment means 30 or 58 (credit transfer), neither card (BG-18) nor direct debit (BG-19) data may be given.',
    holds: forMeans(
      CREDIT_TRANSFER_CODES,
      (invoice, means) =>
        !invoice.has('ram:ApplicableTradeSettlementFinancialCard', means) &&
        !invoice.has(MANDATE) &&
        !invoice.has(CREDITOR_ID) &&
        !invoice.has('ram:PayerPartyDebtorFinancialAccount/ram:IBANID', means),
    ),
  },
  {
    id: 'BR-DE-24-a',
    flag: 'fatal',
    description: 'With payment means 48, 54 or 55 (card), the card group (BG-18) must be given.',
    holds: forMeans(CARD_CODES, (invoice, means) => invoice.has('ram:ApplicableTradeSettlementFinancialCard', means)),
  },
  {
    id: 'BR-DE-24-b',
    flag: 'fatal',
    description: 'With payment means 48, 54 or 55 (card), neither credit transfer (BG-17) nor direct debit (BG-19) data may be given.',
    holds: forMeans(
      CARD_CODES,
      (invoice, means) =>
        !invoice.has('ram:PayeePartyCreditorFinancialAccount', means) &&
        !invoice.has(MANDATE) &&
        !invoice.has(CREDITOR_ID) &&
        !invoice.has('ram:PayerPartyDebtorFinancialAccount/ram:IBANID', means),
    ),
  },
  {
    id: 'BR-DE-25-a',
    flag: 'fatal',
    description: 'With payment means 59 (SEPA direct debit), the direct debit group (BG-19) must be given.',
    holds: forMeans(
      DIRECT_DEBIT_CODES,
      (invoice, means) => invoice.has(MANDATE) || invoice.has(CREDITOR_ID) || invoice.has('ram:PayerPartyDebtorFinancialAccount/ram:IBANID', means),
    ),
  },
  {
    id: 'BR-DE-25-b',
    flag: 'fatal',
    description: 'With payment means 59 (SEPA direct debit), neither credit transfer (BG-17) nor card (BG-18) data may be given.',
    holds: forMeans(
      DIRECT_DEBIT_CODES,
      (invoice, means) => !invoice.has('ram:PayeePartyCreditorFinancialAccount', means) && !invoice.has('ram:ApplicableTradeSettlementFinancialCard', means),
    ),
  },
  {
    id: 'BR-DE-26',
    flag: 'warning',
    description: 'A corrected invoice (BT-3 = 384) should reference the preceding invoice (BG-3).',
    holds: (invoice) => invoice.values('rsm:ExchangedDocument/ram:TypeCode')[0] !== '384' || invoice.has(`${SETTLEMENT}/ram:InvoiceReferencedDocument`),
  },
  {
    id: 'BR-DE-27',
    flag: 'warning',
    description: 'Seller contact telephone number (BT-42) should contain at least three digits.',
    holds: (invoice) => invoice.values(`${SELLER_CONTACT}/ram:TelephoneUniversalCommunication/ram:CompleteNumber`).every((phone) => THREE_DIGITS.test(phone)),
  },
  {
    id: 'BR-DE-28',
    flag: 'warning',
    description: 'Seller contact e-mail address (BT-43) should have exactly one "@", no dot at either end of its parts.',
    holds: (invoice) => invoice.values(`${SELLER_CONTACT}/ram:EmailURIUniversalCommunication/ram:URIID`).every((email) => EMAIL.test(email)),
  },
  {
    id: 'BR-DE-30',
    flag: 'fatal',
    description: 'With a direct debit (BG-19), the bank assigned creditor identifier (BT-90) must be given.',
    holds: (invoice) => !(invoice.has(MANDATE) || invoice.has(DEBTOR_IBAN)) || invoice.hasValue(CREDITOR_ID),
  },
  {
    id: 'BR-DE-31',
    flag: 'fatal',
    description: 'With a direct debit (BG-19), the debited account identifier (BT-91) must be given.',
    holds: (invoice) => !(invoice.has(MANDATE) || invoice.has(CREDITOR_ID)) || invoice.hasValue(DEBTOR_IBAN),
  },
  {
    id: 'PEPPOL-EN16931-R010',
    flag: 'fatal',
    description: 'Buyer electronic address (BT-49) must be given (adopted by XRechnung 3.0).',
    holds: (invoice) => invoice.hasValue(`${BUYER}/ram:URIUniversalCommunication/ram:URIID`),
  },
  {
    id: 'PEPPOL-EN16931-R020',
    flag: 'fatal',
    description: 'Seller electronic address (BT-34) must be given (adopted by XRechnung 3.0).',
    holds: (invoice) => invoice.hasValue(`${SELLER}/ram:URIUniversalCommunication/ram:URIID`),
  },
];

/** The rules `xml` (a CII invoice) violates, fatal ones and warnings, in table order. */
export function checkBrDeRules(xml: string | CiiXml): RuleViolation[] {
  const invoice = typeof xml === 'string' ? CiiXml.parse(xml) : xml;
  return BR_DE_RULES.filter((rule) => !rule.holds(invoice)).map(({ id, flag, description }) => ({ id, flag, description }));
}
