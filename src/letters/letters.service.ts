import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';

/** A letter as `GET /v1/letters` shows it. */
export interface LetterView {
  id: string;
  communicationId: string;
  kind: string;
  status: string;
  partnerLetterId: string | null;
  submittedAt: string | null;
  invoiceId: string | null;
}

/** Letters for operators. */
@Injectable()
export class LettersService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The contract's letters, oldest first (an unknown contract simply has none). */
  async listForContract(contractId: string): Promise<{ items: LetterView[] }> {
    const rows = await this.prisma.letter.findMany({ where: { contractId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return {
      items: rows.map((row) => ({
        id: row.id,
        communicationId: row.communicationId,
        kind: row.kind,
        status: row.status,
        partnerLetterId: row.partnerLetterId,
        submittedAt: row.submittedAt?.toISOString() ?? null,
        invoiceId: row.invoiceId,
      })),
    };
  }
}
