import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import { ProblemError } from '../http/problem';
import { statusesAdvancingTo } from '../letters/letter-status';
import type { PrintPartnerEvent } from './print-partner-event';

/** `webhook_events.source` of the print partner's reports. */
export const PRINT_PARTNER_SOURCE = 'print-partner';

/** What a report did: `duplicate` for a replayed event id, `applied` when the letter's status moved. */
export interface PrintPartnerEventOutcome {
  eventId: string;
  letterId: string;
  status: string;
  applied: boolean;
  duplicate: boolean;
}

/** Applies the print partner's verified status reports to the letters. */
@Injectable()
export class PrintPartnerWebhookService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Records the event once (unique source + event id) and moves the letter forward in the same
   * transaction; a replay changes nothing. 404 for a letter id the platform does not know (the
   * partner retries: the id is stored right after it accepted the letter).
   */
  async apply(event: PrintPartnerEvent): Promise<PrintPartnerEventOutcome> {
    const letter = await this.prisma.letter.findUnique({ where: { partnerLetterId: event.letterId }, select: { id: true } });
    if (!letter) throw ProblemError.notFound('Letter');
    return this.prisma.$transaction(async (tx) => {
      const recorded = await tx.webhookEvent.createMany({
        data: [{ id: randomUUID(), source: PRINT_PARTNER_SOURCE, eventId: event.eventId, payload: event }],
        skipDuplicates: true,
      });
      const duplicate = recorded.count === 0;
      // Conditional update: of two reports racing each other, only forward moves win.
      const moved = duplicate
        ? { count: 0 }
        : await tx.letter.updateMany({ where: { id: letter.id, status: { in: [...statusesAdvancingTo(event.status)] } }, data: { status: event.status } });
      const { status } = await tx.letter.findUniqueOrThrow({ where: { id: letter.id }, select: { status: true } });
      return { eventId: event.eventId, letterId: event.letterId, status, applied: moved.count > 0, duplicate };
    });
  }
}
