/**
 * The invoice as a tax document: the data an invoice is rendered from (PDF, e-invoice), stored
 * with the invoice so it renders again identically years later. Money is integer cents.
 * Types only; the numbers are computed in billing-run.ts, the texts in src/documents.
 */
import type { LocalDate } from './calendar';
import type { PlanId } from './plans';

export type InvoiceLineKind = 'base-fee' | 'proration' | 'pause-fee' | 'usage' | 'credit';
export type Country = 'DE' | 'AT';
export type Locale = 'de' | 'en';

/** A service period, both ends included (local dates of the contract's zone). */
export interface ServicePeriod {
  readonly from: LocalDate;
  readonly to: LocalDate;
}

/** One invoice line as billing-run.ts computes it. */
export interface InvoiceLine {
  readonly kind: InvoiceLineKind;
  /** The plan the line bills (`null` for usage and pause fee lines of no plan). */
  readonly plan: PlanId | null;
  /** Seats for fee lines, SMS count for usage lines, 1 for the pause fee. */
  readonly quantity: number;
  /** Price of one unit for a full month (fees) or one SMS (usage), net, in cents. */
  readonly unitPriceCents: number;
  /** For prorated lines: days billed and days in the month (both ends included); else null. */
  readonly proration: { readonly days: number; readonly daysInMonth: number } | null;
  /** Net amount of the line, rounded half-up to the cent on its own. */
  readonly netCents: number;
  /** VAT rate in percent (19, 20; 0 under reverse charge). */
  readonly vatRatePercent: number;
  readonly servicePeriod: ServicePeriod;
}

/** Net and VAT per rate: VAT is computed on the sum of the line nets of that rate, half-up. */
export interface VatGroup {
  readonly ratePercent: number;
  /** EN 16931 VAT category: `S` standard rate, `AE` reverse charge. */
  readonly category: 'S' | 'AE';
  readonly netCents: number;
  readonly vatCents: number;
}

/** What the invoice run computed for one billing day; null from the run when the total is zero. */
export interface InvoiceDraft {
  readonly billingDay: LocalDate;
  /** Issue date (= billing day) and due date (issue + 14 days). */
  readonly issuedOn: LocalDate;
  readonly dueOn: LocalDate;
  readonly servicePeriod: ServicePeriod;
  readonly lines: readonly InvoiceLine[];
  readonly vatGroups: readonly VatGroup[];
  readonly netCents: number;
  readonly vatCents: number;
  readonly grossCents: number;
  readonly reverseCharge: boolean;
  readonly currency: 'EUR';
}

/** A postal party of an invoice (issuer or customer), as on the issue date. */
export interface InvoiceParty {
  readonly name: string;
  readonly addressLine1: string;
  readonly addressLine2: string | null;
  readonly postalCode: string;
  readonly city: string;
  readonly country: Country;
  readonly vatId: string | null;
  readonly email: string | null;
}

/** The issuer (configuration). */
export interface Issuer extends InvoiceParty {
  readonly vatId: string;
  readonly iban: string;
  readonly bic: string;
  /** SEPA creditor identifier (Gläubiger-ID). */
  readonly creditorId: string;
  readonly bankName: string;
  /** Commercial register entry, e.g. "Amtsgericht Berlin-Charlottenburg HRB 123456". */
  readonly register: string;
  /** Managing directors, printed in the footer. */
  readonly managingDirectors: string;
  readonly phone: string;
  readonly website: string;
}

/** How the invoice is to be paid, printed on it. */
export interface PaymentInstructions {
  readonly method: 'transfer' | 'sepa' | 'card' | 'prepaid';
  /** Reference for transfers: the invoice number. */
  readonly reference: string;
  /** SEPA direct debit (pre-notification): mandate, creditor id, debtor IBAN's last 4, collection date (= due date). */
  readonly mandateReference: string | null;
  readonly debtorIbanLast4: string | null;
  readonly collectionOn: LocalDate | null;
}

/** One line with its description in the invoice's language, as stored and rendered. */
export interface DocumentLine extends InvoiceLine {
  readonly description: string;
}

/**
 * Everything an invoice is rendered from. Stored with the invoice (JSON) together with the
 * template version; rendering the same data with the same version gives the same document.
 */
export interface InvoiceDocumentData {
  readonly templateVersion: string;
  readonly number: string;
  readonly contractId: string;
  readonly customerId: string;
  readonly locale: Locale;
  readonly issuedOn: LocalDate;
  readonly dueOn: LocalDate;
  readonly servicePeriod: ServicePeriod;
  readonly issuer: Issuer;
  readonly customer: InvoiceParty & { readonly type: 'business' | 'consumer' };
  readonly lines: readonly DocumentLine[];
  readonly vatGroups: readonly VatGroup[];
  readonly netCents: number;
  readonly vatCents: number;
  readonly grossCents: number;
  readonly currency: 'EUR';
  readonly reverseCharge: boolean;
  readonly payment: PaymentInstructions;
  /** Consumers: the § 286 (3) BGB sentence (default 30 days after receipt) is printed. */
  readonly consumerDefaultNotice: boolean;
}
