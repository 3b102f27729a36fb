import { isDeepStrictEqual } from 'node:util';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import { isUniqueViolation } from '../database/unique-violation';
import type { DunningLadder, DunningLadderStep } from '../domain/dunning';
import { DEFAULT_DUNNING_LADDER, ladderProblems } from '../domain/dunning';
import { ProblemError } from '../http/problem';
import type { PutLadderBody } from './ladder.schema';
import { loadCurrentLadder } from './ladder.store';

/** `PUT /v1/dunning/ladder` with a ladder the rules refuse (422, the problems listed). */
export const INVALID_LADDER = 'INVALID_LADDER';
/** Concurrent writers race for the next version number; the loser tries again this often. */
const VERSION_ATTEMPTS = 5;

/** The dunning ladder operators configure; every change is a new version, invoices keep theirs. */
@Injectable()
export class LadderService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  current(): Promise<DunningLadder> {
    return loadCurrentLadder(this.prisma);
  }

  /**
   * Stores the ladder as the next version (one above the newest, and above the built-in
   * default's version 1) and returns it. The ladder in force again is answered as it is: PUT is
   * idempotent and a repeated request makes no new version.
   */
  async replace(body: PutLadderBody): Promise<DunningLadder> {
    const steps: DunningLadderStep[] = body.steps.map((s) => ({ step: s.step, offsetDays: s.offsetDays, channels: s.channels, fee: s.fee.amount }));
    const problems = ladderProblems(steps);
    if (problems.length > 0) {
      throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, INVALID_LADDER, 'Invalid dunning ladder', problems.join('; '), { problems });
    }
    for (let attempt = 1; ; attempt++) {
      const current = await this.current();
      if (isDeepStrictEqual(current.steps.map(plain), steps.map(plain))) return current;
      const version = Math.max(current.version, DEFAULT_DUNNING_LADDER.version) + 1;
      try {
        await this.prisma.dunningLadder.create({ data: { version, steps: steps.map(plain) } });
        return { version, steps };
      } catch (error) {
        if (!isUniqueViolation(error) || attempt === VERSION_ATTEMPTS) throw error;
      }
    }
  }
}

/** A step as plain data (the JSON column's shape, and comparable whatever its origin). */
function plain(step: DunningLadderStep) {
  return { step: step.step, offsetDays: step.offsetDays, channels: [...step.channels], fee: step.fee };
}
