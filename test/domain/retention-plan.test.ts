/** The retention plan of a contract (DOMAIN.md, "Retention and deletion"): what is due on which day, legal holds. */
import type { LocalDate } from '../../src/domain/calendar';
import type { Country } from '../../src/domain/invoice';
import type { ContractRecord, ContractRecordType } from '../../src/domain/retention-plan';
import { destructionDayOf, isDunningKind, planRetention, retentionRuleOf } from '../../src/domain/retention-plan';

const record = (recordType: ContractRecordType, createdOn: LocalDate, more: Partial<ContractRecord> = {}): ContractRecord => ({
  recordType,
  recordId: `${recordType}-${createdOn}`,
  createdOn,
  legalHold: false,
  ...more,
});

describe('a record exists on its last day and is due on the next one', () => {
  test.each<[Country, ContractRecordType, LocalDate, LocalDate]>([
    // [issuer, record, created on, last day kept]
    ['DE', 'invoice', '2027-02-01', '2035-12-31'], // § 147 AO: 8 years from the end of 2027
    ['DE', 'invoice', '2027-12-31', '2035-12-31'], // the last day of the year counts as that year
    ['DE', 'invoice', '2028-01-01', '2036-12-31'],
    ['DE', 'invoice', '2028-02-29', '2036-12-31'], // a leap day changes nothing: whole years from 31.12.
    ['AT', 'invoice', '2027-02-01', '2034-12-31'], // § 132 BAO: 7 years
    ['DE', 'payment', '2027-06-15', '2035-12-31'],
    ['DE', 'card-charge', '2027-06-15', '2035-12-31'], // a payment record
    ['DE', 'sepa-debit', '2027-06-15', '2035-12-31'],
    ['DE', 'prepayment', '2027-06-15', '2035-12-31'],
    ['DE', 'ledger-entry', '2027-03-01', '2037-12-31'], // 10 years
    ['AT', 'ledger-entry', '2027-03-01', '2034-12-31'],
    ['DE', 'letter', '2027-03-01', '2033-12-31'], // 6 years
    ['DE', 'billing-mail', '2027-03-01', '2033-12-31'],
    ['DE', 'dunning-letter', '2027-03-01', '2033-12-31'],
    ['DE', 'dunning-step', '2027-03-01', '2033-12-31'], // kept like the dunning letters
    ['DE', 'collection-handover', '2027-03-01', '2033-12-31'],
    ['DE', 'credit-report', '2027-03-01', '2033-12-31'],
    ['AT', 'letter', '2027-03-01', '2034-12-31'],
  ])('%s %s of %s: kept until %s', (country, recordType, createdOn, lastDay) => {
    const plan = planRetention([record(recordType, createdOn)], country);
    expect(plan.records[0].retainUntil).toBe(lastDay);
    expect(plan.nextRetainUntil).toBe(lastDay);
    expect(plan.due(lastDay)).toEqual([]);
    expect(plan.due(destructionDayOf(lastDay)).map((r) => r.recordId)).toEqual([`${recordType}-${createdOn}`]);
  });
});

test('the examples of DOMAIN.md: a DE invoice of 2027 on 31.12.2035 and 01.01.2036, an AT one on 01.01.2035, DE ledger entries on 01.01.2038, letters 2034', () => {
  const de = planRetention([record('invoice', '2027-05-01'), record('ledger-entry', '2027-05-01'), record('letter', '2027-05-01')], 'DE');
  const dueOn = (today: LocalDate) => de.due(today).map((r) => r.recordType);
  expect(dueOn('2033-12-31')).toEqual([]);
  expect(dueOn('2034-01-01')).toEqual(['letter']);
  expect(dueOn('2035-12-31')).toEqual(['letter']);
  expect(dueOn('2036-01-01')).toEqual(['invoice', 'letter']);
  expect(dueOn('2037-12-31')).toEqual(['invoice', 'letter']);
  expect(dueOn('2038-01-01')).toEqual(['invoice', 'ledger-entry', 'letter']);
  expect(de.nextRetainUntil).toBe('2033-12-31');

  const at = planRetention([record('invoice', '2027-05-01')], 'AT');
  expect(at.due('2034-12-31')).toEqual([]);
  expect(at.due('2035-01-01')).toHaveLength(1);
});

describe('legal hold', () => {
  const invoiceId = 'inv-held';
  const records = (held: boolean): ContractRecord[] => [
    record('invoice', '2027-02-01', { recordId: invoiceId, legalHold: held }),
    record('payment', '2027-02-10', { invoiceIds: [invoiceId] }),
    record('ledger-entry', '2027-02-01', { invoiceIds: [invoiceId] }),
    record('billing-mail', '2027-02-01', { invoiceIds: [invoiceId] }),
    record('dunning-step', '2027-03-01', { invoiceIds: [invoiceId] }),
    record('collection-handover', '2027-05-01', { invoiceIds: ['inv-other', invoiceId] }), // one of its claims is held
    record('invoice', '2027-03-01', { recordId: 'inv-other' }),
    record('billing-mail', '2027-03-01', { invoiceIds: ['inv-other'] }),
  ];

  test('a held invoice keeps itself and every record about it; the others go as usual', () => {
    const plan = planRetention(records(true), 'DE');
    expect(plan.held).toBe(6);
    expect(plan.remaining).toBe(2);
    expect(plan.due('2050-01-01').map((r) => r.recordId)).toEqual(['inv-other', 'billing-mail-2027-03-01']);
    expect(plan.nextRetainUntil).toBe('2033-12-31'); // the other invoice's mail
  });

  test('nothing but held records left: nextRetainUntil is null, nothing is due ever', () => {
    const plan = planRetention(records(true).slice(0, 6), 'DE');
    expect(plan).toMatchObject({ nextRetainUntil: null, remaining: 0, held: 6 });
    expect(plan.due('2100-01-01')).toEqual([]);
  });

  test('released: everything overdue is due at once', () => {
    const plan = planRetention(records(false), 'DE');
    expect(plan).toMatchObject({ remaining: 8, held: 0, nextRetainUntil: '2033-12-31' });
    expect(plan.due('2040-06-01')).toHaveLength(8);
  });

  test('a hold on a record of its own (not an invoice) keeps only that record', () => {
    const plan = planRetention([record('letter', '2027-01-01', { legalHold: true }), record('letter', '2027-01-02')], 'DE');
    expect(plan).toMatchObject({ remaining: 1, held: 1 });
  });
});

test('nothing left: no next date, nothing remaining', () => {
  expect(planRetention([], 'AT')).toMatchObject({ records: [], nextRetainUntil: null, remaining: 0, held: 0 });
});

test('the earliest retainUntil wins whatever the order of the records', () => {
  const plan = planRetention([record('ledger-entry', '2027-01-01'), record('invoice', '2026-01-01'), record('letter', '2028-01-01')], 'DE');
  expect(plan.nextRetainUntil).toBe('2034-12-31');
});

test('the log rule names the law, the period and its record type, nothing else', () => {
  expect(retentionRuleOf('invoice', 'DE')).toBe('DE § 147 AO: invoice 8 years');
  expect(retentionRuleOf('ledger-entry', 'DE')).toBe('DE § 147 AO, § 257 HGB: ledger-entry 10 years');
  expect(retentionRuleOf('card-charge', 'DE')).toBe('DE § 147 AO: payment 8 years');
  expect(retentionRuleOf('letter', 'AT')).toBe('AT § 132 BAO: letter 7 years');
  expect(planRetention([record('dunning-step', '2029-04-01')], 'DE').records[0]).toMatchObject({ year: 2029, rule: 'DE § 147 AO: dunning-letter 6 years' });
});

test('the period is configurable per country and record type', () => {
  const policy = { AT: { invoice: 7, payment: 7, 'ledger-entry': 7, letter: 7, 'billing-mail': 7, 'dunning-letter': 7 }, DE: { invoice: 10, payment: 8, 'ledger-entry': 10, letter: 6, 'billing-mail': 6, 'dunning-letter': 6 } };
  const plan = planRetention([record('invoice', '2027-01-01')], 'DE', policy);
  expect(plan.nextRetainUntil).toBe('2037-12-31');
  expect(plan.records[0].rule).toBe('DE § 147 AO: invoice 10 years');
});

test('dunning kinds', () => {
  expect(['payment_reminder', 'dunning_letter_1', 'dunning_letter_final', 'collection_handover'].every(isDunningKind)).toBe(true);
  expect(['invoice', 'contract_suspended'].some(isDunningKind)).toBe(false);
});
