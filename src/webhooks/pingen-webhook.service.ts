import { Inject, Injectable, Logger } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import type { Prisma } from '../generated/prisma/client';
import { applyLetterStatusEvent } from './letter-status-event';
import type { PingenWebhookBody, PingenWebhookCategory, PingenWebhookEvent } from './pingen-webhook';

/** `webhook_events.source` of Pingen's webhooks. */
export const PINGEN_SOURCE = 'pingen';

/** The letter's `error` for an issue that came without a reason. */
const ISSUE_WITHOUT_REASON = 'Pingen reported an issue without a reason';

/** What a Pingen webhook did: `duplicate` for a replayed event id, `applied` when the letter's status moved. */
export interface PingenWebhookOutcome {
  eventId: string;
  category: PingenWebhookCategory;
  /** Pingen's letter id. */
  letterId: string;
  /** The letter's status afterwards. */
  status: string;
  applied: boolean;
  duplicate: boolean;
}

/** Applies Pingen's verified webhooks to the letters. */
@Injectable()
export class PingenWebhookService {
  private readonly logger = new Logger('PingenWebhook');

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Records the event once (unique source + event id) and moves the letter forward in the same
   * transaction; a replay changes nothing. An issue makes a letter that is not posted yet `failed`
   * with the reason in `error` (operators: `GET /v1/letters?status=failed`), and is logged as an
   * error with the contract. 404 for a letter id the platform does not know (Pingen retries: the
   * id is stored right after Pingen accepted the letter).
   */
  async apply(event: PingenWebhookEvent, payload: PingenWebhookBody): Promise<PingenWebhookOutcome> {
    // The whole body is kept (it names the letter event and the reason); it holds no address.
    const applied = await applyLetterStatusEvent(this.prisma, {
      source: PINGEN_SOURCE,
      eventId: event.eventId,
      partnerLetterId: event.letterId,
      status: event.status,
      ...(event.status === 'failed' ? { error: event.reason ?? ISSUE_WITHOUT_REASON } : {}),
      payload: withoutIncludedLetters(payload),
    });
    const { letter } = applied;
    const outcome: PingenWebhookOutcome = { eventId: event.eventId, category: event.category, letterId: event.letterId, status: applied.status, applied: applied.applied, duplicate: applied.duplicate };
    if (!outcome.duplicate && event.category === 'issues') {
      // The operator's signal at 3 a.m.: the letter will not go out until the issue is resolved at Pingen.
      this.logger.error(
        `Pingen cannot send letter ${letter.id} (Pingen ${event.letterId}) of contract ${letter.contractId}: ${event.reason ?? ISSUE_WITHOUT_REASON}; ` +
          `letter ${outcome.applied ? 'now failed' : `stays ${outcome.status}`} (GET /v1/letters?status=failed)`,
      );
    } else if (!outcome.duplicate && outcome.status === 'returned' && outcome.applied) {
      this.logger.warn(`letter ${letter.id} (Pingen ${event.letterId}) of contract ${letter.contractId} is undeliverable: ${event.reason ?? 'no reason given'}`);
    }
    return outcome;
  }
}

/**
 * The body without the included letter's attributes (they carry the recipient's address, and
 * webhook_events holds no personal data); the letter event (code, name) stays.
 */
function withoutIncludedLetters(payload: PingenWebhookBody): Prisma.InputJsonValue {
  if (!payload.included) return payload as Prisma.InputJsonValue;
  return { ...payload, included: payload.included.map((item) => (item.type === 'letters_events' ? item : { type: item.type, id: item.id })) } as Prisma.InputJsonValue;
}
