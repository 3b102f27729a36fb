/**
 * The print-partner activity: hands a letter (a PDF) to the print partner exactly once per
 * idempotency key, and records it as a communication (channel `letter`) and a letter row.
 *
 * Exactly once: the rows are claimed first; the partner gets the letter's own Idempotency-Key
 * and its id is stored after it accepted. A retry after the partner accepted but before the id
 * was stored submits again with the same key, and the partner answers with the letter it already
 * has (Pingen honours Idempotency-Key; the local partner derives the letter's id from the key).
 *
 * The store is an interface so this file stays free of Prisma; the worker plugs in the
 * database implementation (src/letters/letters.store.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { LetterStatus } from '../src/letters/letter-status';
import type { Locale } from '../src/mail/mail-templates';
import type { LetterRecipient, PrintPartner } from '../src/print-partner/print-partner';
import { PrintPartnerRejectedError, PrintPartnerTransientError } from '../src/print-partner/print-partner';

/** A letter row, as far as the activity needs it. */
export interface LetterRecord {
  id: string;
  communicationId: string;
  status: LetterStatus;
  partnerLetterId: string | null;
  /** Hand-overs so far (1 for a new letter; a failed letter that is run again counts up). */
  submissions: number;
}

/** What {@link LettersStore.claim} inserts unless the idempotency key exists. */
export interface LetterClaim {
  letterId: string;
  communicationId: string;
  idempotencyKey: string;
  contractId: string;
  kind: string;
  template: string;
  locale: Locale;
  invoiceId: string | null;
  partner: PrintPartner['name'];
  /** The address on one line for the communications log; null when there is none. */
  recipient: string | null;
  subject: string;
}

/** Persistence of letters and their communications, keyed by idempotency key. */
export interface LettersStore {
  /** The postal address of the contract's customer; null when incomplete or the personal data is deleted. */
  recipientOf(contractId: string): Promise<LetterRecipient | null>;
  /** Inserts the communication (`pending`) and the letter (`submitted`, no partner id) unless the key exists; returns the letter. */
  claim(claim: LetterClaim): Promise<LetterRecord>;
  /** A `failed` letter that is run again (an operator's retry): back to `submitted`, one more hand-over. */
  reopen(letter: LetterRecord): Promise<LetterRecord>;
  /** The partner accepted: stores its id, the communication becomes `sent`. */
  markSubmitted(letter: LetterRecord, partnerLetterId: string, submittedAt: Date): Promise<void>;
  /** The letter will not be posted: letter and communication `failed`, with the reason. */
  markFailed(letter: LetterRecord, error: string): Promise<void>;
}

/** A stored document (e.g. an invoice PDF) by reference, so the PDF need not travel through workflow history. */
export interface LetterDocumentRef {
  type: string;
  id: string;
}

/** Loads referenced documents (src/documents provides one). */
export interface LetterDocumentSource {
  load(ref: LetterDocumentRef): Promise<Buffer>;
}

interface SendLetterFields {
  /** Workflow id + step, e.g. `contract-42/dunning-letter-1/2027-03-31`; one letter per key, ever. */
  idempotencyKey: string;
  contractId: string;
  /** Category of the communication, e.g. `dunning_letter_1`, `invoice`. */
  kind: string;
  template: string;
  /** Default: the postal address of the contract's customer, loaded here (not carried in workflow history). */
  recipient?: LetterRecipient;
  invoiceId?: string | null;
  locale?: Locale;
  /** Default `<kind>.pdf`. */
  fileName?: string;
  /** For the communications log; default the template name. */
  subject?: string;
}

/** Input of {@link PrintPartnerActivities.sendLetter}: the PDF itself (base64) or a reference to a stored one. */
export type SendLetterInput = SendLetterFields & ({ pdfBase64: string; document?: never } | { document: LetterDocumentRef; pdfBase64?: never });

/**
 * Result of {@link PrintPartnerActivities.sendLetter}:
 * - `submitted`: this call handed the letter to the partner;
 * - `skipped`: an earlier attempt did, nothing was sent now;
 * - `no-recipient`: no postal address (none on file, or personal data deleted); recorded as
 *   failed, nothing sent, no retry will help.
 */
export interface SendLetterResult {
  letterId: string;
  communicationId: string;
  partnerLetterId: string | null;
  status: 'submitted' | 'skipped' | 'no-recipient';
}

/** Print-partner activities, registered on the worker and proxied in workflows as a type. */
export interface PrintPartnerActivities {
  /**
   * Hands one letter to the print partner, idempotent per `idempotencyKey`. Throws a retryable
   * `ApplicationFailure` of type {@link PRINT_PARTNER_FAILURE_TYPES}.transient when the partner is
   * unavailable, and non-retryable ones when it refused the letter or the document is unusable.
   */
  sendLetter(input: SendLetterInput): Promise<SendLetterResult>;
}

/** `ApplicationFailure.type` values thrown by the print-partner activity, for retry policies and workflow handling. */
export const PRINT_PARTNER_FAILURE_TYPES = {
  /** The partner refused the letter (4xx: address, document, validation); the letter is `failed`. Non-retryable. */
  rejected: 'PrintPartnerRejected',
  /** 5xx, 429, connection error, timeout; a later attempt (same key) may succeed. Retryable. */
  transient: 'PrintPartnerTransient',
  /** The document is not a PDF, or a referenced one cannot be loaded here; the letter is `failed`. Non-retryable. */
  invalidDocument: 'LetterInvalidDocument',
  /** The idempotency key already belongs to a communication of another channel (a bug in the caller). Non-retryable. */
  keyConflict: 'LetterIdempotencyKeyConflict',
} as const;

/** Dependencies of {@link createPrintPartnerActivities}. */
export interface PrintPartnerActivityDeps {
  store: LettersStore;
  partner: PrintPartner;
  /** Resolves `document` references; without it only `pdfBase64` letters can be sent. */
  documents?: LetterDocumentSource;
  newId: () => string;
  now: () => Date;
}

const NO_RECIPIENT_REASON = 'No postal address (none on file or personal data deleted); nothing sent';

/** Creates the print-partner activities. */
export function createPrintPartnerActivities(deps: PrintPartnerActivityDeps): PrintPartnerActivities {
  const { store, partner, newId, now } = deps;

  return {
    async sendLetter(input) {
      const recipient = input.recipient ?? (await store.recipientOf(input.contractId));
      let letter = await store.claim({
        letterId: newId(),
        communicationId: newId(),
        idempotencyKey: input.idempotencyKey,
        contractId: input.contractId,
        kind: input.kind,
        template: input.template,
        locale: input.locale ?? 'de',
        invoiceId: input.invoiceId ?? null,
        partner: partner.name,
        recipient: recipient ? addressLine(recipient) : null,
        subject: input.subject ?? input.template,
      });
      const ids = { letterId: letter.id, communicationId: letter.communicationId };
      // A failed letter never reached the partner (it refused it, or it was never sent): running
      // it again is an operator's retry, and gets a new partner key (the old one may replay the refusal).
      if (letter.status === 'failed') letter = await store.reopen(letter);
      else if (letter.partnerLetterId !== null) return { ...ids, partnerLetterId: letter.partnerLetterId, status: 'skipped' };

      if (!recipient) {
        await store.markFailed(letter, NO_RECIPIENT_REASON);
        return { ...ids, partnerLetterId: null, status: 'no-recipient' };
      }
      const pdf = await loadPdf(input, deps.documents, (reason) => store.markFailed(letter, reason));

      let partnerLetterId: string;
      try {
        ({ partnerLetterId } = await partner.submitLetter({
          idempotencyKey: partnerKeyOf(input.idempotencyKey, letter.submissions),
          pdf,
          fileName: input.fileName ?? `${input.kind}.pdf`,
          recipient,
          metadata: { contractId: input.contractId, kind: input.kind },
        }));
      } catch (error) {
        if (error instanceof PrintPartnerRejectedError) {
          await store.markFailed(letter, error.message);
          throw ApplicationFailure.create({ message: error.message, type: PRINT_PARTNER_FAILURE_TYPES.rejected, nonRetryable: true, cause: error });
        }
        if (error instanceof PrintPartnerTransientError) {
          // The letter stays `submitted` without a partner id: Temporal retries with the same key.
          throw ApplicationFailure.create({ message: error.message, type: PRINT_PARTNER_FAILURE_TYPES.transient, nonRetryable: false, cause: error });
        }
        throw error;
      }
      await store.markSubmitted(letter, partnerLetterId, now());
      return { ...ids, partnerLetterId, status: 'submitted' };
    },
  };
}

/** The partner's Idempotency-Key: the letter's key, and a suffix for each further hand-over of a failed letter. */
export function partnerKeyOf(idempotencyKey: string, submissions: number): string {
  return submissions <= 1 ? idempotencyKey : `${idempotencyKey}#${submissions}`;
}

/** The PDF of the letter; an unusable document fails the letter for good (`fail` records why). */
async function loadPdf(input: SendLetterInput, documents: LetterDocumentSource | undefined, fail: (reason: string) => Promise<void>): Promise<Buffer> {
  const invalid = async (reason: string): Promise<never> => {
    await fail(reason);
    throw ApplicationFailure.create({ message: reason, type: PRINT_PARTNER_FAILURE_TYPES.invalidDocument, nonRetryable: true });
  };
  let pdf: Buffer;
  if (input.pdfBase64 !== undefined) {
    pdf = Buffer.from(input.pdfBase64, 'base64');
  } else if (!documents) {
    return invalid(`Document ${input.document.type}/${input.document.id} cannot be loaded: this worker has no document source`);
  } else {
    // A failing load (database down) is left to Temporal's retry.
    pdf = await documents.load(input.document);
  }
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') return invalid('The letter document is not a PDF');
  return pdf;
}

function addressLine(recipient: LetterRecipient): string {
  return [recipient.name, recipient.addressLine1, recipient.addressLine2, `${recipient.postalCode} ${recipient.city}`, recipient.country]
    .filter((part) => part && part.trim() !== '')
    .join(', ');
}
