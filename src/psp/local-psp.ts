/**
 * The local PSP, the default where no real one is configured. It behaves like a real PSP from
 * the platform's side: `charge` answers `pending` with a `pay_…` id, and the outcome arrives a
 * moment later through the platform's signed webhook (`POST /v1/webhooks/psp`, `X-Signature`).
 * Card tokens: `tok_ok` succeeds, `tok_declined` fails with `card_declined`; any other token is
 * refused like an unknown payment method. Charges are kept in `<dataDir>/charges.jsonl`.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { Clock } from '../app/clock';
import { signWebhookBody } from '../webhooks/webhook-signature';
import { type LocalCharge, LocalChargeLog, type LocalPspRecord } from './local-charge-log';
import type { ChargeAccepted, ChargeRequest, Psp, PspEvent } from './psp';
import { checkChargeRequest, PspError } from './psp';

/** The card tokens the local PSP knows, and what a charge on each does. */
export const LOCAL_CARD_TOKENS: ReadonlyMap<string, { outcome: 'succeeded' | 'failed'; failureReason?: string }> = new Map([
  ['tok_ok', { outcome: 'succeeded' }],
  ['tok_declined', { outcome: 'failed', failureReason: 'card_declined' }],
]);
const TOKEN_NAMES = [...LOCAL_CARD_TOKENS.keys()];

/** How a webhook event the platform did not take is sent again (the API may not be up yet). */
export interface DeliveryRetry {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Options of {@link LocalPsp}. */
export interface LocalPspOptions {
  /** Directory of `charges.jsonl`, e.g. `var/psp`. */
  dataDir: string;
  /** `POST` target of the events: the platform's `/v1/webhooks/psp`. */
  webhookUrl: string;
  webhookSecret: string;
  /** Stamps `createdAt` of the events: the platform's clock (the sandbox clock in sandbox mode). */
  clock: Clock;
  /** Wall-clock delay from a charge (or chargeback) to its event, like a PSP settling it (ms). */
  settleDelayMs?: number;
  retry?: DeliveryRetry;
  /**
   * Sends, once the log is read at start, the events of charges the platform never accepted (the
   * process stopped before). Default true; false for a second instance on the same directory.
   */
  resumeDeliveries?: boolean;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

const DEFAULT_RETRY: DeliveryRetry = { attempts: 10, initialBackoffMs: 500, maxBackoffMs: 15_000 };
const DELIVERY_TIMEOUT_MS = 10_000;
/** Answers while the platform may still learn the payment id or come up: try again. */
const RETRY_STATUSES = new Set([404, 408, 409, 425, 429]);

type LocalEventType = PspEvent['type'];

export class LocalPsp implements Psp {
  readonly name = 'local';
  private readonly log: LocalChargeLog;
  private readonly settleDelayMs: number;
  private readonly retry: DeliveryRetry;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private readonly byKey = new Map<string, LocalCharge>();
  private readonly byPaymentId = new Map<string, LocalCharge>();
  private readonly chargedBack = new Set<string>();
  private readonly delivered = new Set<string>();
  /** Events being delivered by this process, by event id. */
  private readonly deliveries = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();
  /** Charges and chargebacks one at a time: a key is looked up and recorded without a race. */
  private queue: Promise<unknown>;

  constructor(private readonly options: LocalPspOptions) {
    this.log = new LocalChargeLog(options.dataDir);
    this.settleDelayMs = options.settleDelayMs ?? 500;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.logger = options.logger ?? new Logger('LocalPsp');
    this.queue = this.start(options.resumeDeliveries ?? true);
    // Failures surface on the next charge (which waits for the queue); here they are only logged.
    this.queue.catch((error: unknown) => this.logger.error(`cannot read ${this.log.file}: ${(error as Error).message}`));
  }

  /** Which PSP runs, for the start-up log. */
  describe(): string {
    return `psp: local (tokens ${TOKEN_NAMES.join(', ')}), charges in ${this.log.file}, events to ${this.options.webhookUrl}`;
  }

  async charge(request: ChargeRequest): Promise<ChargeAccepted> {
    checkChargeRequest(request);
    const charge = await this.serially(async () => {
      const existing = this.byKey.get(request.idempotencyKey);
      if (existing) return sameRequest(existing, request);
      const card = LOCAL_CARD_TOKENS.get(request.cardToken);
      if (!card) throw new PspError('INVALID_CARD_TOKEN', `local psp: no such card token ${JSON.stringify(request.cardToken)} (use ${TOKEN_NAMES.join(' or ')})`, false, 400);
      const created: LocalCharge = {
        kind: 'charge',
        paymentId: `pay_${randomBytes(12).toString('hex')}`,
        idempotencyKey: request.idempotencyKey,
        amountCents: request.amountCents,
        currency: request.currency,
        cardToken: request.cardToken,
        reference: request.reference,
        contractId: request.contractId,
        description: request.description,
        outcome: card.outcome,
        ...(card.failureReason ? { failureReason: card.failureReason } : {}),
        chargedAt: (await this.options.clock.now()).toISOString(),
      };
      await this.record(created);
      this.logger.log(`charge ${created.paymentId} of ${created.amountCents} cents for ${created.reference} (${created.contractId}): ${created.outcome}`);
      return created;
    });
    this.deliver(charge, charge.outcome === 'succeeded' ? 'payment.succeeded' : 'payment.failed');
    // Like a real PSP's replay, a repeated key gets the first answer.
    return { paymentId: charge.paymentId, status: 'pending' };
  }

  /**
   * Simulates a dispute of a succeeded charge (sandbox, operators): a `chargeback` event follows
   * through the webhook. Again for the same payment it sends the same event (the platform ignores
   * the replayed `eventId`). Throws {@link PspError} `PAYMENT_NOT_FOUND` / `PAYMENT_NOT_SUCCEEDED`.
   */
  async chargeback(paymentId: string): Promise<{ paymentId: string; eventId: string }> {
    const charge = await this.serially(async () => {
      const found = this.byPaymentId.get(paymentId);
      if (!found) throw new PspError('PAYMENT_NOT_FOUND', `local psp: no payment ${paymentId}`, false, 404);
      if (found.outcome !== 'succeeded') throw new PspError('PAYMENT_NOT_SUCCEEDED', `local psp: payment ${paymentId} failed; only a succeeded one can be charged back`, false, 409);
      if (!this.chargedBack.has(paymentId)) await this.record({ kind: 'chargeback', paymentId, chargedBackAt: (await this.options.clock.now()).toISOString() });
      return found;
    });
    this.deliver(charge, 'chargeback');
    return { paymentId, eventId: eventIdOf(charge.paymentId, 'chargeback') };
  }

  /** Resolves once every event in flight has been delivered (or given up). */
  async whenIdle(): Promise<void> {
    await this.queue.catch(() => undefined);
    while (this.deliveries.size > 0) await Promise.all(this.deliveries.values());
  }

  /** Stops delivering: pending delays end at once and no event is sent any more. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.whenIdle();
  }

  /** Reads the log; with `resume`, sends the events of charges the platform never took. */
  private async start(resume: boolean): Promise<void> {
    await this.refresh();
    if (!resume) return;
    for (const charge of this.byKey.values()) {
      this.deliver(charge, charge.outcome === 'succeeded' ? 'payment.succeeded' : 'payment.failed');
      if (this.chargedBack.has(charge.paymentId)) this.deliver(charge, 'chargeback');
    }
  }

  /** Runs `task` after the ones before it, on the log as another process may have grown it. */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(async () => {
      await this.refresh();
      return task();
    });
    this.queue = run;
    return run;
  }

  private async refresh(): Promise<void> {
    const records = await this.log.refresh((line) => this.logger.warn(`skipping a line of ${this.log.file} that is not JSON: ${line.slice(0, 200)}`));
    for (const record of records) this.apply(record);
  }

  private async record(record: LocalPspRecord): Promise<void> {
    try {
      await this.log.append(record);
    } catch (error) {
      throw new PspError('PSP_UNAVAILABLE', `local psp: cannot write ${this.log.file}: ${(error as Error).message}`, true, undefined, { cause: error });
    }
    this.apply(record);
  }

  /** Idempotent: this process reads its own records again on the next refresh. */
  private apply(record: LocalPspRecord): void {
    if (record.kind === 'charge') {
      if (this.byKey.has(record.idempotencyKey)) return;
      this.byKey.set(record.idempotencyKey, record);
      this.byPaymentId.set(record.paymentId, record);
    } else if (record.kind === 'delivered') {
      this.delivered.add(record.eventId);
    } else {
      this.chargedBack.add(record.paymentId);
    }
  }

  /** Sends the event in the background, once per event and process, unless it was delivered before. */
  private deliver(charge: LocalCharge, type: LocalEventType): void {
    const eventId = eventIdOf(charge.paymentId, type);
    if (this.delivered.has(eventId) || this.deliveries.has(eventId) || this.stop.signal.aborted) return;
    const run = this.send(charge, type, eventId)
      .catch((error: unknown) => this.logger.error(`event ${eventId} of payment ${charge.paymentId} stopped: ${(error as Error).stack ?? String(error)}`))
      .finally(() => this.deliveries.delete(eventId));
    this.deliveries.set(eventId, run);
  }

  /** Posts the signed event with backoff until the platform answers 2xx, a refusal, or the attempts run out. */
  private async send(charge: LocalCharge, type: LocalEventType, eventId: string): Promise<void> {
    if (!(await this.pause(this.settleDelayMs))) return;
    let backoffMs = this.retry.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.post(charge, type, eventId);
      if (outcome === 'delivered') {
        await this.record({ kind: 'delivered', eventId, paymentId: charge.paymentId, deliveredAt: new Date().toISOString() }).catch((error: unknown) =>
          this.logger.warn(`event ${eventId} delivered but not recorded (sent again after a restart): ${(error as Error).message}`),
        );
        return;
      }
      if (this.stop.signal.aborted) return;
      if (outcome.refused || attempt >= this.retry.attempts) {
        this.logger.warn(`giving up event ${eventId} (${type}) of payment ${charge.paymentId} after ${attempt} attempt(s): ${outcome.detail}`);
        return;
      }
      this.logger.warn(`event ${eventId} of payment ${charge.paymentId} not delivered (${outcome.detail}); attempt ${attempt + 1} in ${backoffMs} ms`);
      if (!(await this.pause(backoffMs))) return;
      backoffMs = Math.min(backoffMs * 2, this.retry.maxBackoffMs);
    }
  }

  /** One attempt; the body is stamped per attempt, so a late delivery stays inside the platform's replay window. */
  private async post(charge: LocalCharge, type: LocalEventType, eventId: string): Promise<'delivered' | { refused: boolean; detail: string }> {
    try {
      const event: PspEvent = {
        eventId,
        createdAt: (await this.options.clock.now()).toISOString(),
        type,
        paymentId: charge.paymentId,
        reference: charge.reference,
        amount: { amount: charge.amountCents, currency: 'EUR' },
        ...(type === 'payment.failed' && charge.failureReason ? { failureReason: charge.failureReason } : {}),
      };
      const body = JSON.stringify(event);
      const response = await fetch(this.options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': signWebhookBody(this.options.webhookSecret, body) },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(DELIVERY_TIMEOUT_MS), this.stop.signal]),
      });
      if (response.ok) return 'delivered';
      const detail = `HTTP ${response.status} ${(await response.text().catch(() => '')).slice(0, 200)}`;
      return { refused: response.status < 500 && !RETRY_STATUSES.has(response.status), detail };
    } catch (error) {
      return { refused: false, detail: (error as Error).message };
    }
  }

  /** Waits `ms`; false when the PSP was closed meanwhile. */
  private async pause(ms: number): Promise<boolean> {
    try {
      await delay(ms, undefined, { signal: this.stop.signal });
      return true;
    } catch {
      return false;
    }
  }
}

/** Derived, not random: after a restart the same event carries the same id and the platform ignores it as a replay. */
function eventIdOf(paymentId: string, type: LocalEventType): string {
  return `evt_${paymentId}_${type === 'chargeback' ? 'chargeback' : type.slice('payment.'.length)}`;
}

/** A repeated key must repeat the request, as a real PSP's idempotency layer insists. */
function sameRequest(charge: LocalCharge, request: ChargeRequest): LocalCharge {
  const differs = (['amountCents', 'currency', 'cardToken', 'reference', 'contractId'] as const).filter((field) => charge[field] !== request[field]);
  if (differs.length > 0) {
    throw new PspError('IDEMPOTENCY_MISMATCH', `local psp: idempotency key ${request.idempotencyKey} was used for another charge (${differs.join(', ')} differ)`, false, 400);
  }
  return charge;
}
