/**
 * The dunning procedure (DOMAIN.md, "Dunning", "Dunning precision"): an ordered ladder of steps
 * counted from the due date, run per overdue invoice by the contract's workflow. Pure: the
 * ladder is data (operators change it; an invoice keeps the ladder in force on its due date),
 * and {@link dunningStep} decides what is due on a day from the invoice, the ladder, what is
 * paid and the holds.
 */
import type { LocalDate } from './calendar';
import { addDays, compareLocalDates, daysBetween } from './calendar';

export const DUNNING_STEP_KINDS = ['reminder', 'first-letter', 'final-letter', 'handover'] as const;
export type DunningStepKind = (typeof DUNNING_STEP_KINDS)[number];
export type DunningChannel = 'email' | 'letter';

/** One rung of the ladder. */
export interface DunningLadderStep {
  readonly step: DunningStepKind;
  /** Days after the due date (D + offset), counted from the ladder's start day. */
  readonly offsetDays: number;
  readonly channels: readonly DunningChannel[];
  /** Fee booked with the step, cents (0: none). */
  readonly fee: number;
}

export interface DunningLadder {
  readonly version: number;
  readonly steps: readonly DunningLadderStep[];
}

/** DOMAIN.md's default: reminder D+7 (mail), 1st letter D+14 (letter + mail, 5.00), final D+28 (5.00), handover D+42. */
export const DEFAULT_DUNNING_LADDER: DunningLadder = {
  version: 1,
  steps: [
    { step: 'reminder', offsetDays: 7, channels: ['email'], fee: 0 },
    { step: 'first-letter', offsetDays: 14, channels: ['letter', 'email'], fee: 500 },
    { step: 'final-letter', offsetDays: 28, channels: ['letter', 'email'], fee: 500 },
    { step: 'handover', offsetDays: 42, channels: [], fee: 0 },
  ],
};

/** `dunning.level` of the API: 0 none, 1 reminder, 2 first letter, 3 final letter, 4 handed over. */
export const DUNNING_LEVEL: Readonly<Record<DunningStepKind, number>> = { reminder: 1, 'first-letter': 2, 'final-letter': 3, handover: 4 };

/** The problems of a ladder operators propose (empty: valid). */
export function ladderProblems(steps: readonly DunningLadderStep[]): string[] {
  const problems: string[] = [];
  if (steps.length === 0) problems.push('the ladder needs at least one step');
  steps.forEach((s, i) => {
    if (!Number.isInteger(s.offsetDays) || s.offsetDays < 1) problems.push(`steps[${i}].offsetDays must be a whole number ≥ 1`);
    if (i > 0 && s.offsetDays <= steps[i - 1].offsetDays) problems.push(`steps[${i}].offsetDays must be greater than the step before (${steps[i - 1].offsetDays})`);
    if (!Number.isInteger(s.fee) || s.fee < 0) problems.push(`steps[${i}].fee must be whole cents ≥ 0`);
    if (s.step === 'handover' && s.channels.length > 0) problems.push(`steps[${i}]: the handover is an agency export and has no channels`);
    if (s.step !== 'handover' && s.channels.length === 0) problems.push(`steps[${i}]: a ${s.step} needs a channel`);
    if (s.step === 'handover' && i !== steps.length - 1) problems.push(`steps[${i}]: the handover must be the last step`);
  });
  const handovers = steps.filter((s) => s.step === 'handover').length;
  if (handovers !== 1) problems.push(`the ladder needs exactly one handover step (has ${handovers})`);
  for (const kind of DUNNING_STEP_KINDS) {
    if (steps.filter((s) => s.step === kind).length > 1) problems.push(`the step ${kind} appears more than once`);
  }
  return problems;
}

/** Days a customer is given to pay after a reminder or letter. */
export const PAY_WITHIN_DAYS = 7;

/**
 * The day a reminder or letter of `runOn` asks payment by: 7 days later, but before the next
 * step when one is given (a short ladder gives less time), and never before the day after.
 */
export function payByOf(runOn: LocalDate, nextStepOn: LocalDate | null): LocalDate {
  const week = addDays(runOn, PAY_WITHIN_DAYS);
  const beforeNext = nextStepOn ? addDays(nextStepOn, -1) : null;
  const earlier = beforeNext !== null && compareLocalDates(beforeNext, week) < 0 ? beforeNext : week;
  const floor = addDays(runOn, 1);
  return compareLocalDates(earlier, floor) < 0 ? floor : earlier;
}

/** The handover day a final letter announces: the next step's day (the handover follows it), else the day after the pay-by day. */
export function announcedHandoverOn(payBy: LocalDate, nextStepOn: LocalDate | null): LocalDate {
  return nextStepOn ?? addDays(payBy, 1);
}

/** A dispute hold: the ladder is paused from `since`; lifted on `liftedOn` (null: still on hold). */
export interface DunningHold {
  readonly since: LocalDate;
  readonly liftedOn: LocalDate | null;
}

/** What the workflow keeps per overdue invoice. */
export interface InvoiceDunning {
  readonly invoiceId: string;
  readonly number: string;
  readonly dueOn: LocalDate;
  readonly ladder: DunningLadder;
  /** Day the ladder counts from: the due date, or the booking day of a chargeback / return (restart). */
  readonly startedOn: LocalDate;
  /** 1, +1 per restart: names the steps' idempotency keys. */
  readonly round: number;
  /** Steps of this round carried out, in order. */
  readonly done: readonly DunningStepKind[];
  /** The highest level reached in any round (the API's `dunning.level` while the invoice is open). */
  readonly level: number;
  readonly holds: readonly DunningHold[];
  /** Handed over: no further dunning; payments are still booked. */
  readonly handedOver: boolean;
  /** The days this round's steps ran (the credit-bureau check counts the letters). */
  readonly stepDays?: readonly { readonly step: DunningStepKind; readonly runOn: LocalDate }[];
}

/** Days the ladder was paused by holds up to `today` (a hold still on counts up to today). */
export function heldDays(holds: readonly DunningHold[], today: LocalDate): number {
  return holds.reduce((sum, h) => sum + Math.max(0, daysBetween(h.since, h.liftedOn ?? today)), 0);
}

/** Whether a hold is on today. */
export function isOnHold(holds: readonly DunningHold[]): boolean {
  return holds.some((h) => h.liftedOn === null);
}

/** The day a step is due: start + offset, moved by the days of lifted holds. */
export function stepDueOn(dunning: InvoiceDunning, step: DunningLadderStep, today: LocalDate): LocalDate {
  return addDays(dunning.startedOn, step.offsetDays + heldDays(dunning.holds, today));
}

export type DunningDecision =
  | { readonly kind: 'none'; readonly reason: 'paid' | 'on-hold' | 'handed-over' | 'ladder-done' }
  | { readonly kind: 'wait'; readonly step: DunningLadderStep; readonly dueOn: LocalDate }
  | { readonly kind: 'run'; readonly step: DunningLadderStep; readonly dueOn: LocalDate };

/**
 * What is due for an overdue invoice on `today`: the next step of the ladder not yet done, if
 * its day (start + offset + held days) has come. A claim paid in full stops the ladder at once;
 * a hold pauses it; after the handover nothing more is sent. Steps that came due together (a
 * worker down for days) run one per decision, in order.
 */
export function dunningStep(dunning: InvoiceDunning, claimCents: number, today: LocalDate): DunningDecision {
  if (claimCents <= 0) return { kind: 'none', reason: 'paid' };
  if (dunning.handedOver) return { kind: 'none', reason: 'handed-over' };
  if (isOnHold(dunning.holds)) return { kind: 'none', reason: 'on-hold' };
  const next = dunning.ladder.steps.find((s) => !dunning.done.includes(s.step));
  if (!next) return { kind: 'none', reason: 'ladder-done' };
  const dueOn = stepDueOn(dunning, next, today);
  return compareLocalDates(today, dueOn) >= 0 ? { kind: 'run', step: next, dueOn } : { kind: 'wait', step: next, dueOn };
}

/** Starts dunning an invoice that became overdue (the day after its due date). */
export function startDunning(invoice: { invoiceId: string; number: string; dueOn: LocalDate }, ladder: DunningLadder): InvoiceDunning {
  return { ...invoice, ladder, startedOn: invoice.dueOn, round: 1, done: [], level: 0, holds: [], handedOver: false };
}

/** After a step ran. */
export function stepDone(dunning: InvoiceDunning, step: DunningStepKind): InvoiceDunning {
  return { ...dunning, done: [...dunning.done, step], level: Math.max(dunning.level, DUNNING_LEVEL[step]), handedOver: dunning.handedOver || step === 'handover' };
}

/** A chargeback or SEPA return booked on `on`: the ladder starts again from its first step, counted from `on`. */
export function restartDunning(dunning: InvoiceDunning, on: LocalDate): InvoiceDunning {
  if (dunning.handedOver) return dunning;
  return { ...dunning, startedOn: on, round: dunning.round + 1, done: [], holds: [], stepDays: [] };
}

export function placeHold(dunning: InvoiceDunning, on: LocalDate): InvoiceDunning {
  if (isOnHold(dunning.holds)) return dunning;
  return { ...dunning, holds: [...dunning.holds, { since: on, liftedOn: null }] };
}

export function liftHold(dunning: InvoiceDunning, on: LocalDate): InvoiceDunning {
  return { ...dunning, holds: dunning.holds.map((h) => (h.liftedOn === null ? { ...h, liftedOn: on } : h)) };
}
