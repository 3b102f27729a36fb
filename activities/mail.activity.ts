/**
 * The mail activity: renders a message, records it in the communications log and sends it
 * over SMTP exactly once per idempotency key (as far as SMTP allows, see below).
 *
 * The store is an interface so this file stays free of Prisma; the worker plugs in the
 * database implementation.
 */
import { ApplicationFailure } from '@temporalio/common';
import { InvalidMailContextError } from '../src/mail/format-mail-date';
import type { Locale, MailMessage } from '../src/mail/mail-templates';
import { isPermanentSmtpError, sendRenderedMail, type MailTransport } from '../src/mail/mail-transport';
import type { MailAttachment } from '../src/mail/mail-transport';
import { renderMail, type RenderedMail } from '../src/mail/render-mail';

/** A row of the communications log, as far as the mail activity needs it. */
export interface CommunicationRecord {
  id: string;
  idempotencyKey: string;
  status: 'pending' | 'sent' | 'failed';
  messageId: string | null;
}

/** Persistence of outgoing communications (mails, letters), keyed by idempotency key. */
export interface CommunicationsStore {
  /** Inserts a pending record unless one with this idempotency key exists; returns the existing or new record. */
  claim(input: {
    id: string;
    idempotencyKey: string;
    contractId: string;
    kind: string;
    channel: 'email' | 'letter';
    template: string;
    locale: Locale;
    recipient: string | null;
    subject: string;
    invoiceId?: string | null;
  }): Promise<CommunicationRecord>;
  markSent(id: string, messageId: string, sentAt: Date): Promise<void>;
  /**
   * Takes the record for sending until `until`, unless it is sent or another attempt holds it
   * (then false). Optional: a store without it relies on Temporal running one attempt at a time.
   */
  lease?(id: string, now: Date, until: Date): Promise<boolean>;
  /** Extends the lease this attempt holds until `held` to `until` (false when it no longer holds it). */
  renew?(id: string, held: Date, until: Date): Promise<boolean>;
  /** Gives a lease back after a failed send. */
  release?(id: string): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
}

/** Input of {@link MailActivities.sendMail}. */
export interface SendMailInput {
  /** Workflow id + step, e.g. `contract-42/cancellation-confirmed/2027-03-31`; one mail per key, ever. */
  idempotencyKey: string;
  contractId: string;
  /** Recipient address; null when there is none any more (e.g. personal data deleted). */
  to: string | null;
  locale: Locale;
  message: MailMessage;
  /** Category for the communications log; defaults to the template name in snake_case (`cancellation_confirmed`). */
  kind?: string;
  /** Files sent with the mail (the invoice PDF and XRechnung); loaded by the caller, never via workflow history. */
  attachments?: readonly MailAttachment[];
  /** The invoice the mail is about; recorded on the communication. */
  invoiceId?: string | null;
}

/**
 * Result of {@link MailActivities.sendMail}:
 * - `sent`: this call delivered the mail to the SMTP server;
 * - `skipped`: a previous attempt already sent it, nothing was sent now;
 * - `no-recipient`: `to` was null; recorded as failed, nothing sent, no retry will help.
 *   The workflow may fall back to a letter.
 */
export interface SendMailResult {
  communicationId: string;
  status: 'sent' | 'skipped' | 'no-recipient';
  messageId: string | null;
}

/** Mail activities, registered on the worker and proxied in workflows as a type. */
export interface MailActivities {
  /**
   * Renders and sends one mail, idempotent per `idempotencyKey`.
   * Throws a non-retryable `ApplicationFailure` ({@link MAIL_FAILURE_TYPES}) for a permanent
   * SMTP rejection (5xx) or an invalid message context, and a retryable one for 4xx replies,
   * connection errors and timeouts.
   */
  sendMail(input: SendMailInput): Promise<SendMailResult>;
}

/** `ApplicationFailure.type` values thrown by the mail activity, for retry policies and workflow handling. */
export const MAIL_FAILURE_TYPES = {
  /** The SMTP server refused the mail for good (5xx). Non-retryable. */
  permanent: 'MailPermanentFailure',
  /** 4xx, connection or timeout; a later attempt may succeed. Retryable. */
  transient: 'MailTransientFailure',
  /** The message context is invalid (e.g. not a real date); a bug in the caller. Non-retryable. */
  invalidMessage: 'MailInvalidMessage',
  /** Another attempt is sending this mail right now. Retryable (the retry finds it sent). */
  inProgress: 'MailSendInProgress',
} as const;

/** Dependencies of {@link createMailActivities}. */
export interface MailActivityDeps {
  store: CommunicationsStore;
  transport: MailTransport;
  /** Sender, e.g. `Vertragswerk <billing@vertragswerk.example>`. */
  from: string;
  newId: () => string;
  now: () => Date;
  /** Waits between attempts to store a sent mail (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** Length of the send lease (default {@link SEND_LEASE_MS}; tests pass a short one). */
  sendLeaseMs?: number;
}

/**
 * How long an attempt holds a mail it sends; the live attempt renews it every third of that while
 * the SMTP transaction runs. An attempt killed mid-send (its worker died) blocks a retry for at
 * most this long, not for the whole activity timeout.
 */
const SEND_LEASE_MS = 30_000;

const NO_RECIPIENT_REASON = 'No recipient address (none on file or personal data deleted); nothing sent';

/**
 * Creates the mail activities.
 *
 * NOTE: delivery is at-least-once, not exactly-once. If the process dies after the SMTP server
 * accepted the mail but before `markSent` is stored, the retry sends it again. The retry
 * carries the same deterministic Message-ID (derived from the idempotency key), so the
 * duplicate is recognisable downstream. No SMTP extension can close this window.
 */
export function createMailActivities(deps: MailActivityDeps): MailActivities {
  const { store, transport, from, newId, now } = deps;

  return {
    async sendMail(input) {
      const { idempotencyKey, contractId, to, locale, message } = input;

      let rendered: RenderedMail;
      try {
        rendered = renderMail(message, locale);
      } catch (error) {
        // A malformed date will be malformed on every retry; a missing template file may be
        // fixed by a deploy, so that stays retryable.
        if (error instanceof InvalidMailContextError) {
          throw ApplicationFailure.create({ message: error.message, type: MAIL_FAILURE_TYPES.invalidMessage, nonRetryable: true, cause: error });
        }
        throw error;
      }

      const record = await store.claim({
        id: newId(),
        idempotencyKey,
        contractId,
        kind: input.kind ?? message.template.replace(/-/g, '_'),
        channel: 'email',
        template: message.template,
        locale,
        recipient: to,
        subject: rendered.subject,
        ...(input.invoiceId ? { invoiceId: input.invoiceId } : {}),
      });
      if (record.status === 'sent') {
        return { communicationId: record.id, status: 'skipped', messageId: record.messageId };
      }
      // 'pending' (an earlier attempt died mid-way) and 'failed' (an earlier permanent failure,
      // now re-run on purpose) are both sent again: neither reached the customer for certain.

      if (to === null) {
        // Retrying cannot conjure an address, so no throw: the workflow decides (letter, or nothing).
        await store.markFailed(record.id, NO_RECIPIENT_REASON);
        return { communicationId: record.id, status: 'no-recipient', messageId: null };
      }

      // Two attempts of one mail at once (a timed-out attempt still running beside its retry): only
      // the one holding the lease sends; the other is retried and then finds the mail sent.
      const startedAt = now();
      const leaseMs = deps.sendLeaseMs ?? SEND_LEASE_MS;
      if (store.lease && !(await store.lease(record.id, startedAt, new Date(startedAt.getTime() + leaseMs)))) {
        throw ApplicationFailure.create({ message: `Mail ${idempotencyKey} is being sent by another attempt`, type: MAIL_FAILURE_TYPES.inProgress, nonRetryable: false });
      }

      let messageId: string;
      const renewal = renewWhileSending(store, record.id, new Date(startedAt.getTime() + leaseMs), leaseMs, now);
      try {
        ({ messageId } = await sendRenderedMail(transport, { from, to, ...rendered, idempotencyKey, attachments: input.attachments }));
      } catch (error) {
        await renewal.stop();
        await store.release?.(record.id);
        const reason = describeSmtpError(error);
        if (isPermanentSmtpError(error)) {
          await store.markFailed(record.id, reason);
          throw ApplicationFailure.create({ message: reason, type: MAIL_FAILURE_TYPES.permanent, nonRetryable: true, cause: asError(error) });
        }
        // The record stays pending: Temporal retries this attempt with the same key.
        throw ApplicationFailure.create({ message: reason, type: MAIL_FAILURE_TYPES.transient, nonRetryable: false, cause: asError(error) });
      }

      // The SMTP server has the mail: store that first (every millisecond until then is a window in
      // which a killed worker means a second send), and it must not fail on a short database outage.
      // A renewal still in flight cannot undo it: renewals only touch records not yet sent.
      const stopped = renewal.stop();
      await untilStored(() => store.markSent(record.id, messageId, now()), deps.sleep ?? sleep);
      await stopped;
      return { communicationId: record.id, status: 'sent', messageId };
    },
  };
}

/**
 * Renews the send lease every third of its length until `stop()`; a failed renewal is tried
 * again at the next tick (the send goes on: it cannot be taken back).
 */
function renewWhileSending(store: CommunicationsStore, id: string, firstUntil: Date, leaseMs: number, now: () => Date): { stop(): Promise<void> } {
  if (!store.renew) return { stop: async () => undefined };
  const renew = store.renew.bind(store);
  let held = firstUntil;
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = inFlight.then(async () => {
      const until = new Date(now().getTime() + leaseMs);
      if (await renew(id, held, until).catch(() => false)) held = until;
    });
  }, leaseMs / 3);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}

/**
 * Backoff of storing `sent` after the SMTP server took the mail: 0.5 s doubling to 8 s, 90 s in
 * all (a database outage of a minute; below the 2-minute start-to-close of a notice mail).
 */
const STORE_SENT_BACKOFF_MS = { initial: 500, max: 8_000, total: 90_000 };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `store` until it succeeds; rethrows its last error once the backoff is used up. */
async function untilStored(store: () => Promise<void>, wait: (ms: number) => Promise<void>): Promise<void> {
  let delay = STORE_SENT_BACKOFF_MS.initial;
  for (let waited = 0; ; waited += delay, delay = Math.min(delay * 2, STORE_SENT_BACKOFF_MS.max)) {
    try {
      return await store();
    } catch (error) {
      if (waited >= STORE_SENT_BACKOFF_MS.total) throw error;
      await wait(delay);
    }
  }
}

function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return `SMTP send failed: ${String(error)}`;
  const { code, responseCode } = error as Error & { code?: unknown; responseCode?: unknown };
  const tags = [code, responseCode].filter((t) => t !== undefined).join(' ');
  return `SMTP send failed${tags ? ` (${tags})` : ''}: ${error.message}`;
}

function asError(error: unknown): Error | undefined {
  return error instanceof Error ? error : undefined;
}
