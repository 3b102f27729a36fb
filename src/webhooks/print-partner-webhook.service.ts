import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import { applyLetterStatusEvent } from './letter-status-event';
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

  /** Applies a report once (letter-status-event.ts); 404 for an unknown letter. */
  async apply(event: PrintPartnerEvent): Promise<PrintPartnerEventOutcome> {
    const outcome = await applyLetterStatusEvent(this.prisma, { source: PRINT_PARTNER_SOURCE, eventId: event.eventId, partnerLetterId: event.letterId, status: event.status, payload: event });
    return { eventId: event.eventId, letterId: event.letterId, status: outcome.status, applied: outcome.applied, duplicate: outcome.duplicate };
  }
}
