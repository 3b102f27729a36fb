import { z } from 'zod';
import type { DunningLadder } from '../domain/dunning';
import { DUNNING_STEP_KINDS } from '../domain/dunning';
import { DUNNING_CHANNELS } from './ladder.store';

/** A step's fee in the API: money in minor units (API.md, "Conventions"); the sign is checked by the ladder rules (422). */
const FeeSchema = z.strictObject({
  amount: z.number().int().min(-100_000_000).max(100_000_000),
  currency: z.literal('EUR'),
});

const LadderStepSchema = z.strictObject({
  step: z.enum(DUNNING_STEP_KINDS),
  /** Days after the due date; whole numbers (order and minimum are ladder rules, 422). */
  offsetDays: z.number().int().min(-10_000).max(10_000),
  channels: z
    .array(z.enum(DUNNING_CHANNELS))
    .max(2)
    .refine((channels) => new Set(channels).size === channels.length, 'must not name a channel twice'),
  fee: FeeSchema,
});

/** Body of `PUT /v1/dunning/ladder`: the whole ladder, in order. */
export const PutLadderSchema = z.strictObject({ steps: z.array(LadderStepSchema).max(20) });
export type PutLadderBody = z.infer<typeof PutLadderSchema>;

/** A ladder as the API shows it: fees as money. */
export function ladderView(ladder: DunningLadder) {
  return {
    version: ladder.version,
    steps: ladder.steps.map((s) => ({ step: s.step, offsetDays: s.offsetDays, channels: [...s.channels], fee: { amount: s.fee, currency: 'EUR' as const } })),
  };
}
