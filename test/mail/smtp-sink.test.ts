import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createMailTransport, messageIdFor, sendRenderedMail, type MailTransport } from '../../src/mail/mail-transport';
import { renderMail } from '../../src/mail/render-mail';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../src/mail/smtp-sink';

const RECEIVED_AT = new Date('2027-06-30T08:15:00.000Z');
const KEY = 'contract-c-1001/contract-ended/2027-07-01';

describe('SMTP sink', () => {
  let tmp: string;
  let outboxDir: string;
  let sink: SmtpSink;
  let transport: MailTransport;
  let received: ReceivedMail[];

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'smtp-sink-'));
    outboxDir = path.join(tmp, 'var', 'outbox'); // does not exist yet: the sink creates it
    received = [];
    sink = await startSmtpSink({ port: 0, outboxDir, now: () => RECEIVED_AT, onMessage: (mail) => void received.push(mail) });
    transport = createMailTransport(`smtp://127.0.0.1:${sink.port}`);
  });
  afterEach(async () => {
    transport.close();
    await sink.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const send = () =>
    sendRenderedMail(transport, {
      from: 'Vertragswerk <billing@vertragswerk.example>',
      to: 'Müller & Söhne <buchhaltung@mueller.example>',
      idempotencyKey: KEY,
      ...renderMail(
        { template: 'contract-ended', context: { customerName: 'Müller & Söhne', contractId: 'c-1001', endedOn: '2027-06-30', deleteData: true } },
        'de',
      ),
    });

  it('listens on a free port and writes each message as an .eml file', async () => {
    expect(sink.port).toBeGreaterThan(0);

    const { messageId } = await send();

    expect(messageId).toBe(messageIdFor(KEY));
    const sha = messageId.slice(1, 65);
    expect(readdirSync(outboxDir)).toEqual([`2027-06-30T08-15-00.000Z-${sha}_vertragswerk.eml`]);
    const file = path.join(outboxDir, `2027-06-30T08-15-00.000Z-${sha}_vertragswerk.eml`);
    const parsed = await simpleParser(readFileSync(file));
    expect(parsed.subject).toBe('Ihr Vertrag ist beendet');
    expect(parsed.to).toMatchObject({ value: [{ address: 'buchhaltung@mueller.example', name: 'Müller & Söhne' }] });
    expect(parsed.text).toContain('Guten Tag Müller & Söhne,');
    expect(parsed.text).toContain('Ihr Vertrag ist mit Ablauf des 30. Juni 2027 beendet.');
    expect(parsed.html).toContain('Guten Tag Müller &amp; Söhne,');
    expect(parsed.messageId).toBe(messageId);
  });

  it('reports the raw message and envelope to onMessage', async () => {
    await send();

    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail?.envelope).toEqual({ from: 'billing@vertragswerk.example', to: ['buchhaltung@mueller.example'] });
    expect(mail?.file.startsWith(outboxDir)).toBe(true);
    expect(readFileSync(mail!.file).equals(mail!.raw)).toBe(true);
  });

  it('keeps a duplicate delivery as a second file instead of overwriting the first', async () => {
    await send();
    await send();

    const base = `2027-06-30T08-15-00.000Z-${messageIdFor(KEY).slice(1, 65)}_vertragswerk`;
    expect(readdirSync(outboxDir).sort()).toEqual([`${base}-1.eml`, `${base}.eml`]);
  });

  it('survives a client that resets its connection mid-session (a killed worker) and keeps accepting mail', async () => {
    const socket = net.connect(sink.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('data', () => resolve())); // the 220 greeting
    socket.write('EHLO worker\r\nMAIL FROM:<billing@vertragswerk.example>\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await send();
    expect(readdirSync(outboxDir)).toHaveLength(1);
  });

  it('stops accepting mail after close', async () => {
    await sink.close();
    await expect(send()).rejects.toMatchObject({ code: 'ESOCKET' });
    // Restart so afterEach can close a running sink.
    sink = await startSmtpSink({ port: 0, outboxDir });
    expect(existsSync(outboxDir)).toBe(true);
  });
});
