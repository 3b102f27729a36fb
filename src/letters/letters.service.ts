import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import type { Letter } from '../generated/prisma/client';
import type { LetterStatus } from './letter-status';

/** A letter as `GET /v1/letters` shows it. */
export interface LetterView {
  id: string;
  contractId: string;
  communicationId: string;
  kind: string;
  status: string;
  /** Why the letter is `failed` (the partner's refusal or reported issue); null otherwise. */
  error: string | null;
  partnerLetterId: string | null;
  submittedAt: string | null;
  invoiceId: string | null;
}

/** Letters for operators. */
@Injectable()
export class LettersService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The contract's letters (of `status`, if given), oldest first (an unknown contract simply has none). */
  async listForContract(contractId: string, status?: LetterStatus): Promise<{ items: LetterView[] }> {
    const rows = await this.prisma.letter.findMany({ where: { contractId, status }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return { items: rows.map(toView) };
  }

  /**
   * Every contract's letters of `status`, oldest first, a page of `limit` after the letter
   * `cursor` (e.g. `failed` ones for an operator: the reason is in `error`).
   */
  async listByStatus(status: LetterStatus, limit: number, cursor?: string): Promise<{ items: LetterView[]; nextCursor: string | null }> {
    const after = cursor ? await this.prisma.letter.findUnique({ where: { id: cursor }, select: { createdAt: true } }) : null;
    // A cursor that names no letter (deleted by retention meanwhile) ends the listing rather than restarting it.
    if (cursor && !after) return { items: [], nextCursor: null };
    const rows = await this.prisma.letter.findMany({
      where: {
        status,
        // Keyset paging on (createdAt, id).
        ...(after && cursor ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: cursor } }] } : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { items: page.map(toView), nextCursor: rows.length > limit ? page[page.length - 1].id : null };
  }
}

function toView(row: Letter): LetterView {
  return {
    id: row.id,
    contractId: row.contractId,
    communicationId: row.communicationId,
    kind: row.kind,
    status: row.status,
    error: row.error,
    partnerLetterId: row.partnerLetterId,
    submittedAt: row.submittedAt?.toISOString() ?? null,
    invoiceId: row.invoiceId,
  };
}
