/**
 * The contract row in the account rules' terms (visibility: src/contracts/contract-access.ts).
 */
import type { AccountContractStatus } from '../domain/account-rules';
import { isPlanId, type PlanId } from '../domain/plans';
import type { Contract } from '../generated/prisma/client';

const STATUSES: readonly AccountContractStatus[] = ['trial', 'active', 'paused', 'suspended', 'ended'];

/** Plan and status of a contract row in the rules' terms. A contract whose data is deleted counts as ended. */
export function accountStateOf(row: Contract): { plan: PlanId; seats: number; status: AccountContractStatus } {
  if (!isPlanId(row.plan)) throw new Error(`Contract ${row.id} has an unknown plan ${row.plan}.`);
  const status = STATUSES.find((s) => s === row.status);
  if (!status) throw new Error(`Contract ${row.id} has an unknown status ${row.status}.`);
  return { plan: row.plan, seats: row.seats, status: row.dataDeletedAt ? 'ended' : status };
}

/** Whether `error` is a unique-constraint violation (Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
