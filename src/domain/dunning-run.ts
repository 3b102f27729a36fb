/**
 * Dunning inside the contract workflow (docs/dunning.md): which overdue invoices are dunned, what
 * is due on a day, and when the workflow must wake up next. Pure; the workflow carries out the
 * commands through activities. One list per contract (not a child workflow per invoice): a
 * contract has few overdue invoices at a time, and the contract's workflow already owns its
 * timers, payments and suspension.
 */
import type { LocalDate } from './calendar';
import { addDays, compareLocalDates, startOfLocalDay } from './calendar';
import type { ContractState } from './contract-state';
import type { DunningLadder, DunningLadderStep, DunningStepKind, InvoiceDunning } from './dunning';
import { dunningStep, isOnHold, liftHold, placeHold, restartDunning, startDunning, stepDone } from './dunning';
import type { OpenInvoice, ReceivablesSnapshot } from './ledger';

export interface DunningState {
  readonly invoices: readonly InvoiceDunning[];
}

export const INITIAL_DUNNING: DunningState = { invoices: [] };

export type DunningCommand =
  /** Tell the collection agency of payments booked after the handover. */
  | { readonly type: 'report-collection-payments'; readonly step: string }
  /** Load the ladder in force (the invoice is overdue since today) and start its dunning. */
  | { readonly type: 'start-dunning'; readonly step: string; readonly invoiceId: string; readonly number: string; readonly dueOn: LocalDate; readonly startedOn: LocalDate }
  /** Carry out one step of the ladder for an invoice (fees, interest, letters, handover). */
  | {
      readonly type: 'dunning-step';
      readonly step: string;
      readonly invoiceId: string;
      readonly number: string;
      readonly ladderStep: DunningLadderStep;
      readonly round: number;
      readonly runOn: LocalDate;
      /** The step's day after this one (for `dunning.nextStepOn`), or null when it is the last. */
      readonly nextStepOn: LocalDate | null;
      /** The days the earlier steps of this round ran (the credit-bureau check counts them). */
      readonly earlier: readonly { readonly step: DunningStepKind; readonly runOn: LocalDate }[];
      readonly disputed: boolean;
      /** The invoice's ladder (the handover marks the contract's other open claims with it). */
      readonly ladder: DunningLadder;
    };

/** Invoices the ladder applies to: open, and not prepaid (a prepaid account is suspended instead). */
function dunnable(invoice: OpenInvoice): boolean {
  return invoice.claimCents > 0 && invoice.paymentMethod !== 'prepaid';
}

/** The day from which an open invoice is dunned: the day after its due date, or the day a chargeback reopened it. */
function overdueFrom(invoice: OpenInvoice): LocalDate {
  return invoice.reopenedOn ?? addDays(invoice.dueOn, 1);
}

/** When a wake-up for `on` happens: 00:00 local plus the contract's offset. */
function at(on: LocalDate, contract: ContractState, offsetMinutes: number): Date {
  return new Date(startOfLocalDay(on, contract.timeZone).getTime() + offsetMinutes * 60_000);
}

/**
 * Applies a new account snapshot: a chargeback or return booked after the ladder started
 * restarts it from its first step, counted from the booking day.
 */
export function onReceivables(state: DunningState, snapshot: ReceivablesSnapshot): DunningState {
  let changed = false;
  const invoices = state.invoices.map((d) => {
    const open = snapshot.openInvoices.find((i) => i.invoiceId === d.invoiceId);
    if (!open?.reopenedOn || compareLocalDates(open.reopenedOn, d.startedOn) <= 0) return d;
    changed = true;
    return restartDunning(d, open.reopenedOn);
  });
  return changed ? { invoices } : state;
}

/** The commands due at `now` and the state after them (a step is marked done when it is queued). */
export function dueDunning(
  state: DunningState,
  snapshot: ReceivablesSnapshot,
  contract: ContractState,
  offsetMinutes: number,
  now: Date,
  today: LocalDate,
): { state: DunningState; commands: DunningCommand[] } {
  const commands: DunningCommand[] = [];
  const invoices = [...state.invoices];
  for (const open of snapshot.openInvoices) {
    if (!dunnable(open) || invoices.some((d) => d.invoiceId === open.invoiceId)) continue;
    const from = overdueFrom(open);
    if (at(from, contract, offsetMinutes).getTime() > now.getTime()) continue;
    commands.push({ type: 'start-dunning', step: `dunning/${open.invoiceId}/start`, invoiceId: open.invoiceId, number: open.number, dueOn: open.dueOn, startedOn: open.reopenedOn ?? open.dueOn });
  }
  for (const [index, dunning] of invoices.entries()) {
    const open = snapshot.openInvoices.find((i) => i.invoiceId === dunning.invoiceId);
    let current = dunning;
    // Steps that came due together (the worker was down) run one after the other, in order.
    for (;;) {
      const decision = dunningStep(current, open?.claimCents ?? 0, today);
      if (decision.kind !== 'run' || at(decision.dueOn, contract, offsetMinutes).getTime() > now.getTime()) break;
      const after = stepDone(current, decision.step.step);
      const next = dunningStep(after, open?.claimCents ?? 0, today);
      commands.push({
        type: 'dunning-step',
        step: `dunning/${current.invoiceId}/${current.round}/${decision.step.step}`,
        invoiceId: current.invoiceId,
        number: current.number,
        ladderStep: decision.step,
        round: current.round,
        runOn: decision.dueOn,
        nextStepOn: next.kind === 'wait' || next.kind === 'run' ? next.dueOn : null,
        earlier: (current.stepDays ?? []).map((s) => ({ step: s.step, runOn: s.runOn })),
        disputed: current.holds.length > 0,
        ladder: current.ladder,
      });
      current = { ...after, stepDays: [...(current.stepDays ?? []), { step: decision.step.step, runOn: decision.dueOn }] };
    }
    invoices[index] = current;
  }
  return { state: invoices.length === state.invoices.length && invoices.every((d, i) => d === state.invoices[i]) ? state : { invoices }, commands };
}

/** Adds an invoice's dunning once the ladder in force is known. */
export function dunningStarted(state: DunningState, command: Extract<DunningCommand, { type: 'start-dunning' }>, ladder: DunningLadder): DunningState {
  if (state.invoices.some((d) => d.invoiceId === command.invoiceId)) return state;
  return { invoices: [...state.invoices, { ...startDunning({ invoiceId: command.invoiceId, number: command.number, dueOn: command.dueOn }, ladder), startedOn: command.startedOn }] };
}

/** The next instant a dunning step (or an invoice becoming overdue) is due, or null. */
export function nextDunningAt(state: DunningState, snapshot: ReceivablesSnapshot, contract: ContractState, offsetMinutes: number, today: LocalDate): Date | null {
  const times: number[] = [];
  for (const open of snapshot.openInvoices) {
    if (dunnable(open) && !state.invoices.some((d) => d.invoiceId === open.invoiceId)) times.push(at(overdueFrom(open), contract, offsetMinutes).getTime());
  }
  for (const dunning of state.invoices) {
    const open = snapshot.openInvoices.find((i) => i.invoiceId === dunning.invoiceId);
    const decision = dunningStep(dunning, open?.claimCents ?? 0, today);
    if (decision.kind === 'wait' || decision.kind === 'run') times.push(at(decision.dueOn, contract, offsetMinutes).getTime());
  }
  return times.length > 0 ? new Date(Math.min(...times)) : null;
}

/** Operators put an invoice's dunning on hold (dispute) or lift it; remaining steps move by the hold's length. */
export function disputeChanged(state: DunningState, invoiceId: string, onHold: boolean, today: LocalDate): DunningState {
  return {
    invoices: state.invoices.map((d) => (d.invoiceId !== invoiceId ? d : onHold ? placeHold(d, today) : liftHold(d, today))),
  };
}

/**
 * The handover took every open, undisputed claim of the contract to the agency: no further dunning for any
 * of them (payments are still booked). Open invoices not dunned yet are recorded as handed over.
 */
export function handedOverAll(state: DunningState, snapshot: ReceivablesSnapshot, ladder: DunningLadder): DunningState {
  // A disputed claim (on hold) is not handed over.
  const held = new Set(state.invoices.filter((d) => isOnHold(d.holds)).map((d) => d.invoiceId));
  const open = snapshot.openInvoices.filter((i) => dunnable(i) && !held.has(i.invoiceId));
  const known = state.invoices.map((d) => (open.some((i) => i.invoiceId === d.invoiceId) ? { ...d, handedOver: true, level: Math.max(d.level, 4) } : d));
  const added = open
    .filter((i) => !state.invoices.some((d) => d.invoiceId === i.invoiceId))
    .map((i) => ({ ...startDunning({ invoiceId: i.invoiceId, number: i.number, dueOn: i.dueOn }, ladder), handedOver: true, level: 4 }));
  return { invoices: [...known, ...added] };
}

/** The contract's dunning level: the highest among its open invoices (API `dunning.level`, search attribute `DunningLevel`). */
export function contractDunningLevel(state: DunningState, snapshot: ReceivablesSnapshot): number {
  const open = new Set(snapshot.openInvoices.map((i) => i.invoiceId));
  return state.invoices.filter((d) => open.has(d.invoiceId)).reduce((max, d) => Math.max(max, d.level), 0);
}

/** Whether some open invoice's dunning is on hold. */
export function contractDunningOnHold(state: DunningState, snapshot: ReceivablesSnapshot): boolean {
  const open = new Set(snapshot.openInvoices.map((i) => i.invoiceId));
  return state.invoices.some((d) => open.has(d.invoiceId) && isOnHold(d.holds));
}
