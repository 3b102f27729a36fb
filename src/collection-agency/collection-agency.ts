/**
 * The collection agency (Inkassobüro) that takes over a claim at the end of the dunning ladder.
 * The platform hands over its own documented format (docs/collection-agency.md, JSON Schema
 * docs/collection-agency-handover.v1.schema.json) through one interface with two
 * implementations: a drop folder (`local-collection-agency.ts`, the default) and an HTTP API
 * (`http-collection-agency.ts`). Free of Nest and Temporal: the activity and the tests use it alike.
 */
import type { LocalDate } from '../domain/calendar';

/** Money in minor units (API.md, "Conventions"). */
export interface Money {
  readonly amount: number;
  readonly currency: 'EUR';
}

export interface HandoverAddress {
  readonly line1: string;
  readonly line2: string | null;
  readonly postalCode: string;
  readonly city: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/**
 * The debtor as handed over — exactly these fields, nothing more (DOMAIN.md: "name and birth
 * name, postal address, e-mail, date of birth, occupation, phone, contract date"). The
 * `collection_handovers.debtor` column stores the same object.
 */
export interface HandoverDebtor {
  readonly name: string;
  readonly birthName: string | null;
  readonly address: HandoverAddress;
  readonly email: string;
  readonly dateOfBirth: LocalDate | null;
  readonly occupation: string | null;
  readonly phone: string | null;
  /** The contract's `startedOn`. */
  readonly contractDate: LocalDate;
}

/** One open invoice of the handover; `collection_handovers.claims` stores a list of these. */
export interface HandoverClaim {
  readonly invoiceNumber: string;
  readonly issuedOn: LocalDate;
  readonly dueOn: LocalDate;
  /** Unpaid principal. */
  readonly openAmount: Money;
  /** Dunning fees (and the flat 40.00 of § 288 (5) BGB) booked and unpaid. */
  readonly fees: Money;
  /** Default interest booked and unpaid. */
  readonly interest: Money;
}

/** The handover file, format version 1 (`handover.json`). */
export interface CollectionHandover {
  readonly formatVersion: 1;
  /** Our id of the handover: the idempotency key towards the agency, one folder of the drop folder. */
  readonly handoverId: string;
  readonly handedOverOn: LocalDate;
  readonly creditor: { readonly name: string; readonly vatId: string; readonly address: HandoverAddress };
  readonly debtor: HandoverDebtor;
  readonly claims: readonly HandoverClaim[];
  /** Sum of every claim's open amount, fees and interest. */
  readonly claimTotal: Money;
  /** The debtor account statement that goes with the handover (PDF), by name and SHA-256. */
  readonly statement: { readonly fileName: string; readonly sha256: string };
}

/** A payment booked on a handed-over claim after the handover (format version 1, `payments/<paymentId>.json`). */
export interface CollectionPayment {
  /** Our payment id: the idempotency key of the report. */
  readonly paymentId: string;
  readonly bookedOn: LocalDate;
  readonly amount: Money;
  /** The invoice it was applied to first, if it named one. */
  readonly invoiceNumber: string | null;
  /** What is still open of the handed-over claims after this payment. */
  readonly remainingClaim: Money;
}

/** A collection agency (the local drop folder or an agency's HTTP API). */
export interface CollectionAgency {
  readonly name: 'local' | 'http';
  /**
   * Hands a claim over, idempotent per `handoverId`: the same handover again returns the same
   * reference and delivers nothing twice. Throws {@link CollectionAgencyTransientError} (try again
   * later) or {@link CollectionAgencyRejectedError} (this handover will never be accepted).
   */
  handOver(handover: CollectionHandover, statementPdf: Buffer): Promise<{ agencyReference: string }>;
  /** Tells the agency of a payment on a handed-over claim, idempotent per `paymentId`. Throws as {@link handOver}. */
  reportPayment(handoverId: string, payment: CollectionPayment): Promise<void>;
}

/** Base of the two failure kinds; `status` is the agency's HTTP status when there was one. */
export abstract class CollectionAgencyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A 5xx, 408, 429, connection error, timeout or unwritable folder: the same call may succeed later. */
export class CollectionAgencyTransientError extends CollectionAgencyError {
  override readonly name = 'CollectionAgencyTransientError';
}

/** Invalid data, a 4xx, or the same id with other content: retrying cannot help. */
export class CollectionAgencyRejectedError extends CollectionAgencyError {
  override readonly name = 'CollectionAgencyRejectedError';
}
