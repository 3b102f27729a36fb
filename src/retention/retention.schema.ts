import { z } from 'zod';
import type { ContractRecordType } from '../domain/retention-plan';
import { RETENTION_CLASS_OF } from '../domain/retention-plan';

const RECORD_TYPES = Object.keys(RETENTION_CLASS_OF) as [ContractRecordType, ...ContractRecordType[]];

/** Query of `GET /v1/retention/destructions` (operators). */
export const ListDestructionsSchema = z.strictObject({
  recordType: z.enum(RECORD_TYPES).optional(),
  /** The year the destroyed records were created in. */
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  contractId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The last id of the previous page (`nextCursor`). */
  cursor: z.uuid().optional(),
});
export type ListDestructionsQuery = z.infer<typeof ListDestructionsSchema>;

/** Body of `PUT /v1/invoices/{id}/legal-hold`. */
export const LegalHoldSchema = z.strictObject({
  reason: z.string().trim().min(1, 'a legal hold needs a reason').max(500),
});
export type LegalHoldBody = z.infer<typeof LegalHoldSchema>;
