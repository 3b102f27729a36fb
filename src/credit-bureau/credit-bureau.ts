/**
 * The credit bureau (Auskunftei) an unpaid claim is reported to at the handover, when
 * § 31 (2) Nr. 4 BDSG allows it (`creditReportDecision` in src/domain/credit-bureau.ts decides).
 * One interface; the local implementation (`local-credit-bureau.ts`) writes a drop folder.
 * Free of Nest and Temporal.
 */
import type { LocalDate } from '../domain/calendar';

/** What a bureau learns of the debtor: identification only (name, birth name, date of birth, address). */
export interface CreditReportDebtor {
  readonly name: string;
  readonly birthName: string | null;
  readonly dateOfBirth: LocalDate | null;
  readonly address: {
    readonly line1: string;
    readonly line2: string | null;
    readonly postalCode: string;
    readonly city: string;
    /** ISO 3166-1 alpha-2. */
    readonly country: string;
  };
}

export interface CreditReport {
  /** Our id of the report: the idempotency key towards the bureau. */
  readonly reportId: string;
  readonly debtor: CreditReportDebtor;
  readonly claim: { readonly invoiceNumber: string; readonly amount: { readonly amount: number; readonly currency: 'EUR' }; readonly dueOn: LocalDate };
  /** The day the report was decided (the handover). */
  readonly decidedOn: LocalDate;
}

/** A credit bureau. */
export interface CreditBureau {
  readonly name: 'local';
  /**
   * Reports an unpaid claim, idempotent per `reportId` (the same report again returns the same
   * reference and reports nothing twice). Throws {@link CreditBureauTransientError} or
   * {@link CreditBureauRejectedError}.
   */
  report(report: CreditReport): Promise<{ bureauReference: string }>;
}

/** The report could not be delivered now (I/O, the bureau unreachable): the same call may succeed later. */
export class CreditBureauTransientError extends Error {
  override readonly name = 'CreditBureauTransientError';
}

/** The report is invalid, or its id was used for another report: retrying cannot help. */
export class CreditBureauRejectedError extends Error {
  override readonly name = 'CreditBureauRejectedError';
}
