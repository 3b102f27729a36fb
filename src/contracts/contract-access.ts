import type { Principal } from '../auth/principal';
import { isUuid } from '../http/uuid';
import type { PrismaClient } from '../database/prisma-client';
import type { Contract } from '../generated/prisma/client';
import { ProblemError } from '../http/problem';

/** A contract visible to `principal`; 404 NOT_FOUND for unknown or someone else's (never reveal which). */
export async function findVisibleContract(prisma: PrismaClient, id: string, principal: Principal): Promise<Contract> {
  const row = isUuid(id) ? await prisma.contract.findUnique({ where: { id } }) : null;
  if (!row || (principal.role === 'customer' && row.customerId !== principal.customerId)) throw ProblemError.notFound('Contract');
  return row;
}

