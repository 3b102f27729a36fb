/**
 * The print partner: prints a PDF letter, puts it in an envelope and posts it. One interface,
 * two implementations: Pingen's letter API (`pingen-client.ts`) and the local default that
 * writes letters into a drop folder (`local-print-partner.ts`). Free of Nest and Temporal, so
 * the worker's activity and the tests use it alike.
 */

/** Postal address of a letter's recipient (the address window of the PDF shows the same). */
export interface LetterRecipient {
  name: string;
  addressLine1: string;
  addressLine2?: string | null;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2, e.g. `DE`, `AT`. */
  country: string;
}

/** What {@link PrintPartner.submitLetter} hands over. */
export interface SubmitLetterInput {
  /**
   * The same key always means the same letter: a second submit with it returns the letter of the
   * first and posts nothing (sent as the partner's `Idempotency-Key`).
   */
  idempotencyKey: string;
  pdf: Buffer;
  fileName: string;
  recipient: LetterRecipient;
  metadata: { contractId: string; kind: string };
}

/** The partner accepted the letter; its later progress arrives through the print-partner webhook. */
export interface SubmittedLetter {
  partnerLetterId: string;
  status: 'submitted';
}

/** A print partner (Pingen or the local drop folder). */
export interface PrintPartner {
  readonly name: 'pingen' | 'local';
  /**
   * Hands a letter over for printing and posting, idempotent per `idempotencyKey`.
   * Throws {@link PrintPartnerTransientError} (try again later, same key) or
   * {@link PrintPartnerRejectedError} (the letter as given will never be accepted).
   */
  submitLetter(input: SubmitLetterInput): Promise<SubmittedLetter>;
  /** Stops background work (the local partner's status reports); idempotent. */
  close?(): Promise<void>;
}

/** Base of the two failure kinds; `status` is the partner's HTTP status when there was one. */
export abstract class PrintPartnerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A 5xx, 429, connection error or timeout: the same request (same key) may succeed later. */
export class PrintPartnerTransientError extends PrintPartnerError {
  override readonly name = 'PrintPartnerTransientError';
}

/** A 4xx (bad address, invalid document, validation): retrying the same letter cannot help. */
export class PrintPartnerRejectedError extends PrintPartnerError {
  override readonly name = 'PrintPartnerRejectedError';
}
