/**
 * The local collection agency, the default where no agency API is configured: a drop folder an
 * agency (or an operator) collects from.
 *   <dropDir>/<handoverId>/statement.pdf             the account statement
 *   <dropDir>/<handoverId>/handover.json             the handover (schema v1), written last: a folder is complete once it exists
 *   <dropDir>/<handoverId>/payments/<paymentId>.json payments booked after the handover (schema v1)
 * Every file is written once; the same call again finds it and writes nothing.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { holdsJson, writeOnce, type WriteOnceOutcome } from '../drop-folder/write-once';
import type { CollectionAgency, CollectionHandover, CollectionPayment } from './collection-agency';
import { CollectionAgencyRejectedError, CollectionAgencyTransientError } from './collection-agency';
import { type CollectionPaymentDocument, handoverProblems, paymentProblems } from './handover-schema';

export const HANDOVER_FILE = 'handover.json';
export const STATEMENT_FILE = 'statement.pdf';
export const PAYMENTS_FOLDER = 'payments';

export interface LocalCollectionAgencyOptions {
  dropDir: string;
}

export class LocalCollectionAgency implements CollectionAgency {
  readonly name = 'local';

  constructor(private readonly options: LocalCollectionAgencyOptions) {}

  /** The folder of a handover. */
  handoverDir(handoverId: string): string {
    return path.join(this.options.dropDir, handoverId);
  }

  async handOver(handover: CollectionHandover, statementPdf: Buffer): Promise<{ agencyReference: string }> {
    const problems = handoverProblems(handover, statementPdf);
    if (problems.length > 0) throw new CollectionAgencyRejectedError(`local collection agency: handover ${String(handover.handoverId)} is invalid: ${problems.join('; ')}`, 422);
    const dir = this.handoverDir(handover.handoverId);
    const what = `handover ${handover.handoverId}`;
    check(what, await attempt(what, () => writeOnce(path.join(dir, STATEMENT_FILE), statementPdf)));
    check(what, await attempt(what, () => writeOnce(path.join(dir, HANDOVER_FILE), `${JSON.stringify(handover, null, 2)}\n`, (existing) => holdsJson(existing, handover))));
    return { agencyReference: localAgencyReference(handover.handoverId) };
  }

  async reportPayment(handoverId: string, payment: CollectionPayment): Promise<void> {
    const document: CollectionPaymentDocument = { formatVersion: 1, handoverId, ...payment };
    const problems = paymentProblems(document);
    if (problems.length > 0) throw new CollectionAgencyRejectedError(`local collection agency: payment ${String(payment.paymentId)} is invalid: ${problems.join('; ')}`, 422);
    const dir = this.handoverDir(handoverId);
    const what = `payment ${payment.paymentId} of handover ${handoverId}`;
    const known = await access(path.join(dir, HANDOVER_FILE)).then(
      () => true,
      () => false,
    );
    if (!known) throw new CollectionAgencyRejectedError(`local collection agency: no handover ${handoverId} to report ${payment.paymentId} for`, 404);
    const file = path.join(dir, PAYMENTS_FOLDER, `${payment.paymentId}.json`);
    check(what, await attempt(what, () => writeOnce(file, `${JSON.stringify(document, null, 2)}\n`, (existing) => holdsJson(existing, document))));
  }
}

/** The local agency's reference of a handover. */
export function localAgencyReference(handoverId: string): string {
  return `local-${handoverId}`;
}

/** A file already there with other content: the id was used for something else, which a retry cannot mend. */
function check(what: string, outcome: WriteOnceOutcome): void {
  if (outcome === 'different') throw new CollectionAgencyRejectedError(`local collection agency: ${what} was delivered before with other content`, 409);
}

/** File system trouble (full disk, permissions, a missing mount) may pass: transient. */
async function attempt<T>(what: string, io: () => Promise<T>): Promise<T> {
  try {
    return await io();
  } catch (error) {
    throw new CollectionAgencyTransientError(`local collection agency: cannot write ${what}: ${(error as Error).message}`, undefined, { cause: error });
  }
}
