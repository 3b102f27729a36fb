/**
 * What the contract workflow keeps of the money side (docs/payments.md): the account snapshot
 * the ledger sends with every booking, the SEPA debits waiting for their due date, and what an
 * issued invoice or a payment event means for the contract. Pure; the workflow carries it out.
 */
import type { LocalDate } from './calendar';
import { startOfLocalDay } from './calendar';
import type { BillingMode, ContractEvent, ContractState } from './contract-state';
import type { ReceivablesSnapshot } from './ledger';
import { EMPTY_RECEIVABLES, newerReceivables } from './ledger';
import type { DunningState } from './dunning-run';

/** A SEPA debit to collect on its due date. */
export interface SepaDue {
  readonly invoiceId: string;
  readonly number: string;
  readonly dueOn: LocalDate;
}

export interface PaymentsState {
  readonly receivables: ReceivablesSnapshot;
  readonly sepaDue: readonly SepaDue[];
  /** Overdue invoices and their ladders (absent in runs from before dunning existed). */
  readonly dunning?: DunningState;
}

export const INITIAL_PAYMENTS: PaymentsState = { receivables: EMPTY_RECEIVABLES, sepaDue: [] };

/** Side effects of the money side, carried out by activities (their step names the idempotency key). */
export type PaymentCommand =
  /** Charge the card on file for an invoice (postpaid card: on the issue date). */
  | { readonly type: 'charge-card'; readonly step: string; readonly invoiceId: string; readonly number: string }
  /** Prepaid: the balance does not cover the invoice; top it up from the card on file. */
  | { readonly type: 'top-up'; readonly step: string; readonly invoiceId: string; readonly number: string }
  /** Collect the SEPA debit of an invoice on its due date. */
  | { readonly type: 'collect-sepa'; readonly step: string; readonly invoiceId: string; readonly number: string; readonly dueOn: LocalDate };

/** An issued invoice as the billing activity reports it. */
export interface IssuedInvoiceFacts {
  readonly invoiceId: string;
  readonly number: string;
  readonly paymentMethod: 'transfer' | 'sepa' | 'card' | 'prepaid';
  readonly dueOn: LocalDate;
  readonly openCents: number;
  readonly receivables: ReceivablesSnapshot;
}

/** What follows from an issued invoice: a card charge, a prepaid top-up, or a debit on the due date. */
export function afterInvoiceIssued(payments: PaymentsState, issued: IssuedInvoiceFacts, step: string): { payments: PaymentsState; commands: PaymentCommand[] } {
  // An activity result of a run before payments existed has neither snapshot nor open amount.
  let next: PaymentsState = issued.receivables ? { ...payments, receivables: newerReceivables(payments.receivables, issued.receivables) } : payments;
  const commands: PaymentCommand[] = [];
  if ((issued.openCents ?? 0) > 0) {
    if (issued.paymentMethod === 'card') commands.push({ type: 'charge-card', step: `${step}/charge`, invoiceId: issued.invoiceId, number: issued.number });
    if (issued.paymentMethod === 'prepaid') commands.push({ type: 'top-up', step: `${step}/top-up`, invoiceId: issued.invoiceId, number: issued.number });
    if (issued.paymentMethod === 'sepa' && !next.sepaDue.some((d) => d.invoiceId === issued.invoiceId)) {
      next = { ...next, sepaDue: [...next.sepaDue, { invoiceId: issued.invoiceId, number: issued.number, dueOn: issued.dueOn }] };
    }
  }
  return { payments: next, commands };
}

/** The instant a SEPA debit is collected: 00:00 local of its due date plus the contract's offset. */
export function sepaCollectionAt(due: SepaDue, contract: ContractState, offsetMinutes: number): Date {
  return new Date(startOfLocalDay(due.dueOn, contract.timeZone).getTime() + offsetMinutes * 60_000);
}

/** The earliest pending SEPA collection, or null. */
export function nextSepaCollectionAt(payments: PaymentsState, contract: ContractState, offsetMinutes: number): Date | null {
  const times = payments.sepaDue.map((d) => sepaCollectionAt(d, contract, offsetMinutes).getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : null;
}

/** Takes the SEPA debits due at `now` off the list and returns their collect commands. */
export function dueSepaCollections(payments: PaymentsState, contract: ContractState, offsetMinutes: number, now: Date): { payments: PaymentsState; commands: PaymentCommand[] } {
  const due = payments.sepaDue.filter((d) => sepaCollectionAt(d, contract, offsetMinutes).getTime() <= now.getTime());
  if (due.length === 0) return { payments, commands: [] };
  return {
    payments: { ...payments, sepaDue: payments.sepaDue.filter((d) => !due.includes(d)) },
    commands: due.map((d) => ({ type: 'collect-sepa', step: `sepa/${d.invoiceId}`, invoiceId: d.invoiceId, number: d.number, dueOn: d.dueOn })),
  };
}

/** Whether the account has nothing open any more (every invoice's claim paid). */
export function isSettledAccount(snapshot: ReceivablesSnapshot): boolean {
  return snapshot.openInvoices.length === 0;
}

/**
 * The contract event a new account snapshot calls for: a suspended prepaid contract whose
 * claims are paid is restored. (A suspension for collection is lifted the same way.)
 */
export function eventForReceivables(contract: ContractState, snapshot: ReceivablesSnapshot): ContractEvent | null {
  if (contract.status === 'suspended' && isSettledAccount(snapshot)) return { type: 'restore' };
  return null;
}

/** A charge the PSP declined (or no card on file): a prepaid contract is suspended; a postpaid invoice stays open. */
export function eventForFailedCharge(billingMode: BillingMode): ContractEvent | null {
  return billingMode === 'prepaid' ? { type: 'suspend', reason: 'prepaid-unpaid' } : null;
}
