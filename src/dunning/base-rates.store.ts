import type { PrismaClient } from '../database/prisma-client';
import type { BaseRate } from '../domain/interest';

/** What reading the base-rate table needs: the client or a transaction. */
export type BaseRatesDb = Pick<PrismaClient, 'baseRate'>;

/**
 * The Basiszinssatz table (`base_rates`), oldest half-year first, as the interest calculation
 * takes it (`defaultInterest` in src/domain/interest.ts). For the dunning activities
 * and the API alike; a half-year missing here makes the interest throw MissingBaseRateError.
 */
export async function loadBaseRates(prisma: BaseRatesDb): Promise<BaseRate[]> {
  const rows = await prisma.baseRate.findMany({ orderBy: { validFrom: 'asc' } });
  return rows.map((row) => ({ validFrom: row.validFrom, basisPoints: row.basisPoints }));
}
