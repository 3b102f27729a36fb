/**
 * JSON schemas (OpenAPI 3.0) of the resources most routes answer with, as the mappers write them
 * (src/contracts/contract.mapper.ts, src/invoices/invoice.mapper.ts); the fuzzing tier checks
 * every answer against them (docs/fuzzing.md). Extra properties are allowed (additions are not
 * breaking), the listed ones are required.
 */
const string = { type: 'string' };
const nullableString = { type: 'string', nullable: true };
const localDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const nullableLocalDate = { ...localDate, nullable: true };
const instant = { type: 'string', format: 'date-time' };
const money = { type: 'object', required: ['amount', 'currency'], properties: { amount: { type: 'integer' }, currency: { type: 'string', enum: ['EUR'] } } };
const object = (properties: Record<string, object>, nullable = false) => ({ type: 'object', required: Object.keys(properties), properties, ...(nullable ? { nullable: true } : {}) });

const CONTRACT = object({
  id: { type: 'string', format: 'uuid' },
  customerId: { type: 'string', format: 'uuid' },
  plan: string,
  seats: { type: 'integer', minimum: 0 },
  status: { type: 'string', enum: ['trial', 'active', 'paused', 'suspended', 'ended'] },
  timeZone: string,
  startedOn: localDate,
  trialEndsOn: nullableLocalDate,
  cancellation: object({ receivedAt: instant, receivedOn: localDate, endsOn: localDate, deleteData: { type: 'boolean' }, channel: string, reason: nullableString }, true),
  pendingPlanChange: object({ plan: string, effectiveOn: localDate, requestedAt: { ...instant, nullable: true } }, true),
  paidFrom: nullableLocalDate,
  pausedSince: nullableLocalDate,
  readOnly: { type: 'boolean' },
  billingMode: string,
  paymentMethod: { type: 'object', required: ['type'], properties: { type: string }, nullable: true },
  openAmount: money,
  dunning: object({ level: { type: 'integer', minimum: 0 }, onHold: { type: 'boolean' } }),
  attention: { type: 'array', items: object({ step: string, kind: string, error: string, since: instant, attempts: { type: 'integer' } }) },
  workflowId: string,
  createdAt: instant,
});

const INVOICE = object({
  id: { type: 'string', format: 'uuid' },
  number: { type: 'string', pattern: '^\\d{4}-\\d{6}$' },
  contractId: { type: 'string', format: 'uuid' },
  customerId: { type: 'string', format: 'uuid' },
  issuedOn: localDate,
  dueOn: localDate,
  status: { type: 'string', enum: ['open', 'paid', 'destroyed'] },
  delivery: { type: 'string', enum: ['email', 'post'] },
  paymentMethod: string,
  servicePeriod: { type: 'object' },
  lines: { type: 'array', items: { type: 'object', required: ['kind', 'description', 'quantity', 'unitPrice', 'net', 'vatRate'], properties: { unitPrice: money, net: money } } },
  vatBreakdown: { type: 'array', items: { type: 'object', required: ['vatRate', 'net', 'vat'], properties: { net: money, vat: money } } },
  net: money,
  vat: money,
  gross: money,
  openAmount: money,
  claim: money,
  reverseCharge: { type: 'boolean' },
  dunning: { type: 'object', required: ['level', 'onHold', 'nextStepOn'], properties: { level: { type: 'integer', minimum: 0 }, onHold: { type: 'boolean' }, nextStepOn: nullableLocalDate } },
  legalHold: object({ reason: string, since: { ...instant, nullable: true } }, true),
  retainUntil: localDate,
  templateVersion: string,
  createdAt: instant,
});

const page = (ref: string, cursor: boolean) => ({
  type: 'object',
  required: ['items', ...(cursor ? ['nextCursor'] : [])],
  properties: { items: { type: 'array', items: { $ref: ref } }, ...(cursor ? { nextCursor: nullableString } : {}) },
});

/** Added to `components.schemas` of the document. */
export const RESOURCE_SCHEMAS = {
  Contract: CONTRACT,
  ContractPage: page('#/components/schemas/Contract', true),
  Invoice: INVOICE,
  InvoicePage: page('#/components/schemas/Invoice', true),
  InvoiceList: page('#/components/schemas/Invoice', false),
};

/** `$ref` of a resource schema (for `@ApiResource`). */
export type ResourceName = keyof typeof RESOURCE_SCHEMAS;
