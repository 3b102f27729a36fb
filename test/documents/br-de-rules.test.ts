// The BR-DE rule table, rule by rule: our XRechnung invoices satisfy it, and for every rule an
// invoice broken in exactly that respect violates it.
import { XMLSerializer, type Document, type Element } from '@xmldom/xmldom';

import { BR_DE_RULES, checkBrDeRules } from '../../src/documents/br-de-rules';
import { CII_NAMESPACES, CiiXml, CiiXmlError } from '../../src/documents/cii-xml';
import { renderXRechnungCii } from '../../src/documents/e-invoice';
import { deBusinessProration, deBusinessSepa } from './fixtures';

const TX = 'rsm:SupplyChainTradeTransaction';
const AGREEMENT = `${TX}/ram:ApplicableHeaderTradeAgreement`;
const SELLER = `${AGREEMENT}/ram:SellerTradeParty`;
const CONTACT = `${SELLER}/ram:DefinedTradeContact`;
const BUYER = `${AGREEMENT}/ram:BuyerTradeParty`;
const DELIVERY = `${TX}/ram:ApplicableHeaderTradeDelivery`;
const SETTLEMENT = `${TX}/ram:ApplicableHeaderTradeSettlement`;
const MEANS = `${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans`;
const VALID_DEBTOR_IBAN = 'DE02120300000000202051';

let transferXml: string;
let sepaXml: string;

beforeAll(async () => {
  transferXml = await renderXRechnungCii(deBusinessProration);
  // Our SEPA invoices carry only the masked debtor IBAN (a BR-DE-20 warning); the baseline for the
  // rule table has a full one, so that every rule holds before it is broken.
  sepaXml = (await renderXRechnungCii(deBusinessSepa)).replace('<ram:IBANID>****3000</ram:IBANID>', `<ram:IBANID>${VALID_DEBTOR_IBAN}</ram:IBANID>`);
});

/** An editable copy of a CII invoice. */
class Edit {
  readonly cii: CiiXml;
  constructor(xml: string) {
    this.cii = CiiXml.parse(xml);
  }
  private only(path: string): Element {
    const [element, ...more] = this.cii.elements(path);
    if (!element || more.length > 0) throw new Error(`expected one element at ${path}, found ${more.length + (element ? 1 : 0)}`);
    return element;
  }
  remove(path: string): this {
    const elements = this.cii.elements(path);
    if (elements.length === 0) throw new Error(`nothing to remove at ${path}`);
    for (const element of elements) element.parentNode?.removeChild(element);
    return this;
  }
  set(path: string, text: string): this {
    this.only(path).textContent = text;
    return this;
  }
  /** Appends `ram:a/ram:b` (with `text` in the innermost element) to the element at `parent`. */
  add(parent: string, child: string, text = 'x', attributes: Record<string, string> = {}): this {
    let element = this.only(parent);
    const document = this.document();
    for (const qualified of child.split('/')) {
      const created = document.createElementNS(CII_NAMESPACES.ram as string, qualified);
      element.appendChild(created);
      element = created;
    }
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.textContent = text;
    return this;
  }
  private document(): Document {
    const document = this.cii.root.ownerDocument;
    if (!document) throw new Error('element without document');
    return document;
  }
  xml(): string {
    return new XMLSerializer().serializeToString(this.document());
  }
}

type Base = 'transfer' | 'sepa';
const base = (which: Base): string => (which === 'transfer' ? transferXml : sepaXml);

/** For every rule: which invoice to start from and how to break it. */
const BREAKAGES: Record<string, [Base, (edit: Edit) => Edit]> = {
  'BR-DE-1': ['transfer', (e) => e.remove(MEANS)],
  'BR-DE-2': ['transfer', (e) => e.remove(CONTACT)],
  'BR-DE-3': ['transfer', (e) => e.remove(`${SELLER}/ram:PostalTradeAddress/ram:CityName`)],
  'BR-DE-4': ['transfer', (e) => e.set(`${SELLER}/ram:PostalTradeAddress/ram:PostcodeCode`, ' ')],
  'BR-DE-5': ['transfer', (e) => e.remove(`${CONTACT}/ram:PersonName`)],
  'BR-DE-6': ['transfer', (e) => e.remove(`${CONTACT}/ram:TelephoneUniversalCommunication`)],
  'BR-DE-7': ['transfer', (e) => e.remove(`${CONTACT}/ram:EmailURIUniversalCommunication`)],
  'BR-DE-8': ['transfer', (e) => e.remove(`${BUYER}/ram:PostalTradeAddress/ram:CityName`)],
  'BR-DE-9': ['transfer', (e) => e.remove(`${BUYER}/ram:PostalTradeAddress/ram:PostcodeCode`)],
  'BR-DE-10': ['transfer', (e) => e.add(DELIVERY, 'ram:ShipToTradeParty/ram:PostalTradeAddress/ram:PostcodeCode', '10117')],
  'BR-DE-11': ['transfer', (e) => e.add(DELIVERY, 'ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CityName', 'Berlin')],
  'BR-DE-14': ['transfer', (e) => e.remove(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent`)],
  'BR-DE-15': ['transfer', (e) => e.remove(`${AGREEMENT}/ram:BuyerReference`)],
  'BR-DE-16': ['transfer', (e) => e.remove(`${SELLER}/ram:SpecifiedTaxRegistration`)],
  'BR-DE-17': ['transfer', (e) => e.set('rsm:ExchangedDocument/ram:TypeCode', '388')],
  'BR-DE-18': ['transfer', (e) => e.set(`${SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description`, '#SKONTO#TAGE=14#PROZENT=2#\n')],
  'BR-DE-19': ['transfer', (e) => e.set(`${MEANS}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID`, 'DE00370400440532013000')],
  'BR-DE-20': ['sepa', (e) => e.set(`${MEANS}/ram:PayerPartyDebtorFinancialAccount/ram:IBANID`, '****3000')],
  'BR-DE-21': ['transfer', (e) => e.set('rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID', 'urn:cen.eu:en16931:2017')],
  'BR-DE-22': [
    'transfer',
    (e) =>
      e
        .add(AGREEMENT, 'ram:AdditionalReferencedDocument/ram:AttachmentBinaryObject', 'AA==', { filename: 'a.pdf', mimeCode: 'application/pdf' })
        .add(AGREEMENT, 'ram:AdditionalReferencedDocument/ram:AttachmentBinaryObject', 'AA==', { filename: 'a.pdf', mimeCode: 'application/pdf' }),
  ],
  'BR-DE-23-a': ['transfer', (e) => e.remove(`${MEANS}/ram:PayeePartyCreditorFinancialAccount`)],
  'BR-DE-23-b': ['transfer', (e) => e.add(MEANS, 'ram:PayerPartyDebtorFinancialAccount/ram:IBANID', VALID_DEBTOR_IBAN)],
  'BR-DE-24-a': ['transfer', (e) => e.set(`${MEANS}/ram:TypeCode`, '54')],
  'BR-DE-24-b': ['transfer', (e) => e.set(`${MEANS}/ram:TypeCode`, '54').add(MEANS, 'ram:ApplicableTradeSettlementFinancialCard/ram:ID', '1234')],
  'BR-DE-25-a': [
    'sepa',
    (e) =>
      e
        .remove(`${SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID`)
        .remove(`${SETTLEMENT}/ram:CreditorReferenceID`)
        .remove(`${MEANS}/ram:PayerPartyDebtorFinancialAccount`),
  ],
  'BR-DE-25-b': ['sepa', (e) => e.add(MEANS, 'ram:PayeePartyCreditorFinancialAccount/ram:IBANID', 'DE89370400440532013000')],
  'BR-DE-26': ['transfer', (e) => e.set('rsm:ExchangedDocument/ram:TypeCode', '384')],
  'BR-DE-27': ['transfer', (e) => e.set(`${CONTACT}/ram:TelephoneUniversalCommunication/ram:CompleteNumber`, 'n/a')],
  'BR-DE-28': ['transfer', (e) => e.set(`${CONTACT}/ram:EmailURIUniversalCommunication/ram:URIID`, 'rechnung@@vertragswerk.example')],
  'BR-DE-30': ['sepa', (e) => e.remove(`${SETTLEMENT}/ram:CreditorReferenceID`)],
  'BR-DE-31': ['sepa', (e) => e.remove(`${MEANS}/ram:PayerPartyDebtorFinancialAccount/ram:IBANID`)],
  'PEPPOL-EN16931-R010': ['transfer', (e) => e.remove(`${BUYER}/ram:URIUniversalCommunication`)],
  'PEPPOL-EN16931-R020': ['transfer', (e) => e.remove(`${SELLER}/ram:URIUniversalCommunication`)],
};

describe('BR-DE rules', () => {
  it('our XRechnung invoices satisfy every rule (transfer, and SEPA with a full debtor IBAN)', () => {
    expect(checkBrDeRules(transferXml)).toEqual([]);
    expect(checkBrDeRules(sepaXml)).toEqual([]);
  });

  it('every rule in the table has a breakage below', () => {
    expect(Object.keys(BREAKAGES).sort()).toEqual(BR_DE_RULES.map((rule) => rule.id).sort());
  });

  it.each(BR_DE_RULES.map((rule) => [rule.id, rule.flag]))('%s (%s) fails on an invoice broken for it', (id) => {
    const breakage = BREAKAGES[id];
    if (!breakage) throw new Error(`no breakage for ${id}`);
    const [which, breakIt] = breakage;
    const violations = checkBrDeRules(breakIt(new Edit(base(which))).xml());
    expect(violations.map((violation) => violation.id)).toContain(id);
  });

  it('reports severity and text with each violation', () => {
    const [violation] = checkBrDeRules(new Edit(transferXml).remove(`${AGREEMENT}/ram:BuyerReference`).xml());
    expect(violation).toEqual({ id: 'BR-DE-15', flag: 'fatal', description: 'Buyer reference (BT-10) must be given.' });
  });

  it('refuses what is no CII invoice', () => {
    expect(() => checkBrDeRules('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')).toThrow(CiiXmlError);
    expect(() => checkBrDeRules('<rsm:CrossIndustryInvoice')).toThrow(CiiXmlError);
  });
});
