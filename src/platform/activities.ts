import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createPrismaCommunicationsStore } from '../../activities/communications.store';
import { createAccountActivities } from '../../activities/account.activity';
import type { AccountActivities } from '../../activities/account.activity';
import type { AttentionActivities } from '../../activities/attention.activity';
import { createAttentionActivities } from '../../activities/attention.activity';
import type { ContractActivities } from '../../activities/contract-activities';
import { createContractActivities } from '../../activities/contract-activities';
import { createMailActivities } from '../../activities/mail.activity';
import type { PrintPartnerActivities } from '../../activities/print-partner.activity';
import { createPrintPartnerActivities } from '../../activities/print-partner.activity';
import type { BillingActivities } from '../../activities/billing.activity';
import { createBillingActivities } from '../../activities/billing.activity';
import type { InvoiceDeliveryActivities } from '../../activities/invoice-delivery.activity';
import { createInvoiceDeliveryActivities, invoiceLetterDocuments } from '../../activities/invoice-delivery.activity';
import type { Clock } from '../app/clock';
import { systemClock } from '../app/clock';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import { createPrismaLettersStore } from '../letters/letters.store';
import { createMailTransport } from '../mail/mail-transport';
import { createPrintPartner } from '../print-partner/create-print-partner';
import { createPsp } from '../psp/create-psp';
import type { Psp } from '../psp/psp';
import type { PaymentActivities } from '../../activities/payments.activity';
import type { DunningActivities } from '../../activities/dunning.activity';
import { createDunningActivities } from '../../activities/dunning.activity';
import type { RetentionActivities } from '../../activities/retention.activity';
import { createRetentionActivities } from '../../activities/retention.activity';
import { HttpCollectionAgency } from '../collection-agency/http-collection-agency';
import { LocalCollectionAgency } from '../collection-agency/local-collection-agency';
import { LocalCreditBureau } from '../credit-bureau/local-credit-bureau';
import { createPaymentActivities } from '../../activities/payments.activity';
import { countingLetters, countingMail } from '../observability/counting-ports';
import type { Metrics } from '../observability/metrics';

/**
 * Wires the worker's activities to their I/O: database, SMTP and the print partner. `clock`
 * stamps the local print partner's status reports (pass the sandbox clock in sandbox mode).
 */
export function createActivities(
  config: AppConfig,
  prisma: PrismaClient,
  options: { clock?: Clock; psp?: Psp; metrics?: Metrics } = {},
): {
  activities: ContractActivities & AccountActivities & AttentionActivities & PrintPartnerActivities & BillingActivities & InvoiceDeliveryActivities & PaymentActivities & DunningActivities & RetentionActivities;
  close(): void;
} {
  if (!config.mail.smtpUrl) throw new Error('SMTP_URL is not configured: the worker cannot send mail.');
  const transport = createMailTransport(config.mail.smtpUrl);
  const mail = countingMail(createMailActivities({
    store: createPrismaCommunicationsStore(prisma),
    transport,
    from: config.mail.from,
    newId: randomUUID,
    now: () => new Date(),
  }), options.metrics);
  // The platform passes its one PSP; a worker wired alone creates its own.
  const ownPsp = options.psp ? null : createPsp(config.payments, { clock: options.clock ?? systemClock, dataDir: config.payments.local.dataDir });
  const psp = options.psp ?? (ownPsp as NonNullable<typeof ownPsp>).psp;
  if (ownPsp) new Logger('Platform').log(ownPsp.description);
  const dunning = config.dunning;
  const agency = dunning.agency.kind === 'http' ? new HttpCollectionAgency({ url: dunning.agency.url, token: dunning.agency.token }) : new LocalCollectionAgency({ dropDir: dunning.agency.dropDir });
  const bureau = dunning.bureau ? new LocalCreditBureau({ dropDir: dunning.bureau.dropDir }) : null;
  new Logger('Platform').log(
    `collection agency: ${dunning.agency.kind === 'http' ? `http at ${dunning.agency.url}` : `local drop folder ${dunning.agency.dropDir}`}; credit bureau: ${dunning.bureau ? `local drop folder ${dunning.bureau.dropDir}` : 'none (reports withheld)'}`,
  );
  const { partner, description } = createPrintPartner(config.printPartner, { clock: options.clock ?? systemClock });
  new Logger('Platform').log(description);
  const letters = countingLetters(createPrintPartnerActivities({
    store: createPrismaLettersStore(prisma),
    partner,
    documents: invoiceLetterDocuments(prisma),
    newId: randomUUID,
    now: () => new Date(),
  }), options.metrics);
  return {
    activities: {
      ...createContractActivities({ prisma, mail, newId: randomUUID }),
      ...createAccountActivities({ prisma }),
      ...createAttentionActivities({ prisma, newId: randomUUID }),
      ...letters,
      ...createBillingActivities({ prisma, issuer: config.issuer, newId: randomUUID, mandateExpiryMonths: config.payments.sepaMandateExpiryMonths }),
      ...createPaymentActivities({ prisma, psp, issuerCountry: config.issuer.country, newId: randomUUID }),
      ...createDunningActivities({ prisma, issuer: config.issuer, mail, letters, agency, bureau }),
      ...createRetentionActivities({ prisma, issuerCountry: config.issuer.country, printDropDir: config.printPartner.local.dropDir, now: () => new Date() }),
      ...createInvoiceDeliveryActivities({ prisma, mail, letters }),
    },
    close: () => {
      transport.close();
      void partner.close?.();
      if (ownPsp) void ownPsp.psp.close?.();
    },
  };
}
