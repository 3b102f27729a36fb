import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import { isUniqueViolation } from '../database/unique-violation';
import type { BaseRate } from '../domain/interest';
import { ProblemError } from '../http/problem';
import { loadBaseRates } from './base-rates.store';

/** `POST /v1/base-rates` for a half-year that already has another rate (409). */
export const BASE_RATE_EXISTS = 'BASE_RATE_EXISTS';

/** The Basiszinssatz table for the API: listed for everyone, extended by operators one half-year at a time. */
@Injectable()
export class BaseRatesService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async list(): Promise<{ items: BaseRate[] }> {
    return { items: await loadBaseRates(this.prisma) };
  }

  /**
   * Adds the rate of a half-year. A published rate is never changed: the same value again is
   * answered as before (`created: false`), another value is `409 BASE_RATE_EXISTS`.
   */
  async add(rate: BaseRate): Promise<{ rate: BaseRate; created: boolean }> {
    const existing = await this.prisma.baseRate.findUnique({ where: { validFrom: rate.validFrom } });
    if (existing) return { rate: this.unchanged(existing, rate), created: false };
    try {
      await this.prisma.baseRate.create({ data: { validFrom: rate.validFrom, basisPoints: rate.basisPoints } });
      return { rate: { validFrom: rate.validFrom, basisPoints: rate.basisPoints }, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent request added the half-year first: answer as if it had come before.
      const winner = await this.prisma.baseRate.findUniqueOrThrow({ where: { validFrom: rate.validFrom } });
      return { rate: this.unchanged(winner, rate), created: false };
    }
  }

  /** The stored rate when it is the proposed one; otherwise 409. */
  private unchanged(existing: BaseRate, proposed: BaseRate): BaseRate {
    if (existing.basisPoints !== proposed.basisPoints) {
      throw new ProblemError(
        HttpStatus.CONFLICT,
        BASE_RATE_EXISTS,
        'Base rate exists',
        `The half-year from ${existing.validFrom} already has a base rate of ${existing.basisPoints} basis points; a published rate is not changed.`,
        { validFrom: existing.validFrom, basisPoints: existing.basisPoints },
      );
    }
    return { validFrom: existing.validFrom, basisPoints: existing.basisPoints };
  }
}
