import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type { PrismaClient };

/**
 * A Prisma client on the `pg` driver adapter: no native query engine is needed, which keeps
 * the platform installable without downloads.
 */
export function createPrismaClient(databaseUrl: string, options: { maxConnections?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 5 });
  return new PrismaClient({ adapter });
}
