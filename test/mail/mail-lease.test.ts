/**
 * The send lease of the mail activity against real PostgreSQL (communications.sending_until) and
 * a real SMTP server that takes its time: the live attempt renews its lease while the SMTP
 * transaction runs, so a second attempt of the same mail never sends beside it; an attempt that
 * died mid-send (its worker was killed) blocks a retry only until its lease runs out, not for the
 * activity's whole timeout. One mail reaches the server either way.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { SMTPServer } from 'smtp-server';
import { createPrismaCommunicationsStore } from '../../activities/communications.store';
import { createMailActivities, MAIL_FAILURE_TYPES, type SendMailInput } from '../../activities/mail.activity';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import { createMailTransport } from '../../src/mail/mail-transport';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { SAMPLES } from '../helpers/mail-samples';

const LEASE_MS = 600;
/** The SMTP server answers the DATA of every mail after this long: longer than two leases. */
const SLOW_DATA_MS = 1_500;

let database: TestDatabase;
let prisma: PrismaClient;
let server: SMTPServer;
let port: number;
const received: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        setTimeout(() => {
          received.push(/^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? '?');
          callback();
        }, SLOW_DATA_MS);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await prisma?.$disconnect();
  await database?.drop();
});

const silentLogger: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function activities() {
  return createMailActivities({
    store: createPrismaCommunicationsStore(prisma),
    transport: createMailTransport(`smtp://127.0.0.1:${port}`),
    from: 'Vertragswerk <billing@test.example>',
    newId: randomUUID,
    now: () => new Date(),
    sendLeaseMs: LEASE_MS,
  });
}

async function contract(): Promise<string> {
  const customerId = randomUUID();
  const id = randomUUID();
  await prisma.customer.create({
    data: { id, type: 'business', name: 'Praxis', email: `p-${customerId}@example.org`, locale: 'de', invoiceDelivery: 'email', addressLine1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
  });
  await prisma.contract.create({
    data: { id, customerId: id, plan: 'plus', seats: 1, status: 'active', timeZone: 'Europe/Berlin', startedOn: '2027-01-15', billingMode: 'postpaid', workflowId: `contract-${id}` },
  });
  return id;
}

function input(contractId: string): SendMailInput {
  return { idempotencyKey: `contract-${contractId}/cancellation-confirmed`, contractId, to: 'praxis@example.org', locale: 'de', message: SAMPLES['cancellation-confirmed'] };
}

const run = (send: () => Promise<unknown>) => new MockActivityEnvironment(undefined, { logger: silentLogger }).run(send);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('an attempt sending for longer than its lease renews it: a second attempt meanwhile is told to retry, then finds the mail sent; one mail at the server', async () => {
  const contractId = await contract();
  const mail = input(contractId);
  const before = received.length;
  const first = run(() => activities().sendMail(mail));
  // Past the first lease (600 ms), while the server still holds the DATA (1.5 s).
  await sleep(LEASE_MS + 400);
  await expect(run(() => activities().sendMail(mail))).rejects.toMatchObject({ type: MAIL_FAILURE_TYPES.inProgress });
  await expect(first).resolves.toMatchObject({ status: 'sent' });
  await expect(run(() => activities().sendMail(mail))).resolves.toMatchObject({ status: 'skipped' });
  expect(received.length - before).toBe(1);
  const row = await prisma.communication.findUniqueOrThrow({ where: { idempotencyKey: mail.idempotencyKey } });
  expect(row).toMatchObject({ status: 'sent', sendingUntil: null });
});

test('an attempt that died holding the lease (no renewal) blocks a retry only until the lease runs out; then the retry sends once', async () => {
  const contractId = await contract();
  const mail = input(contractId);
  const before = received.length;
  // The dead attempt: it claimed the mail and took the lease, then its worker was killed.
  const store = createPrismaCommunicationsStore(prisma);
  const record = await store.claim({ id: randomUUID(), idempotencyKey: mail.idempotencyKey, contractId, kind: 'cancellation_confirmed', channel: 'email', template: 'cancellation-confirmed', locale: 'de', recipient: mail.to, subject: 'Kündigung' });
  const now = new Date();
  expect(await store.lease?.(record.id, now, new Date(now.getTime() + LEASE_MS))).toBe(true);
  await expect(run(() => activities().sendMail(mail))).rejects.toMatchObject({ type: MAIL_FAILURE_TYPES.inProgress });
  await sleep(LEASE_MS + 100);
  await expect(run(() => activities().sendMail(mail))).resolves.toMatchObject({ status: 'sent' });
  expect(received.length - before).toBe(1);
});
