import { randomUUID } from 'node:crypto';
import { createPrismaCommunicationsStore } from '../../activities/communications.store';
import { createAccountActivities } from '../../activities/account.activity';
import type { AccountActivities } from '../../activities/account.activity';
import type { AttentionActivities } from '../../activities/attention.activity';
import { createAttentionActivities } from '../../activities/attention.activity';
import type { ContractActivities } from '../../activities/contract-activities';
import { createContractActivities } from '../../activities/contract-activities';
import { createMailActivities } from '../../activities/mail.activity';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import { createMailTransport } from '../mail/mail-transport';

/** Wires the worker's activities to their I/O: database and SMTP. */
export function createActivities(config: AppConfig, prisma: PrismaClient): { activities: ContractActivities & AccountActivities & AttentionActivities; close(): void } {
  if (!config.mail.smtpUrl) throw new Error('SMTP_URL is not configured: the worker cannot send mail.');
  const transport = createMailTransport(config.mail.smtpUrl);
  const mail = createMailActivities({
    store: createPrismaCommunicationsStore(prisma),
    transport,
    from: config.mail.from,
    newId: randomUUID,
    now: () => new Date(),
  });
  return {
    activities: {
      ...createContractActivities({ prisma, mail, newId: randomUUID }),
      ...createAccountActivities({ prisma }),
      ...createAttentionActivities({ prisma, newId: randomUUID }),
    },
    close: () => transport.close(),
  };
}
