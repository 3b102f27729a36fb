/**
 * The dunning activities as the worker builds them, for tests against a real PostgreSQL: the
 * real mail activity (communications table, SMTP to a real sink), the real print-partner
 * activity with the local partner, the local collection agency and credit bureau, each partner
 * writing into drop folders of its own per contract (so a test counts exactly what one contract
 * caused). Also the step inputs the contract workflow would pass, and readers of what was written.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createDunningActivities, type DunningActivities } from '../../activities/dunning.activity';
import type { RunDunningStepInput } from '../../activities/dunning.types';
import { createPrismaCommunicationsStore } from '../../activities/communications.store';
import { createMailActivities } from '../../activities/mail.activity';
import { createPrintPartnerActivities } from '../../activities/print-partner.activity';
import { LocalCollectionAgency } from '../../src/collection-agency/local-collection-agency';
import { LocalCreditBureau } from '../../src/credit-bureau/local-credit-bureau';
import type { PrismaClient } from '../../src/database/prisma-client';
import { addDays, type LocalDate } from '../../src/domain/calendar';
import type { DunningLadder } from '../../src/domain/dunning';
import type { Issuer } from '../../src/domain/invoice';
import { createPrismaLettersStore } from '../../src/letters/letters.store';
import { createMailTransport, IDEMPOTENCY_KEY_HEADER } from '../../src/mail/mail-transport';
import { startSmtpSink, type SmtpSink } from '../../src/mail/smtp-sink';
import { LocalPrintPartner } from '../../src/print-partner/local-print-partner';

/** A mail as the SMTP sink received it. */
export interface SunkMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly idempotencyKey: string | null;
  readonly attachments: readonly string[];
}

/** The drop folders of one contract's partners. */
export interface DropFolders {
  readonly letters: string;
  readonly agency: string;
  readonly bureau: string;
}

/** Dunning activities wired to their own drop folders. */
export interface DunningUnderTest {
  readonly activities: DunningActivities;
  readonly folders: DropFolders;
}

/** The SMTP sink, the temp root and a factory of dunning activities; `close()` in `afterAll`. */
export interface DunningHarness {
  readonly mails: SunkMail[];
  /** New activities with fresh, empty drop folders. */
  dunning(): DunningUnderTest;
  close(): Promise<void>;
}

export async function startDunningHarness(prisma: PrismaClient, issuer: Issuer): Promise<DunningHarness> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dunning-activity-'));
  const mails: SunkMail[] = [];
  const sink: SmtpSink = await startSmtpSink({
    port: 0,
    outboxDir: path.join(root, 'outbox'),
    onMessage: async ({ raw }) => {
      const parsed = await simpleParser(raw);
      const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
      const key = parsed.headers.get(IDEMPOTENCY_KEY_HEADER.toLowerCase());
      mails.push({ to: to ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '', idempotencyKey: typeof key === 'string' ? key : null, attachments: parsed.attachments.map((a) => a.filename ?? '') });
    },
  });
  const transport = createMailTransport(`smtp://127.0.0.1:${sink.port}`);
  const mail = createMailActivities({ store: createPrismaCommunicationsStore(prisma), transport, from: 'Vertragswerk Test <billing@test.example>', newId: randomUUID, now: () => new Date() });
  const partners: LocalPrintPartner[] = [];

  return {
    mails,
    dunning() {
      const base = mkdtempSync(path.join(root, 'contract-'));
      const folders: DropFolders = { letters: path.join(base, 'letters'), agency: path.join(base, 'agency'), bureau: path.join(base, 'bureau') };
      // No API runs here: the partner's printed/posted reports wait an hour and are cancelled by close().
      const partner = new LocalPrintPartner({
        dropDir: folders.letters,
        webhookUrl: 'http://127.0.0.1:9/v1/webhooks/print-partner',
        webhookSecret: 'unused',
        clock: { now: async () => new Date() },
        printDelayMs: 3_600_000,
        logger: { log() {}, warn() {}, error() {} },
      });
      partners.push(partner);
      const letters = createPrintPartnerActivities({ store: createPrismaLettersStore(prisma), partner, newId: randomUUID, now: () => new Date() });
      const activities = createDunningActivities({
        prisma,
        issuer,
        mail,
        letters,
        agency: new LocalCollectionAgency({ dropDir: folders.agency }),
        bureau: new LocalCreditBureau({ dropDir: folders.bureau }),
      });
      return { activities, folders };
    },
    async close() {
      await Promise.all(partners.map((p) => p.close()));
      transport.close();
      await sink.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The invoice a ladder runs for. */
export interface DunnedInvoice {
  readonly workflowId: string;
  readonly contractId: string;
  readonly invoiceId: string;
  readonly dueOn: LocalDate;
}

/**
 * The inputs of every step of `ladder`, as the contract workflow passes them in round 1: the
 * key `<workflowId>/dunning/<invoice>/1/<step>`, the day due + offset, the next step's day and
 * the steps before with their days.
 */
export function ladderInputs(invoice: DunnedInvoice, ladder: DunningLadder, disputed = false): RunDunningStepInput[] {
  const days = ladder.steps.map((s) => addDays(invoice.dueOn, s.offsetDays));
  return ladder.steps.map((ladderStep, i) => ({
    idempotencyKey: `${invoice.workflowId}/dunning/${invoice.invoiceId}/1/${ladderStep.step}`,
    contractId: invoice.contractId,
    invoiceId: invoice.invoiceId,
    ladderStep,
    round: 1,
    runOn: days[i],
    nextStepOn: days[i + 1] ?? null,
    earlier: ladder.steps.slice(0, i).map((s, j) => ({ step: s.step, runOn: days[j] })),
    disputed,
  }));
}

/** Names in a folder, work files (dot files) left out; none when the folder was never made. */
export function visibleEntries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith('.')).sort() : [];
}

/** Each subfolder of `dir` with the files in it: `[folder, [files]]`. */
export function foldersWithFiles(dir: string): [string, string[]][] {
  return visibleEntries(dir).map((name) => [name, visibleEntries(path.join(dir, name))]);
}
