import { z } from 'zod';
import { isLocalDate } from '../domain/calendar';

/** Money in a request body: `{ amount, currency }` in minor units (API.md, "Conventions"). */
export const PositiveMoneySchema = z.strictObject({
  amount: z.number().int().min(1).max(100_000_000),
  currency: z.literal('EUR'),
});

const LocalDateSchema = z.string().refine(isLocalDate, 'must be a date YYYY-MM-DD');

/** Body of `POST /v1/bank-transfers` (operators). */
export const BankTransferSchema = z.strictObject({
  /** The bank reference (Verwendungszweck): the invoice number, possibly with other text. */
  reference: z.string().trim().min(1).max(140),
  amount: PositiveMoneySchema,
  bookedOn: LocalDateSchema,
  payerName: z.string().trim().min(1).max(140).optional(),
});
export type BankTransferBody = z.infer<typeof BankTransferSchema>;

/** Body of `POST /v1/sepa/returns` (operators): a returned debit reported by the bank outside a statement. */
export const SepaReturnSchema = z.strictObject({
  endToEndId: z.string().trim().min(1).max(35),
  returnedOn: LocalDateSchema,
  /** ISO 20022 return reason, e.g. AC04 (account closed), MD06 (refund request by the debtor). */
  reasonCode: z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character ISO 20022 reason code').optional(),
});
export type SepaReturnBody = z.infer<typeof SepaReturnSchema>;

/** Body of `POST /v1/contracts/{id}/prepayments`. */
export const PrepaymentSchema = z.strictObject({ amount: PositiveMoneySchema });
export type PrepaymentBody = z.infer<typeof PrepaymentSchema>;

/** Query of `GET /v1/sepa/collections`. */
export const ListCollectionsSchema = z.strictObject({ dueOn: LocalDateSchema.optional() });
export type ListCollectionsQuery = z.infer<typeof ListCollectionsSchema>;

/** Query of `GET /v1/bank-transfers/unmatched`. */
export const ListUnmatchedSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});
export type ListUnmatchedQuery = z.infer<typeof ListUnmatchedSchema>;

/** Body of `POST /v1/sandbox/psp/chargebacks` (sandbox: the local PSP reports a dispute). */
export const SandboxChargebackSchema = z.strictObject({ paymentId: z.string().min(1).max(200) });
