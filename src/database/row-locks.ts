/**
 * Row locks that serialize account changes. Free of Nest imports: the account activities in the
 * worker use them too.
 */
import type { Contract, Prisma } from '../generated/prisma/client';

/**
 * Locks the contract row (`SELECT … FOR UPDATE`) until the transaction ends and returns it
 * freshly read, or null. Every account change takes this lock first, so the seat count cannot
 * be raced past the limit and a downgrade or deletion never runs beside an insert.
 */
export async function lockContract(tx: Prisma.TransactionClient, id: string): Promise<Contract | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM contracts WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  return tx.contract.findUnique({ where: { id } });
}

/** Locks the customer row until the transaction ends; false when there is none. */
export async function lockCustomer(tx: Prisma.TransactionClient, id: string): Promise<boolean> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM customers WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length > 0;
}
