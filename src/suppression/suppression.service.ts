import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import { suppressionHash } from './suppression-hash';

/** Where a suppression came from; stored with the hash. */
export type SuppressionSource = 'operator' | 'unsubscribe' | 'bounce';

/** The suppression list: hashes of addresses that must not be mailed. Never deleted. */
@Injectable()
export class SuppressionService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Adds `email` to the list. Idempotent: `created` is false when the address was already
   * suppressed; the first entry (and its source) is kept.
   */
  async suppress(email: string, source: SuppressionSource): Promise<{ emailHash: string; created: boolean; createdAt: string }> {
    const emailHash = suppressionHash(email);
    // INSERT … ON CONFLICT DO NOTHING: two concurrent calls never fail on the primary key.
    const { count } = await this.prisma.suppressedAddress.createMany({ data: [{ emailHash, source }], skipDuplicates: true });
    const row = await this.prisma.suppressedAddress.findUniqueOrThrow({ where: { emailHash } });
    return { emailHash, created: count === 1, createdAt: row.createdAt.toISOString() };
  }

  /** Whether `email` is on the list. */
  async isSuppressed(email: string): Promise<boolean> {
    return (await this.prisma.suppressedAddress.count({ where: { emailHash: suppressionHash(email) } })) > 0;
  }
}
