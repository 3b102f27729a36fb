import { z } from 'zod';
import type { PrismaClient } from '../database/prisma-client';
import type { DunningChannel, DunningLadder, DunningLadderStep } from '../domain/dunning';
import { DEFAULT_DUNNING_LADDER, DUNNING_STEP_KINDS } from '../domain/dunning';

/** The channels a ladder step may use. */
export const DUNNING_CHANNELS = ['email', 'letter'] as const satisfies readonly DunningChannel[];

/** What reading the ladder table needs: the client or a transaction. */
export type LadderDb = Pick<PrismaClient, 'dunningLadder'>;

/** A step as `dunning_ladders.steps` stores it: the domain's shape, fee in cents. */
const StoredStepSchema = z.strictObject({
  step: z.enum(DUNNING_STEP_KINDS),
  offsetDays: z.number().int(),
  channels: z.array(z.enum(DUNNING_CHANNELS)),
  fee: z.number().int(),
});
const StoredStepsSchema = z.array(StoredStepSchema);

/** The steps column of a stored ladder version, checked (a hand-edited row fails loudly, not later). */
export function storedSteps(version: number, steps: unknown): DunningLadderStep[] {
  const parsed = StoredStepsSchema.safeParse(steps);
  if (!parsed.success) throw new Error(`dunning_ladders version ${version} has malformed steps: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * The ladder in force: the newest `dunning_ladders` version, or {@link DEFAULT_DUNNING_LADDER}
 * (version 1) while operators have stored none. For the dunning activities (an invoice keeps
 * the ladder it got on its due date) and the API.
 */
export async function loadCurrentLadder(prisma: LadderDb): Promise<DunningLadder> {
  const row = await prisma.dunningLadder.findFirst({ orderBy: { version: 'desc' } });
  if (!row) return DEFAULT_DUNNING_LADDER;
  return { version: row.version, steps: storedSteps(row.version, row.steps) };
}
