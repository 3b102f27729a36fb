import { z } from 'zod';
import { isLocalDate } from '../domain/calendar';
import { normalizeIban } from '../domain/iban';
import { PLAN_IDS } from '../domain/plans';

/** Body of `POST /v1/contracts`. */
export const CreateContractSchema = z.strictObject({
  plan: z.enum(PLAN_IDS),
  seats: z.number().int().min(1).max(10_000).default(1),
  trial: z.boolean().default(false),
  billingMode: z.enum(['postpaid', 'prepaid']).default('postpaid'),
  customerId: z.uuid().optional(),
});
export type CreateContractBody = z.infer<typeof CreateContractSchema>;

/** Body of `POST /v1/contracts/{id}/cancellation`: two-step, so `confirm: true` is required (§ 312k BGB). */
export const CancelContractSchema = z.strictObject({
  confirm: z.literal(true, { error: 'must be true: confirm the cancellation explicitly' }),
  deleteData: z.boolean().default(false),
  reason: z.string().trim().min(1).max(1000).nullish(),
  /** Operators only: when a notice by phone or letter arrived. */
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  /** Operators only. */
  channel: z.enum(['phone', 'letter']).optional(),
});
export type CancelContractBody = z.infer<typeof CancelContractSchema>;

/** Query of `GET /v1/contracts`. */
export const ListContractsSchema = z.strictObject({
  status: z.enum(['trial', 'active', 'paused', 'suspended', 'ended']).optional(),
  customerId: z.uuid().optional(),
  /** Operators: only contracts with (true) or without (false) open attention items. */
  needsAttention: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListContractsQuery = z.infer<typeof ListContractsSchema>;

/** Body of `POST /v1/contracts/{id}/plan-change`. A downgrade needs `acceptTerms: true` (checked by the domain). */
export const ChangePlanSchema = z.strictObject({
  plan: z.enum(PLAN_IDS),
  acceptTerms: z.boolean().default(false),
});
export type ChangePlanBody = z.infer<typeof ChangePlanSchema>;

/** A payment method as the portal sends it (DOMAIN.md, "Billing"). */
export const PaymentMethodSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('sepa'),
    iban: z.string().refine((v) => normalizeIban(v) !== null, 'must be a valid IBAN (mod 97)'),
    accountHolder: z.string().trim().min(1).max(200),
    signedOn: z.string().refine(isLocalDate, 'must be a date YYYY-MM-DD'),
  }),
  z.strictObject({ type: z.literal('card'), pspToken: z.string().trim().min(1).max(200) }),
  z.strictObject({ type: z.literal('transfer') }),
]);
export type PaymentMethodBody = z.infer<typeof PaymentMethodSchema>;

/** Body of `POST /v1/contracts/{id}/conversion`: ends a trial as paid. */
export const ConvertTrialSchema = z.strictObject({ plan: z.enum(PLAN_IDS), paymentMethod: PaymentMethodSchema });
export type ConvertTrialBody = z.infer<typeof ConvertTrialSchema>;

/** Body of `PUT /v1/contracts/{id}/seats`. */
export const ChangeSeatsSchema = z.strictObject({ seats: z.number().int().min(1).max(10_000) });
export type ChangeSeatsBody = z.infer<typeof ChangeSeatsSchema>;
