/**
 * The JSON Schemas (draft 2020-12) of the files the platform hands to a collection agency, and
 * their validation with ajv. The same schemas are published as
 * docs/collection-agency-handover.v1.schema.json and docs/collection-agency-payment.v1.schema.json
 * (a test keeps them identical); they live here as code because the build and the image carry
 * src/, not docs/.
 */
import { createHash } from 'node:crypto';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { CollectionHandover, CollectionPayment } from './collection-agency';

const DATE = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' } as const;
const NON_EMPTY = { type: 'string', minLength: 1, maxLength: 200 } as const;
const OPTIONAL_TEXT = { type: ['string', 'null'], minLength: 1, maxLength: 200 } as const;
/** Ids name folders and files of the drop folder: letters, digits, `-` and `_` only (no `.`, no `/`). */
const ID = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$' } as const;
const INVOICE_NUMBER = { type: 'string', pattern: '^\\d{4}-\\d{6}$' } as const;

const defs = {
  date: { ...DATE, description: 'A calendar date YYYY-MM-DD.' },
  money: {
    type: 'object',
    description: 'Money in minor units (cents).',
    required: ['amount', 'currency'],
    additionalProperties: false,
    properties: { amount: { type: 'integer', minimum: 0 }, currency: { const: 'EUR' } },
  },
  address: {
    type: 'object',
    required: ['line1', 'line2', 'postalCode', 'city', 'country'],
    additionalProperties: false,
    properties: {
      line1: NON_EMPTY,
      line2: OPTIONAL_TEXT,
      postalCode: { type: 'string', minLength: 1, maxLength: 20 },
      city: NON_EMPTY,
      country: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' },
    },
  },
} as const;

/** `handover.json`, format version 1. */
export const HANDOVER_SCHEMA_V1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://vertragswerk.dev/schemas/collection-agency-handover.v1.schema.json',
  title: 'Collection agency handover, format version 1',
  description:
    'A claim handed over to a collection agency at the end of the dunning ladder: the creditor, the debtor (exactly the data the creditor may pass on, nothing more), the open invoices with fees and interest, and the account statement sent with it.',
  type: 'object',
  required: ['formatVersion', 'handoverId', 'handedOverOn', 'creditor', 'debtor', 'claims', 'claimTotal', 'statement'],
  additionalProperties: false,
  properties: {
    formatVersion: { const: 1 },
    handoverId: { ...ID, description: 'The creditor’s id of the handover; also the Idempotency-Key.' },
    handedOverOn: { $ref: '#/$defs/date' },
    creditor: {
      type: 'object',
      required: ['name', 'vatId', 'address'],
      additionalProperties: false,
      properties: { name: NON_EMPTY, vatId: { type: 'string', pattern: '^[A-Z]{2}[0-9A-Z]{2,13}$' }, address: { $ref: '#/$defs/address' } },
    },
    debtor: {
      type: 'object',
      description: 'Exactly these fields, nothing more: name and birth name, postal address, e-mail, date of birth, occupation, phone, contract date.',
      required: ['name', 'birthName', 'address', 'email', 'dateOfBirth', 'occupation', 'phone', 'contractDate'],
      additionalProperties: false,
      properties: {
        name: NON_EMPTY,
        birthName: OPTIONAL_TEXT,
        address: { $ref: '#/$defs/address' },
        email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 254 },
        dateOfBirth: { anyOf: [{ $ref: '#/$defs/date' }, { type: 'null' }] },
        occupation: OPTIONAL_TEXT,
        phone: { type: ['string', 'null'], minLength: 1, maxLength: 40 },
        contractDate: { $ref: '#/$defs/date', description: 'The day the contract started.' },
      },
    },
    claims: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['invoiceNumber', 'issuedOn', 'dueOn', 'openAmount', 'fees', 'interest'],
        additionalProperties: false,
        properties: {
          invoiceNumber: INVOICE_NUMBER,
          issuedOn: { $ref: '#/$defs/date' },
          dueOn: { $ref: '#/$defs/date' },
          openAmount: { $ref: '#/$defs/money', description: 'Unpaid principal.' },
          fees: { $ref: '#/$defs/money', description: 'Dunning fees and the flat 40.00 (§ 288 (5) BGB), unpaid.' },
          interest: { $ref: '#/$defs/money', description: 'Default interest booked, unpaid.' },
        },
      },
    },
    claimTotal: { $ref: '#/$defs/money', description: 'The sum of every claim’s openAmount, fees and interest.' },
    statement: {
      type: 'object',
      description: 'The debtor account statement (PDF) delivered with the handover.',
      required: ['fileName', 'sha256'],
      additionalProperties: false,
      properties: { fileName: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\\.pdf$' }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    },
  },
  $defs: defs,
} as const;

/** `payments/<paymentId>.json`, format version 1: a payment on a handed-over claim. */
export const PAYMENT_SCHEMA_V1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://vertragswerk.dev/schemas/collection-agency-payment.v1.schema.json',
  title: 'Payment on a handed-over claim, format version 1',
  type: 'object',
  required: ['formatVersion', 'handoverId', 'paymentId', 'bookedOn', 'amount', 'invoiceNumber', 'remainingClaim'],
  additionalProperties: false,
  properties: {
    formatVersion: { const: 1 },
    handoverId: ID,
    paymentId: ID,
    bookedOn: { $ref: '#/$defs/date' },
    amount: { $ref: '#/$defs/money' },
    invoiceNumber: { anyOf: [INVOICE_NUMBER, { type: 'null' }] },
    remainingClaim: { $ref: '#/$defs/money', description: 'What is still open of the handed-over claims after this payment.' },
  },
  $defs: { date: defs.date, money: defs.money },
} as const;

/** The payment file: the report with its handover. */
export type CollectionPaymentDocument = CollectionPayment & { readonly formatVersion: 1; readonly handoverId: string };

let validators: { handover: ValidateFunction; payment: ValidateFunction } | null = null;

function compiled(): { handover: ValidateFunction; payment: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    validators = { handover: ajv.compile(HANDOVER_SCHEMA_V1), payment: ajv.compile(PAYMENT_SCHEMA_V1) };
  }
  return validators;
}

/**
 * What is wrong with a handover (empty: nothing): the schema, and what a schema cannot say —
 * the total is the sum of the claims, and the statement is the PDF given, by its SHA-256.
 */
export function handoverProblems(handover: CollectionHandover, statementPdf?: Buffer): string[] {
  const validate = compiled().handover;
  if (!validate(handover)) return describe(validate.errors);
  const problems: string[] = [];
  const sum = handover.claims.reduce((total, c) => total + c.openAmount.amount + c.fees.amount + c.interest.amount, 0);
  if (sum !== handover.claimTotal.amount) problems.push(`/claimTotal: ${handover.claimTotal.amount} is not the sum of the claims (${sum})`);
  if (sum <= 0) problems.push('/claims: nothing is open');
  if (statementPdf) {
    if (statementPdf.subarray(0, 5).toString('latin1') !== '%PDF-') problems.push('statement: not a PDF');
    const sha256 = createHash('sha256').update(statementPdf).digest('hex');
    if (sha256 !== handover.statement.sha256) problems.push(`/statement/sha256: the PDF given has ${sha256}`);
  }
  return problems;
}

/** What is wrong with a payment file (empty: nothing). */
export function paymentProblems(document: CollectionPaymentDocument): string[] {
  const validate = compiled().payment;
  if (!validate(document)) return describe(validate.errors);
  return document.amount.amount > 0 ? [] : ['/amount: must be more than 0'];
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`);
}
