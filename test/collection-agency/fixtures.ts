import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { CollectionHandover, CollectionPayment } from '../../src/collection-agency/collection-agency';

/** A small PDF standing in for the account statement (the adapters check the header and the SHA-256). */
export const STATEMENT_PDF = Buffer.from('%PDF-1.7\n% Kontoauszug 2027-03-29\n%%EOF\n');

const eur = (amount: number) => ({ amount, currency: 'EUR' as const });

/** A handover as the dunning activity builds it: 82.11 principal + 10.00 fees + 40.00 flat + 0.91 interest. */
export function sampleHandover(overrides: Partial<CollectionHandover> = {}, pdf: Buffer = STATEMENT_PDF): CollectionHandover {
  return {
    formatVersion: 1,
    handoverId: '0b9d6c1e-5f0a-4c1e-9a39-3f3f5b2c7d10',
    handedOverOn: '2027-03-29',
    creditor: { name: 'Vertragswerk GmbH', vatId: 'DE123456789', address: { line1: 'Musterstraße 1', line2: null, postalCode: '10115', city: 'Berlin', country: 'DE' } },
    debtor: {
      name: 'Praxis Dr. Muster',
      birthName: 'Muster',
      address: { line1: 'Hauptstraße 1', line2: 'Hinterhaus', postalCode: '10115', city: 'Berlin', country: 'DE' },
      email: 'praxis@example.org',
      dateOfBirth: '1980-05-17',
      occupation: 'Ärztin',
      phone: '+49 30 1234567',
      contractDate: '2027-01-15',
    },
    claims: [{ invoiceNumber: '2027-000002', issuedOn: '2027-02-01', dueOn: '2027-02-15', openAmount: eur(8211), fees: eur(5000), interest: eur(91) }],
    claimTotal: eur(13_302),
    statement: { fileName: 'kontoauszug-2027-03-29.pdf', sha256: createHash('sha256').update(pdf).digest('hex') },
    ...overrides,
  };
}

export function samplePayment(overrides: Partial<CollectionPayment> = {}): CollectionPayment {
  return { paymentId: 'pay_0001', bookedOn: '2027-05-03', amount: eur(5000), invoiceNumber: '2027-000002', remainingClaim: eur(8302), ...overrides };
}

const docs = path.join(__dirname, '..', '..', 'docs');

/** The published schema file as an agency would read it. */
export function publishedSchema(name: 'handover' | 'payment'): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(docs, `collection-agency-${name}.v1.schema.json`), 'utf8')) as Record<string, unknown>;
}

/** A validator compiled from the published file with a fresh ajv (not the adapter's). */
export function publishedValidator(name: 'handover' | 'payment'): ValidateFunction {
  return new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(publishedSchema(name));
}
