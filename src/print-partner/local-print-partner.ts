/**
 * The local print partner, the default where no real one is configured: it "prints" a letter by
 * writing `<dropDir>/<partnerLetterId>/letter.pdf` and `manifest.json`, and reports `printed` and
 * then `posted` to the platform through the signed print-partner webhook, as a real partner would.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import type { Clock } from '../app/clock';
import { signWebhookBody } from '../webhooks/webhook-signature';
import type { ReportedLetterStatus } from '../letters/letter-status';
import type { LetterRecipient, PrintPartner, SubmitLetterInput, SubmittedLetter } from './print-partner';
import { PrintPartnerRejectedError, PrintPartnerTransientError } from './print-partner';

/** How the local partner retries a status report the API did not take (it may not be up yet). */
export interface ReportRetry {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Options of {@link LocalPrintPartner}. */
export interface LocalPrintPartnerOptions {
  dropDir: string;
  /** `POST` target of the status reports: the platform's `/v1/webhooks/print-partner`. */
  webhookUrl: string;
  webhookSecret: string;
  /** Stamps `createdAt` of the reports: the platform's clock (the sandbox clock in sandbox mode). */
  clock: Clock;
  /** Delay from submit to `printed`, and from `printed` to `posted` (ms). */
  printDelayMs?: number;
  postDelayMs?: number;
  retry?: ReportRetry;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

/** What `manifest.json` holds besides the PDF. */
export interface LocalLetterManifest {
  partnerLetterId: string;
  idempotencyKey: string;
  fileName: string;
  recipient: LetterRecipient;
  metadata: SubmitLetterInput['metadata'];
  pdfSha256: string;
  submittedAt: string;
}

const DEFAULT_RETRY: ReportRetry = { attempts: 8, initialBackoffMs: 500, maxBackoffMs: 10_000 };
const REPORT_TIMEOUT_MS = 10_000;
/** Statuses the API answers while the letter may still appear or the API come up: try again. */
const RETRY_STATUSES = new Set([404, 408, 425, 429]);
const MANIFEST = 'manifest.json';
const PDF = 'letter.pdf';

export class LocalPrintPartner implements PrintPartner {
  readonly name = 'local';
  private readonly printDelayMs: number;
  private readonly postDelayMs: number;
  private readonly retry: ReportRetry;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  /** Letters whose reports are being delivered by this process. */
  private readonly reporting = new Map<string, Promise<void>>();
  /** Letters this process has reported completely (a resubmit does not report them again). */
  private readonly reported = new Set<string>();
  private readonly stop = new AbortController();

  constructor(private readonly options: LocalPrintPartnerOptions) {
    this.printDelayMs = options.printDelayMs ?? 2_000;
    this.postDelayMs = options.postDelayMs ?? 3_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.logger = options.logger ?? new Logger('LocalPrintPartner');
  }

  /** The folder of a letter: `partnerLetterId` is derived from the idempotency key, so a key has one folder, ever. */
  letterDir(partnerLetterId: string): string {
    return path.join(this.options.dropDir, partnerLetterId);
  }

  async submitLetter(input: SubmitLetterInput): Promise<SubmittedLetter> {
    checkLetter(input);
    const partnerLetterId = localLetterId(input.idempotencyKey);
    const existing = await this.readManifest(partnerLetterId);
    if (!existing) await this.write(partnerLetterId, input);
    this.report(partnerLetterId);
    return { partnerLetterId, status: 'submitted' };
  }

  /** Resolves once every status report in flight has been delivered (or given up). */
  async whenIdle(): Promise<void> {
    while (this.reporting.size > 0) await Promise.all(this.reporting.values());
  }

  /** Stops reporting: pending delays end at once and no report is sent any more. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.whenIdle();
  }

  private async readManifest(partnerLetterId: string): Promise<LocalLetterManifest | null> {
    try {
      return JSON.parse(await readFile(path.join(this.letterDir(partnerLetterId), MANIFEST), 'utf8')) as LocalLetterManifest;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new PrintPartnerTransientError(`local print partner: cannot read the manifest of ${partnerLetterId}`, undefined, { cause: error });
    }
  }

  /**
   * Writes the letter into a private folder and renames it into place: the rename is atomic, so
   * a letter's folder is complete or absent, and of two concurrent submits with one key one wins.
   */
  private async write(partnerLetterId: string, input: SubmitLetterInput): Promise<void> {
    const manifest: LocalLetterManifest = {
      partnerLetterId,
      idempotencyKey: input.idempotencyKey,
      fileName: input.fileName,
      recipient: input.recipient,
      metadata: input.metadata,
      pdfSha256: createHash('sha256').update(input.pdf).digest('hex'),
      submittedAt: (await this.options.clock.now()).toISOString(),
    };
    const incoming = path.join(this.options.dropDir, '.incoming', randomUUID());
    try {
      await mkdir(incoming, { recursive: true });
      await writeFile(path.join(incoming, PDF), input.pdf);
      await writeFile(path.join(incoming, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      await rename(incoming, this.letterDir(partnerLetterId));
    } catch (error) {
      await rm(incoming, { recursive: true, force: true }).catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      // Another submit with the same key renamed its folder first: that is the letter.
      if (code === 'EEXIST' || code === 'ENOTEMPTY') return;
      throw new PrintPartnerTransientError(`local print partner: cannot write ${partnerLetterId}: ${(error as Error).message}`, undefined, { cause: error });
    }
    this.logger.log(`letter ${partnerLetterId} (${input.metadata.kind}) dropped in ${this.letterDir(partnerLetterId)}`);
  }

  /** Reports `printed`, then `posted`, in the background (once per letter and process). */
  private report(partnerLetterId: string): void {
    if (this.reporting.has(partnerLetterId) || this.reported.has(partnerLetterId) || this.stop.signal.aborted) return;
    const run = (async () => {
      const steps: [ReportedLetterStatus, number][] = [
        ['printed', this.printDelayMs],
        ['posted', this.postDelayMs],
      ];
      for (const [status, delayMs] of steps) {
        if (!(await this.sleep(delayMs))) return;
        if (!(await this.deliver(partnerLetterId, status))) return;
      }
      this.reported.add(partnerLetterId);
    })()
      .catch((error: unknown) => this.logger.error(`reports of ${partnerLetterId} stopped: ${(error as Error).stack ?? String(error)}`))
      .finally(() => this.reporting.delete(partnerLetterId));
    this.reporting.set(partnerLetterId, run);
  }

  /**
   * Sends one signed report, retrying while the API is unreachable or does not know the letter
   * yet (the activity records the partner's id right after submit). True when it was accepted.
   */
  private async deliver(partnerLetterId: string, status: ReportedLetterStatus): Promise<boolean> {
    // The event id is derived, not random: after a restart the same report carries the same id
    // and the platform ignores it as a replay.
    const eventId = `evt_${partnerLetterId}_${status}`;
    let backoffMs = this.retry.initialBackoffMs;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      // Stamped per attempt, like a signature timestamp: a report delayed by retries stays inside the replay window.
      const body = JSON.stringify({ eventId, createdAt: (await this.options.clock.now()).toISOString(), letterId: partnerLetterId, status });
      let outcome: string;
      try {
        const response = await fetch(this.options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': signWebhookBody(this.options.webhookSecret, body) },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(REPORT_TIMEOUT_MS), this.stop.signal]),
        });
        if (response.ok) return true;
        outcome = `HTTP ${response.status} ${(await response.text().catch(() => '')).slice(0, 200)}`;
        if (!RETRY_STATUSES.has(response.status) && response.status < 500) {
          this.logger.error(`report ${eventId} refused (${outcome}); giving up`);
          return false;
        }
      } catch (error) {
        if (this.stop.signal.aborted) return false;
        outcome = (error as Error).message;
      }
      if (attempt === this.retry.attempts) break;
      this.logger.warn(`report ${eventId} not delivered (${outcome}); attempt ${attempt + 1} in ${backoffMs} ms`);
      if (!(await this.sleep(backoffMs))) return false;
      backoffMs = Math.min(backoffMs * 2, this.retry.maxBackoffMs);
    }
    this.logger.error(`report ${eventId} not delivered after ${this.retry.attempts} attempts; giving up`);
    return false;
  }

  /** Waits `ms`; false when the partner was closed meanwhile. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.stop.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The local partner's id of the letter with this idempotency key. */
export function localLetterId(idempotencyKey: string): string {
  return `loc_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

/** What a real partner would refuse with a 4xx: no usable address, or no PDF. */
function checkLetter(input: SubmitLetterInput): void {
  const { recipient } = input;
  const missing = (['name', 'addressLine1', 'postalCode', 'city'] as const).filter((field) => !recipient[field]?.trim());
  if (missing.length > 0) throw new PrintPartnerRejectedError(`local print partner: the recipient has no ${missing.join(', ')}`, 422);
  if (!/^[A-Z]{2}$/.test(recipient.country)) throw new PrintPartnerRejectedError(`local print partner: country ${JSON.stringify(recipient.country)} is not an ISO 3166-1 alpha-2 code`, 422);
  if (input.pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new PrintPartnerRejectedError('local print partner: the document is not a PDF', 422);
}
