import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  createMailActivities,
  MAIL_FAILURE_TYPES,
  type CommunicationRecord,
  type CommunicationsStore,
  type MailActivities,
  type SendMailInput,
} from '../../activities/mail.activity';
import { createMailTransport, messageIdFor, type MailTransport } from '../../src/mail/mail-transport';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../src/mail/smtp-sink';
import { SAMPLES } from '../helpers/mail-samples';

type StoredCommunication = CommunicationRecord & Parameters<CommunicationsStore['claim']>[0] & { sentAt: Date | null; error: string | null };

/** The store contract in memory: unique by idempotency key, like the database's unique index. */
class InMemoryCommunicationsStore implements CommunicationsStore {
  readonly rows = new Map<string, StoredCommunication>();
  private readonly byKey = new Map<string, string>();

  async claim(input: Parameters<CommunicationsStore['claim']>[0]): Promise<CommunicationRecord> {
    const existing = this.byKey.get(input.idempotencyKey);
    if (existing !== undefined) return this.record(existing);
    this.rows.set(input.id, { ...input, status: 'pending', messageId: null, sentAt: null, error: null });
    this.byKey.set(input.idempotencyKey, input.id);
    return this.record(input.id);
  }

  async markSent(id: string, messageId: string, sentAt: Date): Promise<void> {
    Object.assign(this.row(id), { status: 'sent', messageId, sentAt, error: null });
  }

  async markFailed(id: string, error: string): Promise<void> {
    Object.assign(this.row(id), { status: 'failed', error });
  }

  byIdempotencyKey(key: string): StoredCommunication | undefined {
    const id = this.byKey.get(key);
    return id === undefined ? undefined : this.rows.get(id);
  }

  private row(id: string): StoredCommunication {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no communication ${id}`);
    return row;
  }

  private record(id: string): CommunicationRecord {
    const { status, messageId, idempotencyKey } = this.row(id);
    return { id, idempotencyKey, status, messageId };
  }
}

const silentLogger: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const NOW = new Date('2027-03-31T10:00:00.000Z');
const FROM = 'Vertragswerk <billing@vertragswerk.example>';

const cancellationInput = (overrides: Partial<SendMailInput> = {}): SendMailInput => ({
  idempotencyKey: 'contract-c-1001/cancellation-confirmed/2027-03-31',
  contractId: 'c-1001',
  to: 'erika@kunde.example',
  locale: 'de',
  message: SAMPLES['cancellation-confirmed'],
  ...overrides,
});

interface Harness {
  activities: MailActivities;
  store: InMemoryCommunicationsStore;
  run: (input: SendMailInput) => ReturnType<MailActivities['sendMail']>;
}

function harness(transport: MailTransport): Harness {
  const store = new InMemoryCommunicationsStore();
  let nextId = 0;
  const activities = createMailActivities({ store, transport, from: FROM, newId: () => `comm-${++nextId}`, now: () => NOW });
  const env = new MockActivityEnvironment(undefined, { logger: silentLogger });
  return { activities, store, run: (input) => env.run(activities.sendMail, input) };
}

/** A plain smtp-server whose RCPT TO reply is decided per attempt by `reply` (null = accept). */
async function startScriptedServer(reply: () => number | null): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      const code = reply();
      callback(code === null ? null : Object.assign(new Error(`scripted rejection ${code}`), { responseCode: code }));
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function expectFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('sendMail against the SMTP sink', () => {
  let outboxDir: string;
  let sink: SmtpSink;
  let received: ReceivedMail[];
  let transport: MailTransport;

  beforeEach(async () => {
    outboxDir = mkdtempSync(path.join(os.tmpdir(), 'mail-activity-'));
    received = [];
    sink = await startSmtpSink({ port: 0, outboxDir, onMessage: (mail) => void received.push(mail) });
    transport = createMailTransport(`smtp://127.0.0.1:${sink.port}`);
  });
  afterEach(async () => {
    transport.close();
    await sink.close();
    rmSync(outboxDir, { recursive: true, force: true });
  });

  it('sends once per idempotency key, a second call is skipped', async () => {
    const { run, store } = harness(transport);
    const input = cancellationInput();

    const first = await run(input);
    const second = await run(input);

    expect(first).toEqual({ communicationId: 'comm-1', status: 'sent', messageId: messageIdFor(input.idempotencyKey) });
    expect(second).toEqual({ communicationId: 'comm-1', status: 'skipped', messageId: first.messageId });
    expect(received).toHaveLength(1);
    expect(store.rows.size).toBe(1);
    expect(store.byIdempotencyKey(input.idempotencyKey)).toMatchObject({
      status: 'sent',
      sentAt: NOW,
      recipient: 'erika@kunde.example',
      template: 'cancellation-confirmed',
      kind: 'cancellation_confirmed',
      channel: 'email',
      subject: 'Kündigungsbestätigung: Ihr Vertrag endet am 30. Juni 2027',
    });

    const [mail] = received;
    expect(mail?.envelope).toEqual({ from: 'billing@vertragswerk.example', to: ['erika@kunde.example'] });
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.subject).toBe('Kündigungsbestätigung: Ihr Vertrag endet am 30. Juni 2027');
    expect(parsed.to).toMatchObject({ value: [{ address: 'erika@kunde.example' }] });
    expect(parsed.from).toMatchObject({ value: [{ address: 'billing@vertragswerk.example', name: 'Vertragswerk' }] });
    expect(parsed.text).toContain('Ihr Vertrag endet mit Ablauf des 30. Juni 2027.');
    expect(parsed.html).toContain('<strong>30. Juni 2027</strong>');
    expect(parsed.messageId).toBe(messageIdFor(input.idempotencyKey));
    expect(parsed.messageId).toMatch(/^<[0-9a-f]{64}@vertragswerk>$/);
    expect(parsed.headers.get('x-idempotency-key')).toBe(input.idempotencyKey);
  });

  it('sends again with the same Message-ID when an earlier attempt died before markSent', async () => {
    const { run, store } = harness(transport);
    const input = cancellationInput();
    // Day 1, attempt 1: the worker claimed the record, the SMTP server accepted, the process died.
    await store.claim({
      id: 'comm-crashed',
      idempotencyKey: input.idempotencyKey,
      contractId: 'c-1001',
      kind: 'cancellation_confirmed',
      channel: 'email',
      template: 'cancellation-confirmed',
      locale: 'de',
      recipient: 'erika@kunde.example',
      subject: 'x',
    });

    const retry = await run(input);

    expect(retry).toEqual({ communicationId: 'comm-crashed', status: 'sent', messageId: messageIdFor(input.idempotencyKey) });
    expect(received).toHaveLength(1);
    expect((await simpleParser(received[0]!.raw)).messageId).toBe(messageIdFor(input.idempotencyKey));
  });

  it('different keys send different mails with different Message-IDs', async () => {
    const { run } = harness(transport);
    const a = await run(cancellationInput({ idempotencyKey: 'contract-c-1001/cancellation-confirmed/2027-03-31' }));
    const b = await run(cancellationInput({ idempotencyKey: 'contract-c-1001/cancellation-confirmed/2027-05-02' }));
    expect(received).toHaveLength(2);
    expect(a.messageId).not.toBe(b.messageId);
  });

  it('records a mail without recipient as failed and does not throw or send', async () => {
    const { run, store } = harness(transport);
    const input = cancellationInput({ to: null });

    const result = await run(input);

    expect(result).toEqual({ communicationId: 'comm-1', status: 'no-recipient', messageId: null });
    expect(received).toHaveLength(0);
    expect(store.byIdempotencyKey(input.idempotencyKey)).toMatchObject({ status: 'failed', recipient: null, error: expect.stringMatching(/recipient/i) });
  });

  it('rejects an invalid date as non-retryable before claiming anything', async () => {
    const { run, store } = harness(transport);
    const sample = SAMPLES['cancellation-confirmed'];
    const input = cancellationInput({ message: { ...sample, context: { ...sample.context, endsOn: '2027-06-31' } } });

    const failure = await expectFailure(run(input));

    expect(failure).toMatchObject({ nonRetryable: true, type: MAIL_FAILURE_TYPES.invalidMessage });
    expect(store.rows.size).toBe(0);
    expect(received).toHaveLength(0);
  });
});

describe('sendMail when the SMTP server refuses', () => {
  it('550: non-retryable failure, record failed', async () => {
    const server = await startScriptedServer(() => 550);
    const transport = createMailTransport(`smtp://127.0.0.1:${server.port}`);
    try {
      const { run, store } = harness(transport);
      const input = cancellationInput();

      const failure = await expectFailure(run(input));

      expect(failure).toMatchObject({ nonRetryable: true, type: MAIL_FAILURE_TYPES.permanent });
      expect(failure.message).toContain('550');
      expect(store.byIdempotencyKey(input.idempotencyKey)).toMatchObject({ status: 'failed', error: expect.stringContaining('550') });
      expect(server.received()).toBe(0);
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('451: retryable failure, record stays pending, and the retry sends exactly once', async () => {
    const replies = [451, null];
    const server = await startScriptedServer(() => replies.shift() ?? null);
    const transport = createMailTransport(`smtp://127.0.0.1:${server.port}`);
    try {
      const { run, store } = harness(transport);
      const input = cancellationInput();

      const failure = await expectFailure(run(input));
      expect(failure).toMatchObject({ nonRetryable: false, type: MAIL_FAILURE_TYPES.transient });
      expect(failure.message).toContain('451');
      expect(store.byIdempotencyKey(input.idempotencyKey)).toMatchObject({ status: 'pending' });

      // Temporal's retry: same input, same key.
      const retry = await run(input);
      expect(retry.status).toBe('sent');
      expect(store.byIdempotencyKey(input.idempotencyKey)).toMatchObject({ status: 'sent' });
      expect(server.received()).toBe(1);
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('connection refused: retryable failure', async () => {
    // Bind a port, then free it, so nothing listens there.
    const server = await startScriptedServer(() => null);
    await server.close();
    const transport = createMailTransport(`smtp://127.0.0.1:${server.port}`);
    try {
      const { run, store } = harness(transport);
      const input = cancellationInput();

      const failure = await expectFailure(run(input));

      expect(failure).toMatchObject({ nonRetryable: false, type: MAIL_FAILURE_TYPES.transient });
      expect(store.byIdempotencyKey(input.idempotencyKey)).toMatchObject({ status: 'pending' });
    } finally {
      transport.close();
    }
  });
});
