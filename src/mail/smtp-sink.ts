/**
 * A local SMTP sink for development and tests: accepts every message and writes it as an
 * `.eml` file, so `npm start` needs no mail server and sent mail can be opened in any client.
 * Not for production: no TLS, no authentication checks, no relaying.
 */
import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** One message as the sink received it. */
export interface ReceivedMail {
  /** The raw RFC 5322 message, exactly as received after DATA. */
  raw: Buffer;
  /** SMTP envelope: MAIL FROM (null for the null sender) and RCPT TO addresses. */
  envelope: { from: string | null; to: string[] };
  /** Path of the written `.eml` file. */
  file: string;
}

/** Options of {@link startSmtpSink}. */
export interface SmtpSinkOptions {
  /** Port to listen on; 0 picks a free one (read it from the result). */
  port: number;
  /** Interface to bind; loopback by default so the sink is not reachable from the network. */
  host?: string;
  /** Directory for the `.eml` files; created if missing. */
  outboxDir: string;
  /** Called after each message is written; a rejection makes the sink answer 451 (the client retries). */
  onMessage?: (mail: ReceivedMail) => void | Promise<void>;
  /** Clock for file names; defaults to the system clock (dev tooling, not domain time). */
  now?: () => Date;
  /**
   * Tests: recipients for which this returns true are refused with `550 Mailbox unavailable`,
   * as a real server refuses an unknown mailbox (a permanent failure for the sender).
   */
  rejectRecipient?: (address: string) => boolean;
}

/** A running sink. */
export interface SmtpSink {
  /** The port actually bound (useful with `port: 0`). */
  port: number;
  /** Stops accepting connections and resolves once open sessions and pending writes are done. */
  close(): Promise<void>;
}

// Large enough for invoice PDFs as attachments; a dev sink has no reason to be stricter.
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/**
 * Starts the SMTP sink. Every accepted message lands in `outboxDir` as
 * `<time>-<message-id>.eml`, e.g. `2027-06-30T08-15-00.000Z-3f2a…_vertragswerk.eml`
 * (colons replaced so the name is valid on every file system).
 */
export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const { port, host = '127.0.0.1', outboxDir, onMessage, now = () => new Date(), rejectRecipient } = options;
  await fs.mkdir(outboxDir, { recursive: true });
  const pending = new Set<Promise<unknown>>();

  const receive = async (raw: Buffer, session: SMTPServerSession): Promise<void> => {
    const file = await writeEml(outboxDir, emlBaseName(now(), raw, session.id), raw);
    const mailFrom = session.envelope.mailFrom;
    const envelope = {
      from: mailFrom === false || mailFrom.address === '' ? null : mailFrom.address,
      to: session.envelope.rcptTo.map((r) => r.address),
    };
    await onMessage?.({ raw, envelope, file });
  };

  const server = new SMTPServer({
    // No TLS: STARTTLS off, so clients never try to upgrade against a self-signed dev cert.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    // A dev SMTP_URL with credentials must work too: accept any AUTH in clear text.
    allowInsecureAuth: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'sink' }),
    disableReverseLookup: true,
    logger: false,
    size: MAX_MESSAGE_BYTES,
    closeTimeout: 2_000,
    onRcptTo(address, _session, callback) {
      if (rejectRecipient?.(address.address)) {
        callback(Object.assign(new Error(`Mailbox unavailable: ${address.address}`), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 }));
          return;
        }
        const work = receive(Buffer.concat(chunks), session);
        pending.add(work);
        work.then(
          () => callback(),
          (error: unknown) =>
            callback(Object.assign(new Error(`Sink could not store the message: ${String(error)}`), { responseCode: 451 })),
        ).finally(() => pending.delete(work));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // A client that dies mid-session (a worker killed while sending) resets its connection: smtp-server
  // reports that as an 'error' event, which would crash the process without a listener. The
  // client retries; the sink keeps serving.
  server.on('error', () => undefined);

  return {
    port: (server.server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...pending]);
    },
  };
}

function emlBaseName(receivedAt: Date, raw: Buffer, sessionId: string): string {
  const time = receivedAt.toISOString().replace(/:/g, '-');
  const id = sanitize(headerValue(raw, 'message-id') ?? sessionId);
  return `${time}-${id}`;
}

function sanitize(value: string): string {
  return value.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'message';
}

/** Reads one header from the raw message head, unfolding continuation lines. */
function headerValue(raw: Buffer, name: string): string | null {
  const head = raw.toString('utf8', 0, Math.min(raw.length, 64 * 1024)).split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim() || null;
}

// Never overwrite: a duplicate delivery with the same Message-ID in the same millisecond must
// stay visible as a second file, that is what the sink is for.
async function writeEml(dir: string, baseName: string, raw: Buffer): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const file = path.join(dir, `${baseName}${attempt === 0 ? '' : `-${attempt}`}.eml`);
    try {
      await fs.writeFile(file, raw, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
