import { ApplicationFailure } from '@temporalio/common';
import type { LetterRecord, LettersStore } from '../../activities/print-partner.activity';
import { PRINT_PARTNER_FAILURE_TYPES } from '../../activities/print-partner.activity';
import type { PrismaClient } from '../database/prisma-client';
import type { Letter } from '../generated/prisma/client';
import type { LetterRecipient } from '../print-partner/print-partner';
import { isUniqueViolation } from '../database/unique-violation';
import { isLetterStatus } from './letter-status';

/** The letters and communications tables as the print-partner activity's store; each step is one transaction over both. */
export function createPrismaLettersStore(prisma: PrismaClient): LettersStore {
  /** One claim: the communication and the letter, inserted once (upserts with an empty update). */
  const claimOnce = (claim: Parameters<LettersStore['claim']>[0]) =>
    prisma.$transaction(async (tx) => {
        // upserts with an empty update: insert once, afterwards return what the first attempt stored.
        const communication = await tx.communication.upsert({
          where: { idempotencyKey: claim.idempotencyKey },
          create: {
            id: claim.communicationId,
            idempotencyKey: claim.idempotencyKey,
            contractId: claim.contractId,
            kind: claim.kind,
            channel: 'letter',
            template: claim.template,
            locale: claim.locale,
            recipient: claim.recipient,
            subject: claim.subject,
            status: 'pending',
          },
          update: {},
        });
        if (communication.channel !== 'letter') {
          throw ApplicationFailure.nonRetryable(
            `Idempotency key ${claim.idempotencyKey} already belongs to a ${communication.channel} communication`,
            PRINT_PARTNER_FAILURE_TYPES.keyConflict,
          );
        }
        const letter = await tx.letter.upsert({
          where: { idempotencyKey: claim.idempotencyKey },
          create: {
            id: claim.letterId,
            idempotencyKey: claim.idempotencyKey,
            communicationId: communication.id,
            contractId: claim.contractId,
            kind: claim.kind,
            invoiceId: claim.invoiceId,
            status: 'submitted',
            partner: claim.partner,
          },
          update: {},
        });
        return toRecord(letter);
    });

  return {
    async recipientOf(contractId) {
      const contract = await prisma.contract.findUnique({ where: { id: contractId }, include: { customer: true } });
      const customer = contract?.customer;
      if (!customer || customer.personalDataDeletedAt) return null;
      const { name, addressLine1, addressLine2, postalCode, city, country } = customer;
      if (!name || !addressLine1 || !postalCode || !city) return null;
      return { name, addressLine1, addressLine2, postalCode, city, country } satisfies LetterRecipient;
    },

    async claim(claim) {
      // A concurrent attempt's insert loses with a unique violation: the second try finds its rows.
      for (let attempt = 0; ; attempt++) {
        try {
          return await claimOnce(claim);
        } catch (error) {
          if (attempt > 0 || !isUniqueViolation(error)) throw error;
        }
      }
    },

    async reopen(letter) {
      const [row] = await prisma.$transaction([
        prisma.letter.update({ where: { id: letter.id }, data: { status: 'submitted', error: null, submissions: { increment: 1 } } }),
        prisma.communication.update({ where: { id: letter.communicationId }, data: { status: 'pending', error: null } }),
      ]);
      return toRecord(row);
    },

    async markSubmitted(letter, partnerLetterId, submittedAt) {
      await prisma.$transaction([
        prisma.letter.update({ where: { id: letter.id }, data: { partnerLetterId, submittedAt, error: null } }),
        prisma.communication.update({ where: { id: letter.communicationId }, data: { status: 'sent', messageId: partnerLetterId, sentAt: submittedAt, error: null } }),
      ]);
    },

    async markFailed(letter, error) {
      await prisma.$transaction([
        prisma.letter.update({ where: { id: letter.id }, data: { status: 'failed', error } }),
        prisma.communication.update({ where: { id: letter.communicationId }, data: { status: 'failed', error } }),
      ]);
    },
  };
}

function toRecord(row: Letter): LetterRecord {
  if (!isLetterStatus(row.status)) throw new Error(`Letter ${row.id} has an unknown status ${row.status}`);
  return { id: row.id, communicationId: row.communicationId, status: row.status, partnerLetterId: row.partnerLetterId, submissions: row.submissions };
}
