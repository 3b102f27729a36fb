import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';

/** A decision as `GET /v1/credit-reports` shows it. */
export interface CreditReportView {
  id: string;
  contractId: string;
  invoiceId: string;
  decision: string;
  /** The unmet condition of a withheld report (`DISPUTED`, `TOO_FEW_LETTERS`, `FIRST_LETTER_TOO_RECENT`, `NOT_ANNOUNCED`); null when sent. */
  reason: string | null;
  decidedOn: string;
}

/** Credit-bureau decisions for operators (the dunning activities write the rows). */
@Injectable()
export class CreditReportsService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The contract's decisions, oldest first (an unknown contract simply has none). */
  async listForContract(contractId: string): Promise<{ items: CreditReportView[] }> {
    const rows = await this.prisma.creditReport.findMany({ where: { contractId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return {
      items: rows.map((row) => ({ id: row.id, contractId: row.contractId, invoiceId: row.invoiceId, decision: row.decision, reason: row.reason, decidedOn: row.decidedOn })),
    };
  }
}
