/**
 * The print-partner activity in Temporal's MockActivityEnvironment against a real PostgreSQL
 * database, the local print partner and the real HTTP API receiving its signed reports.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createPrintPartnerActivities,
  PRINT_PARTNER_FAILURE_TYPES,
  type PrintPartnerActivities,
  type SendLetterInput,
  type SendLetterResult,
} from '../../activities/print-partner.activity';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/config';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import { createPrismaLettersStore } from '../../src/letters/letters.store';
import { LocalPrintPartner } from '../../src/print-partner/local-print-partner';
import { PrintPartnerTransientError, type PrintPartner } from '../../src/print-partner/print-partner';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { apiClient } from '../helpers/platform';
import { seedContract } from './seed';

const OPERATOR_TOKEN = 'test-operator-token-0123456789';
const PDF = Buffer.from('%PDF-1.7\n% dunning letter\n%%EOF\n');
const NOW = new Date('2027-04-15T08:00:00.000Z');
const silentLogger: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

let database: TestDatabase;
let prisma: PrismaClient;
let app: INestApplication;
let api: ReturnType<typeof apiClient>;
let dropDir: string;
let local: LocalPrintPartner;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  const config = loadConfig({ OPERATOR_TOKEN, PORT: '0' });
  // Only the letters and webhook routes are called: they need no Temporal.
  app = await createApp({ config, prisma, temporal: {} as Client }, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  api = apiClient(url);
  dropDir = mkdtempSync(path.join(os.tmpdir(), 'letters-'));
  local = new LocalPrintPartner({
    dropDir,
    webhookUrl: `${url}/v1/webhooks/print-partner`,
    webhookSecret: config.printPartner.webhookSecret,
    clock: { now: async () => new Date() },
    printDelayMs: 0,
    postDelayMs: 0,
    retry: { attempts: 10, initialBackoffMs: 20, maxBackoffMs: 200 },
    logger: { log() {}, warn() {}, error() {} },
  });
});
afterAll(async () => {
  await local?.close();
  await app?.close();
  await prisma?.$disconnect();
  await database?.drop();
  if (dropDir) rmSync(dropDir, { recursive: true, force: true });
});

function activities(partner: PrintPartner): PrintPartnerActivities {
  return createPrintPartnerActivities({ store: createPrismaLettersStore(prisma), partner, newId: () => crypto.randomUUID(), now: () => NOW });
}

/** Runs the activity the way the worker would: inside an activity context. */
function run(partner: PrintPartner, input: SendLetterInput): Promise<SendLetterResult> {
  return new MockActivityEnvironment(undefined, { logger: silentLogger }).run(activities(partner).sendLetter, input);
}

/** The local partner, but the first submit throws after the partner accepted (the worker died before recording it). */
function failingOnceAfterSubmit(partner: PrintPartner): PrintPartner & { submits: number } {
  const wrapper = {
    name: partner.name,
    submits: 0,
    async submitLetter(input: Parameters<PrintPartner['submitLetter']>[0]) {
      const result = await partner.submitLetter(input);
      wrapper.submits++;
      if (wrapper.submits === 1) throw new Error('fault injected: worker lost after the partner accepted');
      return result;
    },
  };
  return wrapper;
}

const letterInput = (contractId: string, overrides: Partial<SendLetterInput> = {}): SendLetterInput =>
  ({
    idempotencyKey: `contract-${contractId}/dunning-letter-1/2027-04-15`,
    contractId,
    kind: 'dunning_letter_1',
    template: 'dunning-letter-1',
    pdfBase64: PDF.toString('base64'),
    ...overrides,
  }) as SendLetterInput;

const letterFolders = () => readdirSync(dropDir).filter((name) => !name.startsWith('.'));

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('sendLetter', () => {
  it('a fault after the partner accepted: the retry submits with the same key, one letter in the drop folder and one row, later posted', async () => {
    const contractId = await seedContract(prisma);
    const partner = failingOnceAfterSubmit(local);
    const input = letterInput(contractId, { invoiceId: '6f1d8a3e-8d0c-4a57-9d43-0f4a3a2a9b11' });

    await expect(run(partner, input)).rejects.toThrow(/fault injected/);
    const afterFault = await prisma.letter.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
    expect(afterFault).toMatchObject({ status: 'submitted', partnerLetterId: null, submittedAt: null });

    const result = await run(partner, input);
    expect(result).toMatchObject({ status: 'submitted', letterId: afterFault.id, communicationId: afterFault.communicationId });
    expect(partner.submits).toBe(2);
    expect(letterFolders()).toEqual([result.partnerLetterId]);
    expect(await prisma.letter.count({ where: { contractId } })).toBe(1);
    const communication = await prisma.communication.findUniqueOrThrow({ where: { id: result.communicationId } });
    expect(communication).toMatchObject({
      channel: 'letter',
      kind: 'dunning_letter_1',
      template: 'dunning-letter-1',
      status: 'sent',
      messageId: result.partnerLetterId,
      sentAt: NOW,
      // The customer's address, loaded by the activity (not carried in workflow history).
      recipient: 'Erika Mustermann, Heidestraße 17, Hinterhaus, 51147 Köln, DE',
    });

    // The partner's reports arrive through the real webhook; a third run sends nothing.
    await local.whenIdle();
    expect(await run(partner, input)).toMatchObject({ status: 'skipped', partnerLetterId: result.partnerLetterId });
    expect(partner.submits).toBe(2);
    const listed = await api('GET', `/v1/letters?contractId=${contractId}`, { token: OPERATOR_TOKEN });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      items: [
        {
          id: result.letterId,
          contractId,
          communicationId: result.communicationId,
          kind: 'dunning_letter_1',
          status: 'posted',
          error: null,
          partnerLetterId: result.partnerLetterId,
          submittedAt: NOW.toISOString(),
          invoiceId: '6f1d8a3e-8d0c-4a57-9d43-0f4a3a2a9b11',
        },
      ],
    });
    expect(await prisma.webhookEvent.count({ where: { eventId: { startsWith: `evt_${result.partnerLetterId}` } } })).toBe(2);
  });

  it('a transient partner failure is retryable and leaves the letter waiting for the retry', async () => {
    const contractId = await seedContract(prisma);
    const unavailable: PrintPartner = {
      name: 'local',
      submitLetter: async () => {
        throw new PrintPartnerTransientError('HTTP 503', 503);
      },
    };
    const failure = await failureOf(run(unavailable, letterInput(contractId)));
    expect(failure.type).toBe(PRINT_PARTNER_FAILURE_TYPES.transient);
    expect(failure.nonRetryable).toBe(false);
    expect(await prisma.letter.findFirstOrThrow({ where: { contractId } })).toMatchObject({ status: 'submitted', partnerLetterId: null });
  });

  it('a rejected letter fails for good; run again after the address is fixed it goes out under a new partner key', async () => {
    const contractId = await seedContract(prisma);
    const input = letterInput(contractId, { recipient: { name: 'Erika Mustermann', addressLine1: 'Heidestraße 17', postalCode: '51147', city: 'Köln', country: 'Deutschland' } });

    const failure = await failureOf(run(local, input));
    expect(failure.type).toBe(PRINT_PARTNER_FAILURE_TYPES.rejected);
    expect(failure.nonRetryable).toBe(true);
    const failed = await prisma.letter.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/ISO 3166-1/) });
    expect(await prisma.communication.findUniqueOrThrow({ where: { id: failed.communicationId } })).toMatchObject({ status: 'failed' });

    const fixed = await run(local, { ...input, recipient: { ...input.recipient!, country: 'DE' } });
    expect(fixed.status).toBe('submitted');
    expect(await prisma.letter.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({ status: 'submitted', submissions: 2, partnerLetterId: fixed.partnerLetterId, error: null });
  });

  it('no postal address on file: recorded as failed, nothing sent', async () => {
    const contractId = await seedContract(prisma, { withAddress: false });
    const before = letterFolders().length;
    const result = await run(local, letterInput(contractId));
    expect(result).toMatchObject({ status: 'no-recipient', partnerLetterId: null });
    expect(await prisma.letter.findUniqueOrThrow({ where: { id: result.letterId } })).toMatchObject({ status: 'failed' });
    expect(letterFolders()).toHaveLength(before);
  });

  it('a document that is not a PDF, or a reference without a document source, fails for good', async () => {
    const contractId = await seedContract(prisma);
    const notPdf = await failureOf(run(local, letterInput(contractId, { pdfBase64: Buffer.from('<html>').toString('base64') })));
    expect(notPdf).toMatchObject({ type: PRINT_PARTNER_FAILURE_TYPES.invalidDocument, nonRetryable: true });
    const byReference = await failureOf(
      run(local, letterInput(contractId, { idempotencyKey: `contract-${contractId}/invoice`, pdfBase64: undefined, document: { type: 'invoice-pdf', id: 'inv-1' } })),
    );
    expect(byReference).toMatchObject({ type: PRINT_PARTNER_FAILURE_TYPES.invalidDocument, nonRetryable: true });
  });

  it('an idempotency key of an e-mail is refused instead of turning the mail into a letter', async () => {
    const contractId = await seedContract(prisma);
    const idempotencyKey = `contract-${contractId}/reminder`;
    await prisma.communication.create({
      data: { id: crypto.randomUUID(), idempotencyKey, contractId, kind: 'payment_reminder', channel: 'email', template: 'payment-reminder', locale: 'de', subject: 'Reminder', status: 'sent' },
    });
    const failure = await failureOf(run(local, letterInput(contractId, { idempotencyKey })));
    expect(failure).toMatchObject({ type: PRINT_PARTNER_FAILURE_TYPES.keyConflict, nonRetryable: true });
    expect(await prisma.letter.count({ where: { contractId } })).toBe(0);
  });
});
