/** The handover format v1: the published schema files, and what they (and the adapter's checks) let through. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HANDOVER_SCHEMA_V1, handoverProblems, PAYMENT_SCHEMA_V1, paymentProblems } from '../../src/collection-agency/handover-schema';
import { publishedSchema, publishedValidator, sampleHandover, samplePayment, STATEMENT_PDF } from './fixtures';

const validHandover = publishedValidator('handover');
const validPayment = publishedValidator('payment');

describe('published schemas', () => {
  it('docs/ holds exactly the schemas the adapters validate with', () => {
    expect(publishedSchema('handover')).toEqual(HANDOVER_SCHEMA_V1);
    expect(publishedSchema('payment')).toEqual(PAYMENT_SCHEMA_V1);
  });

  it('are draft 2020-12 with a versioned $id', () => {
    expect(HANDOVER_SCHEMA_V1.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(HANDOVER_SCHEMA_V1.$id).toMatch(/collection-agency-handover\.v1\.schema\.json$/);
    expect(PAYMENT_SCHEMA_V1.$id).toMatch(/collection-agency-payment\.v1\.schema\.json$/);
  });

  it('the debtor has exactly the fields DOMAIN.md allows, all required, no others', () => {
    const debtor = HANDOVER_SCHEMA_V1.properties.debtor;
    const allowed = ['name', 'birthName', 'address', 'email', 'dateOfBirth', 'occupation', 'phone', 'contractDate'];
    expect(Object.keys(debtor.properties)).toEqual(allowed);
    expect([...debtor.required]).toEqual(allowed);
    expect(debtor.additionalProperties).toBe(false);
  });

  it('docs/collection-agency.md documents the format and names the schema files', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'collection-agency.md'), 'utf8');
    expect(doc).toContain('collection-agency-handover.v1.schema.json');
    expect(doc).toContain('collection-agency-payment.v1.schema.json');
    expect(doc).toContain('Idempotency-Key');
  });
});

describe('handover v1', () => {
  it('the sample handover is valid', () => {
    expect(validHandover(sampleHandover())).toBe(true);
    expect(handoverProblems(sampleHandover(), STATEMENT_PDF)).toEqual([]);
  });

  const debtor = sampleHandover().debtor;
  it.each<[string, unknown]>([
    ['an IBAN in the debtor', { ...debtor, iban: 'DE89370400440532013000' }],
    ['a customer id in the debtor', { ...debtor, customerId: 'c-1' }],
    ['a VAT ID in the debtor address', { ...debtor, address: { ...debtor.address, vatId: 'DE123456789' } }],
    ['no phone key (null is required when unknown)', (({ phone: _phone, ...rest }) => rest)(debtor)],
    ['an empty name', { ...debtor, name: '' }],
    ['a date of birth that is no date', { ...debtor, dateOfBirth: '17.05.1980' }],
    ['a country that is no ISO code', { ...debtor, address: { ...debtor.address, country: 'Deutschland' } }],
  ])('refuses %s', (_, changed) => {
    const handover = { ...sampleHandover(), debtor: changed } as never;
    expect(validHandover(handover)).toBe(false);
    expect(handoverProblems(handover, STATEMENT_PDF)).not.toEqual([]);
  });

  it('allows null for what a customer did not give (birth name, date of birth, occupation, phone, line2)', () => {
    const handover = sampleHandover({ debtor: { ...debtor, birthName: null, dateOfBirth: null, occupation: null, phone: null, address: { ...debtor.address, line2: null } } });
    expect(validHandover(handover)).toBe(true);
    expect(handoverProblems(handover, STATEMENT_PDF)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['formatVersion 2', { formatVersion: 2 }],
    ['no claims', { claims: [] }],
    ['money in USD', { claimTotal: { amount: 13_302, currency: 'USD' } }],
    ['money in euros (a decimal)', { claimTotal: { amount: 133.02, currency: 'EUR' } }],
    ['a handover id with a path', { handoverId: '../etc' }],
    ['an unknown top-level field', { note: 'hello' }],
  ])('refuses %s', (_, overrides) => {
    const handover = { ...sampleHandover(), ...overrides } as never;
    expect(validHandover(handover)).toBe(false);
    expect(handoverProblems(handover, STATEMENT_PDF)).not.toEqual([]);
  });

  it('the adapter also checks what the schema cannot: the total and the statement', () => {
    expect(handoverProblems(sampleHandover({ claimTotal: { amount: 13_301, currency: 'EUR' } }), STATEMENT_PDF)).toEqual(['/claimTotal: 13301 is not the sum of the claims (13302)']);
    expect(handoverProblems(sampleHandover(), Buffer.from('%PDF-1.7\nanother statement\n'))).toEqual([expect.stringMatching(/^\/statement\/sha256: the PDF given has [0-9a-f]{64}$/)]);
    const notPdf = Buffer.from('hello');
    expect(handoverProblems(sampleHandover({}, notPdf), notPdf)).toEqual(['statement: not a PDF']);
  });
});

describe('payment v1', () => {
  it('a payment with its handover is valid; amounts above 0 only', () => {
    const document = { formatVersion: 1 as const, handoverId: sampleHandover().handoverId, ...samplePayment() };
    expect(validPayment(document)).toBe(true);
    expect(paymentProblems(document)).toEqual([]);
    expect(paymentProblems({ ...document, amount: { amount: 0, currency: 'EUR' } })).toEqual(['/amount: must be more than 0']);
    expect(validPayment({ ...document, payer: 'Dr. Muster' })).toBe(false);
    expect(validPayment({ ...document, invoiceNumber: null })).toBe(true);
  });
});
