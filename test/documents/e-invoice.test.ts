// The e-invoices against the official artefacts, offline: the Factur-X 1.09 EN 16931 XSD
// (xmllint) and the EN 16931 Schematron compiled to XSLT (saxonche), for XRechnung CII and for the
// factur-x.xml inside the Factur-X PDF; the German BR-DE rules in our own code; the Factur-X PDF
// as PDF/A-3 with its attachment. One saxonche run checks every file (compiling the XSLT is most
// of its cost).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { InvoiceService } from '@e-invoice-eu/core';

import type { InvoiceDocumentData } from '../../src/domain/invoice';
import { checkBrDeRules, XRECHNUNG_CIUS_ID } from '../../src/documents/br-de-rules';
import { CiiXml } from '../../src/documents/cii-xml';
import { InvalidDocumentDataError } from '../../src/documents/document-format';
import { EInvoiceGenerationError, renderFacturX, renderXRechnungCii } from '../../src/documents/e-invoice';
import { toUblInvoice } from '../../src/documents/e-invoice-ubl';
import { fixFacturXDates } from '../../src/documents/factur-x-dates';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf';
import { atBusinessReverseCharge, atConsumer, deBusinessProration, deBusinessSepa, INVOICES } from './fixtures';
import { pdfFonts, run, runSchematron, runStatus, validateXsd, validationTools, type SchematronFailure } from './validation-tools';

/** The Factur-X Schematron knows only Factur-X/EN 16931 guideline ids: XRechnung's is the one allowed failure. */
const XRECHNUNG_ALLOWED = ['FX-SCH-A-000556'];

let dir: string;
const xrechnung = new Map<string, { file: string; xml: string }>();
const facturX = new Map<string, { pdf: string; xmlFile: string; xml: string }>();
/** Deliberately broken copies: [file, the rule that must fail]. */
const broken: { name: string; file: string; rule: string }[] = [];
let schematron: Map<string, SchematronFailure[]>;

function failures(file: string): SchematronFailure[] {
  const found = schematron.get(file);
  if (!found) throw new Error(`Schematron did not report on ${file}`);
  return found;
}

const ids = (found: SchematronFailure[]): (string | null)[] => found.map((failure) => failure.id);

function tamper(name: string, xml: string, rule: string, replace: (xml: string) => string): void {
  const changed = replace(xml);
  if (changed === xml) throw new Error(`tampering for ${rule} changed nothing`);
  const file = path.join(dir, `broken-${rule}.xml`);
  writeFileSync(file, changed);
  broken.push({ name, file, rule });
}

beforeAll(async () => {
  validationTools();
  dir = mkdtempSync(path.join(tmpdir(), 'e-invoice-'));
  for (const [name, data] of Object.entries(INVOICES)) {
    const xml = await renderXRechnungCii(data);
    const file = path.join(dir, `${name}.xrechnung.xml`);
    writeFileSync(file, xml);
    xrechnung.set(name, { file, xml });

    const pdf = path.join(dir, `${name}.facturx.pdf`);
    writeFileSync(pdf, await renderFacturX(data, await renderInvoicePdf(data)));
    const xmlFile = path.join(dir, `${name}.factur-x.xml`);
    // pdfdetach 22.12's -savefile does not find the name it lists; save by the listed number.
    const listed = /^(\d+): factur-x\.xml$/m.exec(run('pdfdetach', ['-list', pdf]));
    if (!listed?.[1]) throw new Error(`no factur-x.xml in ${pdf}`);
    run('pdfdetach', ['-save', listed[1], '-o', xmlFile, pdf]);
    facturX.set(name, { pdf, xmlFile, xml: readFileSync(xmlFile, 'utf8') });
  }
  const sepa = xrechnung.get('deBusinessSepa')?.xml ?? '';
  // 82.11 → 82.12: gross ≠ net + VAT.
  tamper('deBusinessSepa', sepa, 'BR-CO-15', (xml) => xml.replace('<ram:GrandTotalAmount>82.11</ram:GrandTotalAmount>', '<ram:GrandTotalAmount>82.12</ram:GrandTotalAmount>'));
  // A line of 57.00 claimed as 56.00: the sum of the lines ≠ the invoice's line total.
  tamper('deBusinessSepa', sepa, 'BR-CO-10', (xml) => xml.replace('<ram:LineTotalAmount>57.00</ram:LineTotalAmount>', '<ram:LineTotalAmount>56.00</ram:LineTotalAmount>'));
  // The VAT breakdown's 13.11 claimed as 13.00: it no longer adds up to the invoice's VAT total.
  tamper('deBusinessSepa', sepa, 'BR-CO-14', (xml) => xml.replace('<ram:CalculatedAmount>13.11</ram:CalculatedAmount>', '<ram:CalculatedAmount>13.00</ram:CalculatedAmount>'));
  schematron = runSchematron([...xrechnung.values()].map((x) => x.file).concat([...facturX.values()].map((x) => x.xmlFile), broken.map((b) => b.file)));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(Object.keys(INVOICES))('e-invoices of %s', (name) => {
  const data = INVOICES[name] as InvoiceDocumentData;
  const x = (): { file: string; xml: string } => xrechnung.get(name) as { file: string; xml: string };
  const fx = (): { pdf: string; xmlFile: string; xml: string } => facturX.get(name) as { pdf: string; xmlFile: string; xml: string };

  it('XRechnung CII: valid against the EN 16931 XSD', () => {
    const result = validateXsd(x().file);
    expect(result.output).toContain('validates');
    expect(result.valid).toBe(true);
  });

  it('XRechnung CII: EN 16931 Schematron passes (only the XRechnung guideline id is foreign to it)', () => {
    expect(ids(failures(x().file))).toEqual(XRECHNUNG_ALLOWED);
  });

  it('XRechnung CII: no fatal BR-DE rule is violated', () => {
    const violations = checkBrDeRules(x().xml);
    expect(violations.filter((v) => v.flag === 'fatal')).toEqual([]);
    // The only warning we accept knowingly: BT-91 carries the masked debtor IBAN (…last 4).
    expect(violations.map((v) => v.id)).toEqual(data.payment.method === 'sepa' ? ['BR-DE-20'] : []);
  });

  it('Factur-X: factur-x.xml is valid against XSD and Schematron', () => {
    expect(validateXsd(fx().xmlFile).valid).toBe(true);
    expect(failures(fx().xmlFile)).toEqual([]);
    expect(CiiXml.parse(fx().xml).values('rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID')).toEqual(['urn:cen.eu:en16931:2017']);
  });

  it('Factur-X: the PDF carries factur-x.xml and stays PDF/A-3 with embedded fonts', () => {
    expect(run('pdfdetach', ['-list', fx().pdf])).toMatch(/1 embedded files\s+1: factur-x\.xml/);
    const meta = run('pdfinfo', ['-meta', fx().pdf]);
    expect(meta).toMatch(/<pdfaid:part>3<\/pdfaid:part>/);
    expect(meta).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
    expect(meta).toMatch(/<fx:DocumentFileName>factur-x\.xml<\/fx:DocumentFileName>/);
    expect(meta).toMatch(/<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
    for (const font of pdfFonts(fx().pdf)) expect(font.embedded).toBe(true);
    const { status, output } = runStatus('qpdf', ['--check', fx().pdf]);
    expect(output).toContain('No syntax or stream encoding errors');
    expect(status).toBe(0);
  });

  it('both carry our amounts and the buyer reference', () => {
    for (const xml of [x().xml, fx().xml]) {
      const cii = CiiXml.parse(xml);
      const summation = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation';
      expect(cii.values(`${summation}/ram:TaxBasisTotalAmount`)).toEqual([(data.netCents / 100).toFixed(2)]);
      expect(cii.values(`${summation}/ram:TaxTotalAmount`)).toEqual([(data.vatCents / 100).toFixed(2)]);
      expect(cii.values(`${summation}/ram:GrandTotalAmount`)).toEqual([(data.grossCents / 100).toFixed(2)]);
      expect(cii.values('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference')).toEqual([data.contractId]);
    }
  });
});

describe('e-invoice content', () => {
  const cii = (name: string): CiiXml => CiiXml.parse(xrechnung.get(name)?.xml ?? '');
  const SETTLEMENT = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement';
  const LINES = 'rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem';

  it('XRechnung 3.0 specification identifier and e-mail endpoints (BT-34, BT-49)', () => {
    const invoice = cii('deBusinessProration');
    expect(invoice.values('rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID')).toEqual([XRECHNUNG_CIUS_ID]);
    const agreement = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement';
    expect(invoice.values(`${agreement}/ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID`)).toEqual(['rechnung@vertragswerk.example']);
    expect(invoice.values(`${agreement}/ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID/@schemeID`)).toEqual(['EM']);
    expect(invoice.values(`${agreement}/ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID`)).toEqual(['buchhaltung@praxis-mueller.example']);
  });

  it('a prorated line is 1 × its net (3 × 19.00 × 17/31 is no price × quantity); full lines keep quantity and price', () => {
    const prorated = cii('deBusinessProration');
    expect(prorated.values(`${LINES}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity`)).toEqual(['1']);
    expect(prorated.values(`${LINES}/ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount`)).toEqual(['31.26']);
    expect(prorated.values(`${LINES}/ram:SpecifiedTradeProduct/ram:Name`)).toEqual(['Tarif Plus, 3 Nutzer, 15.01.–31.01.2027 (17/31 Tage)']);
    const full = cii('deBusinessSepa');
    expect(full.values(`${LINES}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity`)).toEqual(['3', '120']);
    expect(full.values(`${LINES}/ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount`)).toEqual(['19.00', '0.10']);
    expect(full.values(`${LINES}/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount`)).toEqual(['57.00', '12.00']);
  });

  it('bank transfer: code 58 with our IBAN and the invoice number as reference', () => {
    const invoice = cii('deBusinessProration');
    expect(invoice.values(`${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode`)).toEqual(['58']);
    expect(invoice.values(`${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID`)).toEqual(['DE89370400440532013000']);
    expect(invoice.values(`${SETTLEMENT}/ram:PaymentReference`)).toEqual(['2027-000001']);
  });

  it('SEPA direct debit: code 59, mandate (BT-89), creditor id (BT-90), masked debtor account (BT-91)', () => {
    const invoice = cii('deBusinessSepa');
    expect(invoice.values(`${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode`)).toEqual(['59']);
    expect(invoice.values(`${SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID`)).toEqual(['VW-2027-0001']);
    expect(invoice.values(`${SETTLEMENT}/ram:CreditorReferenceID`)).toEqual(['DE98ZZZ09999999999']);
    expect(invoice.values(`${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:IBANID`)).toEqual(['****3000']);
    expect(invoice.has(`${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount`)).toBe(false);
  });

  it('reverse charge: category AE at 0 % with exemption reason and both VAT IDs', () => {
    const invoice = cii('atBusinessReverseCharge');
    expect(invoice.values(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode`)).toEqual(['AE']);
    expect(invoice.values(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent`)).toEqual(['0']);
    expect(invoice.values(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReasonCode`)).toEqual(['VATEX-EU-AE']);
    expect(invoice.values(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReason`)).toEqual(['Steuerschuldnerschaft des Leistungsempfängers']);
    expect(invoice.values(`${LINES}/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode`)).toEqual(['AE']);
    const agreement = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement';
    expect(invoice.values(`${agreement}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID`)).toEqual(['DE123456789']);
    expect(invoice.values(`${agreement}/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID`)).toEqual(['ATU12345678']);
  });

  it('consumer: the § 286 (3) BGB note; AT consumer at 20 %', () => {
    const invoice = cii('atConsumer');
    expect(invoice.values('rsm:ExchangedDocument/ram:IncludedNote/ram:Content')).toEqual([expect.stringContaining('You will be in default at the latest')]);
    expect(invoice.values(`${SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent`)).toEqual(['20']);
  });

  it('card: code 68 (online payment service); prepaid: ZZZ (mutually defined)', () => {
    expect(cii('deConsumerCardPause').values(`${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode`)).toEqual(['68']);
    expect(cii('deBusinessPrepaidCredit').values(`${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode`)).toEqual(['ZZZ']);
  });

  it('a credit line: negative quantity, positive price (BR-27), negative line total', () => {
    const invoice = cii('deBusinessPrepaidCredit');
    expect(invoice.values(`${LINES}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity`)).toEqual(['3', '-1']);
    expect(invoice.values(`${LINES}/ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount`)).toEqual(['19.00', '5.00']);
    expect(invoice.values(`${LINES}/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount`)).toEqual(['57.00', '-5.00']);
  });
});

describe('the validators can fail', () => {
  it.each(['BR-CO-15', 'BR-CO-10', 'BR-CO-14'])('a tampered total fails Schematron %s', (rule) => {
    const tampered = broken.find((b) => b.rule === rule);
    if (!tampered) throw new Error(`no tampered file for ${rule}`);
    expect(ids(failures(tampered.file))).toContain(rule);
    // Amounts are no XSD matter: the schema alone would not have caught it.
    expect(validateXsd(tampered.file).valid).toBe(true);
  });

  it('the XSD rejects an element the schema does not know', () => {
    const file = path.join(dir, 'broken-xsd.xml');
    writeFileSync(file, (xrechnung.get('deBusinessSepa')?.xml ?? '').replace('<ram:TypeCode>380</ram:TypeCode>', '<ram:TypeCode>380</ram:TypeCode><ram:Unknown>1</ram:Unknown>'));
    const result = validateXsd(file);
    expect(result.valid).toBe(false);
    expect(result.output).toMatch(/Unknown/);
  });
});

describe('e-invoice rendering', () => {
  it('is deterministic: XRechnung and Factur-X render byte-identically', async () => {
    for (const data of [deBusinessSepa, atConsumer]) {
      expect(await renderXRechnungCii(data)).toBe(await renderXRechnungCii(structuredClone(data)));
      const pdf = await renderInvoicePdf(data);
      const [first, second] = [await renderFacturX(data, pdf), await renderFacturX(structuredClone(data), pdf)];
      expect(first.equals(second)).toBe(true);
    }
  });

  it('the Factur-X dates are the issue date, not the clock', async () => {
    const file = facturX.get('deBusinessSepa')?.pdf ?? '';
    const info = run('pdfinfo', ['-isodates', file]);
    expect(info).toMatch(/CreationDate:\s+2027-02-01T00:00:00/);
    expect(info).toMatch(/ModDate:\s+2027-02-01T00:00:00/);
    expect(run('pdfinfo', ['-meta', file])).not.toMatch(/(?<!2027-02-01)T\d\d:\d\d:\d\d[+-]\d\d:\d\d/);
    expect(run('pdfinfo', ['-meta', file])).toContain('<xmp:CreateDate>2027-02-01T00:00:00+00:00</xmp:CreateDate>');
  });

  it('refuses data no valid e-invoice can be made from', async () => {
    await expect(renderXRechnungCii({ ...deBusinessProration, customer: { ...deBusinessProration.customer, email: null } })).rejects.toThrow(
      /customer needs an e-mail address/,
    );
    await expect(renderXRechnungCii({ ...deBusinessProration, netCents: 3127 })).rejects.toThrow(InvalidDocumentDataError);
    await expect(renderXRechnungCii({ ...deBusinessProration, servicePeriod: { from: '2027-01-20', to: '2027-01-31' } })).rejects.toThrow(
      /outside the invoice period/,
    );
    await expect(renderXRechnungCii({ ...atBusinessReverseCharge, reverseCharge: false })).rejects.toThrow(/AE only under reverse charge/);
  });

  it("gives what the library's own InvoiceService.generate gives (we only keep its compiled schema)", async () => {
    const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
    for (const data of Object.values(INVOICES)) {
      const reference = await new InvoiceService(quiet).generate(toUblInvoice(data, { requireBuyerEndpoint: true }), { format: 'XRECHNUNG-CII', lang: data.locale });
      expect(await renderXRechnungCii(data)).toBe(reference);
    }
    const pdf = await renderInvoicePdf(deBusinessSepa);
    const reference = await new InvoiceService(quiet).generate(toUblInvoice(deBusinessSepa, { requireBuyerEndpoint: false }), {
      format: 'Factur-X-EN16931',
      lang: 'de',
      pdf: { buffer: pdf, filename: '2027-000002.pdf', mimetype: 'application/pdf' },
    });
    expect((await fixFacturXDates(reference as Uint8Array, deBusinessSepa.issuedOn)).equals(await renderFacturX(deBusinessSepa, pdf))).toBe(true);
  });

  it("still applies the library's JSON schema (an unknown country code fails)", async () => {
    const data = { ...deBusinessProration, customer: { ...deBusinessProration.customer, country: 'XX' as 'DE' } };
    const failure = renderXRechnungCii(data);
    await expect(failure).rejects.toThrow(EInvoiceGenerationError);
    await expect(failure).rejects.toThrow(/validation failed/);
    await expect(failure.catch((error: EInvoiceGenerationError) => error.details.join('\n'))).resolves.toMatch(/IdentificationCode/);
  });

  it('Factur-X needs no buyer e-mail address', async () => {
    const data = { ...deBusinessProration, customer: { ...deBusinessProration.customer, email: null } };
    const output = await renderFacturX(data, await renderInvoicePdf(data));
    expect(output.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
