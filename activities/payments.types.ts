/**
 * The payment activities the contract workflow calls (implemented in payments.activity.ts).
 * Types only, so the workflow bundle does not pull in the database or the PSP client.
 */
import type { LocalDate } from '../src/domain/calendar';
import type { ReceivablesSnapshot } from '../src/domain/ledger';

export interface ChargeInput {
  /** `<workflowId>/<step>`: one charge per invoice and purpose, ever (the PSP's Idempotency-Key too). */
  readonly idempotencyKey: string;
  readonly contractId: string;
  readonly invoiceId: string;
}

/** A charge handed to the PSP (its result arrives by webhook), or why none was made. */
export type ChargeOutcome =
  | { readonly charged: true; readonly chargeId: string; readonly pspPaymentId: string; readonly amountCents: number }
  | { readonly charged: false; readonly reason: 'NO_CARD' | 'NOTHING_OPEN' | 'INVALID_CARD_TOKEN' | 'CARD_DECLINED'; readonly receivables: ReceivablesSnapshot };

export interface CollectSepaInput {
  readonly idempotencyKey: string;
  readonly contractId: string;
  readonly invoiceId: string;
  /** The due date: the booking day of the collection. */
  readonly bookedOn: LocalDate;
}

export interface CollectSepaOutcome {
  /** collected | cancelled (nothing left to collect, or the mandate was revoked) | already */
  readonly result: 'collected' | 'cancelled' | 'already';
  readonly collectionId: string | null;
  readonly amountCents: number;
  readonly receivables: ReceivablesSnapshot;
}

export interface PaymentActivities {
  /** Postpaid card: charges the invoice's open amount to the card on file. */
  chargeInvoice(input: ChargeInput): Promise<ChargeOutcome>;
  /** Prepaid: tops the balance up by the invoice's open amount from the card on file. */
  topUpPrepaid(input: ChargeInput): Promise<ChargeOutcome>;
  /** SEPA: collects the invoice's debit into its due date's collection and books the payment. */
  collectSepaDebit(input: CollectSepaInput): Promise<CollectSepaOutcome>;
}
