// Account statements for the statement PDF tests: the debtor account of a German business customer
// from January to March 2027 with every entry type — a prepayment, three invoices, a transfer and a
// SEPA payment, the SEPA return with the bank's fee, a dunning fee and default interest (DOMAIN.md,
// "Dunning precision": 82.11 open, 1 + 9 points = 10.27 %, 14 days → 0.32), a goodwill credit and
// the note that the prepayment is not refunded. The open items add up to the balance.
import type { StatementDocumentData, StatementLine } from '../../src/documents/statement-pdf';
import { deBusinessProration, ISSUER } from './fixtures';

const CONTRACT_ID = '6f1c2a4e-8b3d-4f5a-9c7e-1d2b3a4c5d6e';

type Entry = Omit<StatementLine, 'description'> & { readonly de: string; readonly en: string };

/** The bookings, each with its description in both languages, as the ledger stores them. */
const ENTRIES: readonly Entry[] = [
  { bookedOn: '2027-01-10', type: 'prepayment', de: 'per Karte', en: 'by card', reference: 'pi_prepay_0001', invoiceNumber: null, amountCents: -2000 },
  { bookedOn: '2027-01-15', type: 'invoice', de: 'Rechnung 2027-000001', en: 'Invoice 2027-000001', reference: null, invoiceNumber: '2027-000001', amountCents: 3720 },
  { bookedOn: '2027-01-29', type: 'payment', de: 'Überweisung', en: 'Bank transfer', reference: 'BANK-20270129-17', invoiceNumber: '2027-000001', amountCents: -1720 },
  { bookedOn: '2027-02-01', type: 'invoice', de: 'Rechnung 2027-000002', en: 'Invoice 2027-000002', reference: null, invoiceNumber: '2027-000002', amountCents: 8211 },
  { bookedOn: '2027-02-15', type: 'payment', de: 'SEPA-Lastschrift', en: 'SEPA direct debit', reference: 'E2E-VW-2027-0002', invoiceNumber: '2027-000002', amountCents: -8211 },
  { bookedOn: '2027-02-20', type: 'chargeback', de: 'SEPA-Rücklastschrift', en: 'SEPA return', reference: 'E2E-VW-2027-0002', invoiceNumber: '2027-000002', amountCents: 8211 },
  { bookedOn: '2027-02-20', type: 'fee', de: 'Bankentgelt der Rücklastschrift', en: 'Bank charge for the return', reference: null, invoiceNumber: '2027-000002', amountCents: 300 },
  { bookedOn: '2027-03-01', type: 'invoice', de: 'Rechnung 2027-000003', en: 'Invoice 2027-000003', reference: null, invoiceNumber: '2027-000003', amountCents: 8211 },
  { bookedOn: '2027-03-06', type: 'fee', de: 'Mahngebühr 1. Mahnung', en: 'Dunning fee, first letter', reference: null, invoiceNumber: '2027-000002', amountCents: 500 },
  {
    bookedOn: '2027-03-06',
    type: 'interest',
    de: '21.02.–06.03.2027, 14 Tage, 10,27\u00a0%',
    en: '21 Feb – 6 Mar 2027, 14 days, 10.27%',
    reference: null,
    invoiceNumber: '2027-000002',
    amountCents: 32,
  },
  { bookedOn: '2027-03-10', type: 'credit', de: 'Kulanz', en: 'Goodwill', reference: null, invoiceNumber: '2027-000003', amountCents: -1000 },
  { bookedOn: '2027-03-15', type: 'refund-blocked', de: 'Vorauszahlung', en: 'Prepayment', reference: 'pi_prepay_0001', invoiceNumber: null, amountCents: 0 },
];

/** 162.54 owed on 31.03.2027: invoice 2027-000002 (82.11 + 8.00 fees + 0.32 interest) and 72.11 of 2027-000003. */
export const deStatement: StatementDocumentData = {
  issuer: ISSUER,
  // The customer of the invoice fixtures, as printed in the window.
  recipient: (({ name, addressLine1, addressLine2, postalCode, city, country }) => ({ name, addressLine1, addressLine2, postalCode, city, country }))(deBusinessProration.customer),
  locale: 'de',
  contractId: CONTRACT_ID,
  statementOn: '2027-03-31',
  entries: ENTRIES.map(({ de, en: _en, ...entry }) => ({ ...entry, description: de })),
  balanceCents: 16254,
  // Newest first on purpose: the statement lists them (and picks the payment reference) oldest first.
  openItems: [
    { invoiceNumber: '2027-000003', issuedOn: '2027-03-01', dueOn: '2027-03-15', openCents: 7211, feesCents: 0, interestCents: 0 },
    { invoiceNumber: '2027-000002', issuedOn: '2027-02-01', dueOn: '2027-02-15', openCents: 8211, feesCents: 800, interestCents: 32 },
  ],
  currency: 'EUR',
};

/** The same account in English, for an Austrian address (the country line in the window). */
export const enStatement: StatementDocumentData = {
  ...deStatement,
  locale: 'en',
  recipient: { name: 'Ordination Dr. Huber', addressLine1: 'Mariahilfer Straße 10/3', addressLine2: null, postalCode: '1070', city: 'Wien', country: 'AT' },
  entries: ENTRIES.map(({ de: _de, en, ...entry }) => ({ ...entry, description: en })),
};

/** `count` bookings alternating between a 57.00 invoice and a 50.00 payment on it (7.00 left each time). */
export function longStatement(count: number): StatementDocumentData {
  const entries: StatementLine[] = Array.from({ length: count }, (_, index) => {
    const pair = Math.floor(index / 2);
    const invoiceNumber = `2027-${String(pair + 1).padStart(6, '0')}`;
    const day = `2027-${String(1 + Math.floor(index / 28)).padStart(2, '0')}-${String(1 + (index % 28)).padStart(2, '0')}`;
    return index % 2 === 0
      ? { bookedOn: day, type: 'invoice', description: `Rechnung ${invoiceNumber}`, reference: null, invoiceNumber, amountCents: 5700 }
      : { bookedOn: day, type: 'payment', description: 'Überweisung', reference: `BANK-${index}`, invoiceNumber, amountCents: -5000 };
  });
  return {
    ...deStatement,
    entries,
    balanceCents: entries.reduce((sum, entry) => sum + entry.amountCents, 0),
    openItems: [],
  };
}
