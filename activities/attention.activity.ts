/**
 * Attention items in the database, so operators find them (`GET /v1/contracts?needsAttention=true`,
 * the contract resource's `attention`). The workflow holds the same items in its state: if this
 * write fails too, the `NeedsAttention` search attribute still shows them.
 */
import type { PrismaClient } from '../src/database/prisma-client';
import type { AttentionKind } from '../src/domain/attention';

/** Input of {@link AttentionActivities.raiseAttention}. */
export interface RaiseAttentionInput {
  readonly contractId: string;
  readonly step: string;
  readonly kind: AttentionKind;
  readonly error: string;
  readonly since: string;
  readonly attempts: number;
}

/** The attention activities the contract workflow calls. */
export interface AttentionActivities {
  /** Records (or updates) the open item of `step`; idempotent per contract and step. */
  raiseAttention(input: RaiseAttentionInput): Promise<void>;
  /** Marks the item of `step` resolved (a retry succeeded); a no-op when there is none. */
  resolveAttention(input: { readonly contractId: string; readonly step: string; readonly resolvedAt: string }): Promise<void>;
}

export function createAttentionActivities(deps: { prisma: PrismaClient; newId: () => string }): AttentionActivities {
  const { prisma } = deps;
  return {
    async raiseAttention(input) {
      const fields = { kind: input.kind, error: input.error.slice(0, 2000), since: new Date(input.since), attempts: input.attempts, resolvedAt: null };
      await prisma.attentionItem.upsert({
        where: { contractId_step: { contractId: input.contractId, step: input.step } },
        create: { id: deps.newId(), contractId: input.contractId, step: input.step, ...fields },
        update: fields,
      });
    },
    async resolveAttention(input) {
      await prisma.attentionItem.updateMany({
        where: { contractId: input.contractId, step: input.step, resolvedAt: null },
        data: { resolvedAt: new Date(input.resolvedAt) },
      });
    },
  };
}
