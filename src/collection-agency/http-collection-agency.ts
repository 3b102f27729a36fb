/**
 * A collection agency's HTTP API, in the platform's own protocol (docs/collection-agency.md):
 *   POST <url>/handovers                       { handover, statementPdf: <base64> } → 200/201 { agencyReference }
 *   POST <url>/handovers/<handoverId>/payments <payment file v1>                   → 2xx
 * with `Authorization: Bearer <token>` and an `Idempotency-Key` (the handoverId; for payments
 * `<handoverId>/<paymentId>`), so a retried request is answered as the first one and hands
 * over nothing twice. 5xx, 408, 429, connection errors and timeouts are transient; other 4xx are
 * rejections. The URL and token come from configuration only.
 */
import type { CollectionAgency, CollectionHandover, CollectionPayment } from './collection-agency';
import { CollectionAgencyRejectedError, CollectionAgencyTransientError } from './collection-agency';
import { type CollectionPaymentDocument, handoverProblems, paymentProblems } from './handover-schema';

/** Time for one request; a handover carries the statement PDF (base64), so allow for the upload. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface HttpCollectionAgencyOptions {
  /** Base URL of the agency's API, e.g. `https://agency.example/api/v1`. */
  url: string;
  /** Bearer token the agency issued to us. */
  token: string;
  requestTimeoutMs?: number;
}

export class HttpCollectionAgency implements CollectionAgency {
  readonly name = 'http';
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpCollectionAgencyOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  async handOver(handover: CollectionHandover, statementPdf: Buffer): Promise<{ agencyReference: string }> {
    const problems = handoverProblems(handover, statementPdf);
    if (problems.length > 0) throw new CollectionAgencyRejectedError(`collection agency: handover ${String(handover.handoverId)} is invalid: ${problems.join('; ')}`, 422);
    const response = await this.post(`handover ${handover.handoverId}`, '/handovers', handover.handoverId, { handover, statementPdf: statementPdf.toString('base64') });
    let body: { agencyReference?: unknown };
    try {
      body = (await response.json()) as { agencyReference?: unknown };
    } catch (error) {
      throw new CollectionAgencyTransientError(`collection agency: the answer to handover ${handover.handoverId} is not JSON`, response.status, { cause: error });
    }
    if (typeof body.agencyReference !== 'string' || body.agencyReference === '') {
      throw new CollectionAgencyTransientError(`collection agency: the answer to handover ${handover.handoverId} has no agencyReference`, response.status);
    }
    return { agencyReference: body.agencyReference };
  }

  async reportPayment(handoverId: string, payment: CollectionPayment): Promise<void> {
    const document: CollectionPaymentDocument = { formatVersion: 1, handoverId, ...payment };
    const problems = paymentProblems(document);
    if (problems.length > 0) throw new CollectionAgencyRejectedError(`collection agency: payment ${String(payment.paymentId)} is invalid: ${problems.join('; ')}`, 422);
    // Ids are checked by the schema (letters, digits, - and _), so they are safe in a path.
    await this.post(`payment ${payment.paymentId}`, `/handovers/${handoverId}/payments`, `${handoverId}/${payment.paymentId}`, document);
  }

  /** One POST, classified: a 2xx is returned, 408/429/5xx and network trouble are transient, any other status a rejection. */
  private async post(what: string, path: string, idempotencyKey: string, body: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // Duck-typed: fetch's errors (DOMException, undici's TypeError) may come from another realm.
      const reason = (error as { name?: unknown }).name === 'TimeoutError' ? 'timed out' : `failed: ${(error as Error).message}`;
      throw new CollectionAgencyTransientError(`collection agency: ${what} ${reason}`, undefined, { cause: error });
    }
    if (response.ok) return response;
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    const message = `collection agency: ${what}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`;
    if (response.status === 408 || response.status === 429 || response.status >= 500) throw new CollectionAgencyTransientError(message, response.status);
    throw new CollectionAgencyRejectedError(message, response.status);
  }
}
