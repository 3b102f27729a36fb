import type { PrismaClient } from '../src/database/prisma-client';
import type { CommunicationRecord, CommunicationsStore } from './mail.activity';

/** The communications table as the mail activity's idempotency store. */
export function createPrismaCommunicationsStore(prisma: PrismaClient): CommunicationsStore {
  const toRecord = (row: { id: string; idempotencyKey: string; status: string; messageId: string | null }): CommunicationRecord => ({
    id: row.id,
    idempotencyKey: row.idempotencyKey,
    status: row.status as CommunicationRecord['status'],
    messageId: row.messageId,
  });
  return {
    async claim(input) {
      // Insert once (a concurrent attempt's insert is skipped, not an error), then read what the first attempt stored.
      await prisma.communication.createMany({ data: [{ ...input, status: 'pending' }], skipDuplicates: true });
      return toRecord(await prisma.communication.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } }));
    },
    async lease(id, now, until) {
      const taken = await prisma.communication.updateMany({
        where: { id, status: { not: 'sent' }, OR: [{ sendingUntil: null }, { sendingUntil: { lt: now } }] },
        data: { sendingUntil: until },
      });
      return taken.count === 1;
    },
    async renew(id, held, until) {
      const renewed = await prisma.communication.updateMany({ where: { id, status: { not: 'sent' }, sendingUntil: held }, data: { sendingUntil: until } });
      return renewed.count === 1;
    },
    async release(id) {
      await prisma.communication.updateMany({ where: { id, status: { not: 'sent' } }, data: { sendingUntil: null } });
    },
    async markSent(id, messageId, sentAt) {
      await prisma.communication.update({ where: { id }, data: { status: 'sent', messageId, sentAt, error: null, sendingUntil: null } });
    },
    async markFailed(id, error) {
      await prisma.communication.update({ where: { id }, data: { status: 'failed', error, sendingUntil: null } });
    },
  };
}
