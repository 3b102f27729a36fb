// Invoice document data for the document tests and the benchmark: the DOMAIN.md worked example
// (plus, 3 seats, German business customer from 15.01.2027), an Austrian consumer, reverse charge
// to an Austrian business, SEPA direct debit, card. Amounts are what billing-run computes.
import type { DocumentLine, InvoiceDocumentData, InvoiceLine, Issuer, Locale } from '../../src/domain/invoice';
import { CURRENT_INVOICE_TEMPLATE_VERSION } from '../../src/documents/invoice-pdf';
import { describeLine } from '../../src/documents/line-descriptions';

export const ISSUER: Issuer = {
  name: 'Vertragswerk GmbH',
  addressLine1: 'Friedrichstraße 123',
  addressLine2: null,
  postalCode: '10117',
  city: 'Berlin',
  country: 'DE',
  vatId: 'DE123456789',
  email: 'rechnung@vertragswerk.example',
  iban: 'DE89370400440532013000',
  bic: 'COBADEFFXXX',
  creditorId: 'DE98ZZZ09999999999',
  bankName: 'Commerzbank',
  register: 'Amtsgericht Berlin-Charlottenburg HRB 123456 B',
  managingDirectors: 'Erika Mustermann, Max Mustermann',
  phone: '+49 30 1234567',
  website: 'www.vertragswerk.example',
};

const CONTRACT_ID = '6f1c2a4e-8b3d-4f5a-9c7e-1d2b3a4c5d6e';
const CUSTOMER_ID = 'c0ffee00-1234-4abc-8def-0123456789ab';

function document(lines: InvoiceLine[], locale: Locale, overrides: Partial<InvoiceDocumentData>): InvoiceDocumentData {
  const documentLines: DocumentLine[] = lines.map((line) => ({ ...line, description: describeLine(line, locale) }));
  return {
    templateVersion: CURRENT_INVOICE_TEMPLATE_VERSION,
    number: '2027-000001',
    contractId: CONTRACT_ID,
    customerId: CUSTOMER_ID,
    locale,
    issuedOn: '2027-01-15',
    dueOn: '2027-01-29',
    servicePeriod: { from: '2027-01-15', to: '2027-01-31' },
    issuer: ISSUER,
    customer: {
      type: 'business',
      name: 'Praxis Dr. Müller GmbH',
      addressLine1: 'Hauptstraße 5',
      addressLine2: 'Gebäude B, 2. OG',
      postalCode: '80331',
      city: 'München',
      country: 'DE',
      vatId: 'DE987654321',
      email: 'buchhaltung@praxis-mueller.example',
    },
    lines: documentLines,
    vatGroups: [],
    netCents: 0,
    vatCents: 0,
    grossCents: 0,
    currency: 'EUR',
    reverseCharge: false,
    payment: { method: 'transfer', reference: overrides.number ?? '2027-000001', mandateReference: null, debtorIbanLast4: null, collectionOn: null },
    consumerDefaultNotice: false,
    ...overrides,
  };
}

/** 15.01.2027: plus, 3 seats, prorated 17/31 days: 3 × 19.00 × 17/31 = 31.26 net, 5.94 VAT, 37.20 gross; bank transfer. */
export const deBusinessProration: InvoiceDocumentData = document(
  [
    {
      kind: 'proration',
      plan: 'plus',
      quantity: 3,
      unitPriceCents: 1900,
      proration: { days: 17, daysInMonth: 31 },
      netCents: 3126,
      vatRatePercent: 19,
      servicePeriod: { from: '2027-01-15', to: '2027-01-31' },
    },
  ],
  'de',
  { vatGroups: [{ ratePercent: 19, category: 'S', netCents: 3126, vatCents: 594 }], netCents: 3126, vatCents: 594, grossCents: 3720 },
);

/** 01.02.2027: 3 × 19.00 = 57.00 for February + 120 SMS × 0.10 = 12.00 of January → 69.00 net, 13.11 VAT, 82.11 gross; SEPA. */
export const deBusinessSepa: InvoiceDocumentData = document(
  [
    {
      kind: 'base-fee',
      plan: 'plus',
      quantity: 3,
      unitPriceCents: 1900,
      proration: null,
      netCents: 5700,
      vatRatePercent: 19,
      servicePeriod: { from: '2027-02-01', to: '2027-02-28' },
    },
    {
      kind: 'usage',
      plan: null,
      quantity: 120,
      unitPriceCents: 10,
      proration: null,
      netCents: 1200,
      vatRatePercent: 19,
      servicePeriod: { from: '2027-01-15', to: '2027-01-31' },
    },
  ],
  'de',
  {
    number: '2027-000002',
    issuedOn: '2027-02-01',
    dueOn: '2027-02-15',
    servicePeriod: { from: '2027-01-15', to: '2027-02-28' },
    vatGroups: [{ ratePercent: 19, category: 'S', netCents: 6900, vatCents: 1311 }],
    netCents: 6900,
    vatCents: 1311,
    grossCents: 8211,
    payment: { method: 'sepa', reference: '2027-000002', mandateReference: 'VW-2027-0001', debtorIbanLast4: '3000', collectionOn: '2027-02-15' },
  },
);

/** An Austrian consumer (English), 20 %: plus, 1 seat, March 2027 → 19.00 net, 3.80 VAT, 22.80 gross; § 286 (3) BGB note. */
export const atConsumer: InvoiceDocumentData = document(
  [
    {
      kind: 'base-fee',
      plan: 'plus',
      quantity: 1,
      unitPriceCents: 1900,
      proration: null,
      netCents: 1900,
      vatRatePercent: 20,
      servicePeriod: { from: '2027-03-01', to: '2027-03-31' },
    },
  ],
  'en',
  {
    number: '2027-000003',
    issuedOn: '2027-03-01',
    dueOn: '2027-03-15',
    servicePeriod: { from: '2027-03-01', to: '2027-03-31' },
    customer: {
      type: 'consumer',
      name: 'Anna Gruber',
      addressLine1: 'Mariahilfer Straße 10/4',
      addressLine2: null,
      postalCode: '1070',
      city: 'Wien',
      country: 'AT',
      vatId: null,
      email: 'anna.gruber@example.at',
    },
    vatGroups: [{ ratePercent: 20, category: 'S', netCents: 1900, vatCents: 380 }],
    netCents: 1900,
    vatCents: 380,
    grossCents: 2280,
    consumerDefaultNotice: true,
    payment: { method: 'transfer', reference: '2027-000003', mandateReference: null, debtorIbanLast4: null, collectionOn: null },
  },
);

/** Issuer DE → Austrian business with VAT ID: reverse charge, 0 %, category AE. */
export const atBusinessReverseCharge: InvoiceDocumentData = document(
  [
    {
      kind: 'base-fee',
      plan: 'plus',
      quantity: 3,
      unitPriceCents: 1900,
      proration: null,
      netCents: 5700,
      vatRatePercent: 0,
      servicePeriod: { from: '2027-04-01', to: '2027-04-30' },
    },
  ],
  'de',
  {
    number: '2027-000004',
    issuedOn: '2027-04-01',
    dueOn: '2027-04-15',
    servicePeriod: { from: '2027-04-01', to: '2027-04-30' },
    customer: {
      type: 'business',
      name: 'Ordination Huber OG',
      addressLine1: 'Landstraßer Hauptstraße 1',
      addressLine2: null,
      postalCode: '1030',
      city: 'Wien',
      country: 'AT',
      vatId: 'ATU12345678',
      email: 'office@ordination-huber.example.at',
    },
    vatGroups: [{ ratePercent: 0, category: 'AE', netCents: 5700, vatCents: 0 }],
    netCents: 5700,
    vatCents: 0,
    grossCents: 5700,
    reverseCharge: true,
    payment: { method: 'transfer', reference: '2027-000004', mandateReference: null, debtorIbanLast4: null, collectionOn: null },
  },
);

/** A German consumer paying by card, with a prorated pause fee: 5.00 × 14/28 = 2.50 net, 0.48 VAT, 2.98 gross. */
export const deConsumerCardPause: InvoiceDocumentData = document(
  [
    {
      kind: 'pause-fee',
      plan: null,
      quantity: 1,
      unitPriceCents: 500,
      proration: { days: 14, daysInMonth: 28 },
      netCents: 250,
      vatRatePercent: 19,
      servicePeriod: { from: '2027-02-15', to: '2027-02-28' },
    },
  ],
  'de',
  {
    number: '2027-000005',
    issuedOn: '2027-02-15',
    dueOn: '2027-03-01',
    servicePeriod: { from: '2027-02-15', to: '2027-02-28' },
    customer: {
      type: 'consumer',
      name: 'Jörg Weiß',
      addressLine1: 'Am Großen Garten 7',
      addressLine2: null,
      postalCode: '01219',
      city: 'Dresden',
      country: 'DE',
      vatId: null,
      email: 'joerg.weiss@example.de',
    },
    vatGroups: [{ ratePercent: 19, category: 'S', netCents: 250, vatCents: 48 }],
    netCents: 250,
    vatCents: 48,
    grossCents: 298,
    consumerDefaultNotice: true,
    payment: { method: 'card', reference: '2027-000005', mandateReference: null, debtorIbanLast4: null, collectionOn: null },
  },
);

/** Prepaid, with a credit line: 3 × 19.00 = 57.00 − 5.00 credit → 52.00 net, 9.88 VAT, 61.88 gross. */
export const deBusinessPrepaidCredit: InvoiceDocumentData = document(
  [
    {
      kind: 'base-fee',
      plan: 'plus',
      quantity: 3,
      unitPriceCents: 1900,
      proration: null,
      netCents: 5700,
      vatRatePercent: 19,
      servicePeriod: { from: '2027-05-01', to: '2027-05-31' },
    },
    {
      kind: 'credit',
      plan: null,
      quantity: 1,
      unitPriceCents: 500,
      proration: null,
      netCents: -500,
      vatRatePercent: 19,
      servicePeriod: { from: '2027-05-01', to: '2027-05-01' },
    },
  ],
  'en',
  {
    number: '2027-000006',
    issuedOn: '2027-05-01',
    dueOn: '2027-05-15',
    servicePeriod: { from: '2027-05-01', to: '2027-05-31' },
    vatGroups: [{ ratePercent: 19, category: 'S', netCents: 5200, vatCents: 988 }],
    netCents: 5200,
    vatCents: 988,
    grossCents: 6188,
    payment: { method: 'prepaid', reference: '2027-000006', mandateReference: null, debtorIbanLast4: null, collectionOn: null },
  },
);

/** Every fixture by name, for table-driven tests. */
export const INVOICES: Readonly<Record<string, InvoiceDocumentData>> = {
  deBusinessProration,
  deBusinessSepa,
  atConsumer,
  atBusinessReverseCharge,
  deConsumerCardPause,
  deBusinessPrepaidCredit,
};
