/**
 * How the API reaches a contract row: visibility for the principal, and the row in the account
 * rules' terms.
 */
import type { Principal } from '../auth/principal';
import type { PrismaClient } from '../database/prisma-client';
import type { AccountContractStatus } from '../domain/account-rules';
import { isPlanId, type PlanId } from '../domain/plans';
import type { Contract } from '../generated/prisma/client';
import { ProblemError } from '../http/problem';
import { isUuid } from '../http/uuid';

const STATUSES: readonly AccountContractStatus[] = ['trial', 'active', 'paused', 'suspended', 'ended'];

/** A contract visible to `principal`; 404 NOT_FOUND for unknown or someone else's (never reveal which). */
export async function findVisibleContract(prisma: PrismaClient, id: string, principal: Principal): Promise<Contract> {
  const row = isUuid(id) ? await prisma.contract.findUnique({ where: { id } }) : null;
  if (!row || (principal.role === 'customer' && row.customerId !== principal.customerId)) throw ProblemError.notFound('Contract');
  return row;
}

/** Plan and status of a contract row in the rules' terms. A contract whose data is deleted counts as ended. */
export function accountStateOf(row: Contract): { plan: PlanId; seats: number; status: AccountContractStatus } {
  if (!isPlanId(row.plan)) throw new Error(`Contract ${row.id} has an unknown plan ${row.plan}.`);
  const status = STATUSES.find((s) => s === row.status);
  if (!status) throw new Error(`Contract ${row.id} has an unknown status ${row.status}.`);
  return { plan: row.plan, seats: row.seats, status: row.dataDeletedAt ? 'ended' : status };
}
