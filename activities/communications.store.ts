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
      // upsert with an empty update: insert once, afterwards return what the first attempt stored.
      const row = await prisma.communication.upsert({
        where: { idempotencyKey: input.idempotencyKey },
        create: { ...input, status: 'pending' },
        update: {},
      });
      return toRecord(row);
    },
    async markSent(id, messageId, sentAt) {
      await prisma.communication.update({ where: { id }, data: { status: 'sent', messageId, sentAt, error: null } });
    },
    async markFailed(id, error) {
      await prisma.communication.update({ where: { id }, data: { status: 'failed', error } });
    },
  };
}
