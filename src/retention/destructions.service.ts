import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import type { ListDestructionsQuery } from './retention.schema';

/** The destruction log (`retention_destructions`): what was destroyed when, by which rule — no personal content. */
@Injectable()
export class DestructionsService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Operators: log entries in the order they were written, filtered, paged by id. */
  async list(query: ListDestructionsQuery) {
    const rows = await this.prisma.retentionDestruction.findMany({
      where: {
        ...(query.recordType ? { recordType: query.recordType } : {}),
        ...(query.year ? { year: query.year } : {}),
        ...(query.contractId ? { contractId: query.contractId } : {}),
      },
      orderBy: [{ destroyedAt: 'asc' }, { id: 'asc' }],
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row) => ({
        id: row.id,
        recordType: row.recordType,
        recordId: row.recordId,
        year: row.year,
        rule: row.rule,
        retainUntil: row.retainUntil,
        destroyedAt: row.destroyedAt.toISOString(),
        contractId: row.contractId,
      })),
      nextCursor: rows.length > query.limit ? page[page.length - 1].id : null,
    };
  }
}
