import { z } from 'zod';

/** Query of `GET /v1/invoices` (operators). */
export const ListInvoicesSchema = z.strictObject({
  contractId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  status: z.enum(['open', 'paid', 'destroyed']).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The last number of the previous page (`nextCursor`). */
  cursor: z.string().regex(/^\d{4}-\d{6}$/, 'must be an invoice number').optional(),
});
export type ListInvoicesQuery = z.infer<typeof ListInvoicesSchema>;

/** Body of `POST /v1/contracts/{id}/usage`: metered usage, billed in arrears. */
export const RecordUsageSchema = z.strictObject({
  kind: z.literal('sms'),
  quantity: z.number().int().min(1).max(100_000),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type RecordUsageBody = z.infer<typeof RecordUsageSchema>;
