/**
 * A partner's report about a letter, applied once: the event is recorded under its source and id
 * (unique in webhook_events) and the letter moves forward in the same transaction; a replayed
 * event changes nothing. Shared by the print partner's webhook and Pingen's.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../database/prisma-client';
import type { Prisma } from '../generated/prisma/client';
import { ProblemError } from '../http/problem';
import type { ReportedLetterStatus } from '../letters/letter-status';
import { statusesAdvancingTo } from '../letters/letter-status';

export interface LetterStatusEvent {
  /** `webhook_events.source`, e.g. `print-partner`, `pingen`. */
  source: string;
  eventId: string;
  /** The partner's id of the letter (`letters.partner_letter_id`). */
  partnerLetterId: string;
  status: ReportedLetterStatus;
  /** Stored with the status (a failed letter's reason). */
  error?: string;
  /** What webhook_events keeps of the report (no personal data). */
  payload: Prisma.InputJsonValue;
}

export interface LetterStatusOutcome {
  /** Our letter. */
  letter: { id: string; contractId: string };
  /** The letter's status afterwards. */
  status: string;
  /** The letter's status moved. */
  applied: boolean;
  /** The event id was recorded before: nothing changed. */
  duplicate: boolean;
}

/**
 * 404 for a letter id the platform does not know (partners retry: the id is stored right after
 * the partner accepted the letter). Conditional update: of two reports racing each other, only
 * forward moves win.
 */
export async function applyLetterStatusEvent(prisma: PrismaClient, event: LetterStatusEvent): Promise<LetterStatusOutcome> {
  const letter = await prisma.letter.findUnique({ where: { partnerLetterId: event.partnerLetterId }, select: { id: true, contractId: true } });
  if (!letter) throw ProblemError.notFound('Letter');
  return prisma.$transaction(async (tx) => {
    const recorded = await tx.webhookEvent.createMany({
      data: [{ id: randomUUID(), source: event.source, eventId: event.eventId, payload: event.payload }],
      skipDuplicates: true,
    });
    const duplicate = recorded.count === 0;
    const data = event.error !== undefined ? { status: event.status, error: event.error } : { status: event.status };
    const moved = duplicate ? { count: 0 } : await tx.letter.updateMany({ where: { id: letter.id, status: { in: [...statusesAdvancingTo(event.status)] } }, data });
    const { status } = await tx.letter.findUniqueOrThrow({ where: { id: letter.id }, select: { status: true } });
    return { letter, status, applied: moved.count > 0, duplicate };
  });
}
