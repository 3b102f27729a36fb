/**
 * Sending a rendered mail over SMTP. Knows nothing about templates or contracts: it takes a
 * finished subject/text/html and hands it to nodemailer.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type SMTPSentMessageInfo, type SMTPTransportOptions, type Transporter } from 'nodemailer';

/** The SMTP transporter the mail activity sends through. */
export type MailTransport = Transporter<SMTPSentMessageInfo, SMTPTransportOptions>;

/** A rendered mail plus its envelope and optional idempotency data. */
/** A file sent with a mail. */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * The side effect's idempotency key: sets `X-Idempotency-Key` and, unless `messageId` is
   * given, a Message-ID derived from it (see {@link messageIdFor}).
   */
  idempotencyKey?: string;
  /** Explicit Message-ID including angle brackets, e.g. `<abc@vertragswerk>`. */
  messageId?: string;
  headers?: Record<string, string>;
  attachments?: readonly MailAttachment[];
}

/** Domain part of generated Message-IDs. */
export const MESSAGE_ID_DOMAIN = 'vertragswerk';

/** Header that carries the idempotency key, for tracing a mail back to its workflow step. */
export const IDEMPOTENCY_KEY_HEADER = 'X-Idempotency-Key';

// Bounded waits so a hanging server fails the attempt well within the activity timeout and
// Temporal retries, instead of nodemailer's defaults (2 min connect, 10 min idle).
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Creates a nodemailer SMTP transporter from a connection URL (`smtp://host:port`,
 * `smtps://user:pass@host:465`). Values in the URL win over the default timeouts.
 */
export function createMailTransport(smtpUrl: string): MailTransport {
  return nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
}

/**
 * The deterministic Message-ID for an idempotency key: `<sha256hex(key)@vertragswerk>`.
 * Every attempt of the same side effect sends the same Message-ID, so a duplicate delivery
 * (crash after the SMTP server accepted, before the database recorded it) is recognisable
 * downstream, and mail clients usually collapse it.
 */
export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex')}@${MESSAGE_ID_DOMAIN}>`;
}

/**
 * Sends one mail and resolves with the Message-ID the server accepted it under.
 * Rejects with nodemailer's error (see {@link isPermanentSmtpError} to classify it).
 */
export async function sendRenderedMail(transport: MailTransport, mail: OutgoingMail): Promise<{ messageId: string }> {
  const headers: Record<string, string> = { ...mail.headers };
  if (mail.idempotencyKey !== undefined) headers[IDEMPOTENCY_KEY_HEADER] = mail.idempotencyKey;
  const messageId = mail.messageId ?? (mail.idempotencyKey !== undefined ? messageIdFor(mail.idempotencyKey) : undefined);
  const info = await transport.sendMail({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers,
    ...(mail.attachments?.length ? { attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })) } : {}),
    ...(messageId !== undefined ? { messageId } : {}),
  });
  return { messageId: info.messageId };
}

/**
 * True if an SMTP error is a permanent rejection (5xx except 503, RFC 5321): sending the same
 * mail again would be refused again. False for 4xx replies, connection and timeout errors,
 * which a later attempt may get through.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { permanent, responseCode } = error as { permanent?: unknown; responseCode?: unknown };
  // nodemailer sets `permanent` from the reply class; the fallback covers errors built elsewhere.
  if (typeof permanent === 'boolean') return permanent;
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && responseCode !== 503;
}
