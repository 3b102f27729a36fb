/**
 * The monthly invoice run of a contract (DOMAIN.md, "Billing", "Billing precision"): the only
 * place where invoice numbers are computed. Pure; the contract workflow owns the state.
 *
 * How it works:
 * - A run on day D (the paid start day, the 1st of every month, the day after the end) bills in
 *   advance the rest of D's month (to the contract end if earlier): base fee per seat, or the
 *   pause fee while paused; plus the charges collected since the last run; plus the SMS usage
 *   of the past period in arrears (read by an activity, added by {@link buildInvoiceDraft}).
 * - What a run billed in advance is remembered ({@link AdvanceBilling}). A change during that
 *   period (upgrade, extra seats, resume, pause, a revoked cancellation that extends the period)
 *   is charged for the rest of the period on the next invoice, for what was not billed yet.
 *   Nothing is ever credited: fewer seats and downgrades take effect from the next run.
 * - Rounding: each line's net is rounded half-up on its own (money.ts), VAT per rate on the sum.
 */
import type { LocalDate } from './calendar';
import { addDays, compareLocalDates, daysBetween, endOfMonth, parseLocalDate, startOfLocalDay } from './calendar';
import type { ContractState } from './contract-state';
import type { InvoiceDraft, InvoiceLine, ServicePeriod, VatGroup } from './invoice';
import { prorate, sumCents, vatOf } from './money';
import type { Plan, PlanId } from './plans';
import { DEFAULT_PAUSE_FEE, DEFAULT_PLAN_CATALOGUE, planOf } from './plans';
import type { TaxProfile, VatRateEntry } from './vat';
import { DEFAULT_VAT_RATES, taxTreatment } from './vat';

/** Billing rules that are configuration. */
export interface BillingPolicy {
  readonly catalogue: readonly Plan[];
  /** Net pause fee per month in cents. */
  readonly pauseFeeCents: number;
  /** Due date = issue date + this many days. */
  readonly paymentTermDays: number;
  /**
   * Runs on one day are spread over this many minutes after 00:00 local (a deterministic offset
   * per contract), so a million contracts do not fire at one instant. The legal date stays D.
   */
  readonly spreadMinutes: number;
  readonly vatRates: readonly VatRateEntry[];
}

export const DEFAULT_BILLING_POLICY: BillingPolicy = {
  catalogue: DEFAULT_PLAN_CATALOGUE,
  pauseFeeCents: DEFAULT_PAUSE_FEE,
  paymentTermDays: 14,
  spreadMinutes: 240,
  vatRates: DEFAULT_VAT_RATES,
};

/** An invoice line before VAT (the rate depends on the customer, read when the run is carried out). */
export type ChargeLine = Omit<InvoiceLine, 'vatRatePercent'>;

/** What the last run billed in advance for the rest of its month. */
export interface AdvanceBilling {
  readonly from: LocalDate;
  /** Billed through this day (the month's end, or the contract end if earlier). */
  readonly through: LocalDate;
  readonly monthEnd: LocalDate;
  readonly plan: PlanId;
  /** Seats whose base fee is paid for the rest of the period (0 when the run found it paused). */
  readonly seats: number;
  /** The pause fee is paid for the rest of the period. */
  readonly pauseFee: boolean;
}

/** The billing slice of a contract's workflow state (serializable: it crosses continue-as-new). */
export interface BillingState {
  readonly lastRunOn: LocalDate | null;
  readonly advance: AdvanceBilling | null;
  /** Charges since the last run, billed with the next one. */
  readonly pending: readonly ChargeLine[];
  /** First day of usage not billed yet. */
  readonly usageFrom: LocalDate | null;
  /** The run after the contract end has happened: nothing is left to bill. */
  readonly finalRunDone: boolean;
}

export const INITIAL_BILLING: BillingState = { lastRunOn: null, advance: null, pending: [], usageFrom: null, finalRunDone: false };

/** One run as the workflow carries it out: the charges, and the usage period to read. */
export interface BillingRun {
  readonly runOn: LocalDate;
  readonly final: boolean;
  readonly lines: readonly ChargeLine[];
  /** SMS usage to bill: unbilled usage on or before `to` (null when there is no past period). */
  readonly usagePeriod: ServicePeriod | null;
  /** Net price of one SMS in cents. */
  readonly smsPriceCents: number;
}

/** The last day the contract is in force, when known. */
function endsOnOf(contract: ContractState): LocalDate | null {
  return contract.endedOn ?? contract.cancellation?.endsOn ?? null;
}

function min(a: LocalDate, b: LocalDate): LocalDate {
  return compareLocalDates(a, b) <= 0 ? a : b;
}

function firstOfNextMonth(date: LocalDate): LocalDate {
  return addDays(endOfMonth(date), 1);
}

/** A fee line for `[from, through]` of `from`'s month: the full month, or prorated by days. */
function feeLine(kind: 'base-fee' | 'pause-fee', plan: PlanId | null, quantity: number, unitPriceCents: number, from: LocalDate, through: LocalDate): ChargeLine {
  const monthEnd = endOfMonth(from);
  const daysInMonth = parseLocalDate(monthEnd).day;
  const days = daysBetween(from, through) + 1;
  const full = days === daysInMonth;
  return {
    kind: full || kind === 'pause-fee' ? kind : 'proration',
    plan,
    quantity,
    unitPriceCents,
    proration: full ? null : { days, daysInMonth },
    netCents: full ? quantity * unitPriceCents : prorate(quantity * unitPriceCents, days, daysInMonth),
    servicePeriod: { from, to: through },
  };
}

/** The local day of the contract's next invoice run, or null when nothing is left to bill. */
export function nextBillingRunOn(billing: BillingState, contract: ContractState): LocalDate | null {
  if (!contract.paidFrom || billing.finalRunDone) return null;
  const endsOn = endsOnOf(contract);
  // Ended (e.g. cancelled during a converted trial) before the first paid day: never billed.
  if (endsOn && compareLocalDates(endsOn, contract.paidFrom) < 0) return null;
  if (!billing.lastRunOn) return contract.paidFrom;
  const next = firstOfNextMonth(billing.lastRunOn);
  return endsOn ? min(next, addDays(endsOn, 1)) : next;
}

/** Minutes after 00:00 local at which this contract's runs happen: a stable hash of its id. */
export function billingOffsetMinutes(contractId: string, policy: BillingPolicy = DEFAULT_BILLING_POLICY): number {
  if (policy.spreadMinutes <= 1) return 0;
  // FNV-1a: deterministic across processes and versions (never Math.random in a workflow).
  let hash = 0x811c9dc5;
  for (let i = 0; i < contractId.length; i++) {
    hash ^= contractId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % policy.spreadMinutes;
}

/** The instant of the next run (00:00 local of its day plus the contract's offset), or null. */
export function nextBillingRunAt(billing: BillingState, contract: ContractState, policy: BillingPolicy = DEFAULT_BILLING_POLICY): Date | null {
  const on = nextBillingRunOn(billing, contract);
  if (!on) return null;
  return new Date(startOfLocalDay(on, contract.timeZone).getTime() + billingOffsetMinutes(contract.id, policy) * 60_000);
}

/**
 * The run on `runOn`: the charges to bill and the billing state after it. Call it with the
 * contract state of that day, after the day's contract deadlines (end, plan switch) are applied.
 */
export function runBilling(billing: BillingState, contract: ContractState, runOn: LocalDate, policy: BillingPolicy = DEFAULT_BILLING_POLICY): { billing: BillingState; run: BillingRun } {
  const endsOn = endsOnOf(contract);
  const final = endsOn !== null && compareLocalDates(runOn, endsOn) > 0;
  const lines: ChargeLine[] = [...billing.pending];
  let advance: AdvanceBilling | null = null;
  if (!final) {
    const monthEnd = endOfMonth(runOn);
    const through = endsOn ? min(monthEnd, endsOn) : monthEnd;
    const plan = planOf(contract.plan, policy.catalogue);
    if (contract.status === 'active') {
      if (plan.monthlyFeePerSeat > 0) lines.push(feeLine('base-fee', plan.id, contract.seats, plan.monthlyFeePerSeat, runOn, through));
      advance = { from: runOn, through, monthEnd, plan: plan.id, seats: contract.seats, pauseFee: false };
    } else if (contract.status === 'paused') {
      // The pause fee in advance: in full for a whole month, by days otherwise.
      lines.push(feeLine('pause-fee', null, 1, policy.pauseFeeCents, runOn, through));
      advance = { from: runOn, through, monthEnd, plan: plan.id, seats: 0, pauseFee: true };
    } else {
      // Suspended (collection): no new base fees.
      advance = { from: runOn, through, monthEnd, plan: plan.id, seats: 0, pauseFee: false };
    }
  }
  const usageFrom = billing.usageFrom ?? (contract.paidFrom as LocalDate);
  const usageTo = final ? (endsOn as LocalDate) : addDays(runOn, -1);
  const usagePeriod = compareLocalDates(usageFrom, usageTo) <= 0 ? { from: usageFrom, to: usageTo } : null;
  const smsPlan = [planOf(contract.plan, policy.catalogue), ...policy.catalogue].find((p) => p.usagePrices.sms !== undefined);
  return {
    billing: {
      lastRunOn: runOn,
      advance,
      pending: [],
      usageFrom: usagePeriod ? addDays(usagePeriod.to, 1) : usageFrom,
      finalRunDone: final,
    },
    run: { runOn, final, lines, usagePeriod, smsPriceCents: smsPlan?.usagePrices.sms ?? 0 },
  };
}

/**
 * The billing state after the contract changed from `prev` to `next` on `today` (upgrade, seats,
 * pause, resume, a cancellation revoked): charges for what the last run did not bill yet.
 */
export function trackContractChange(billing: BillingState, prev: ContractState, next: ContractState, today: LocalDate, policy: BillingPolicy = DEFAULT_BILLING_POLICY): BillingState {
  const advance = billing.advance;
  if (!advance || billing.finalRunDone || compareLocalDates(today, advance.monthEnd) > 0) return billing;
  const pending: ChargeLine[] = [...billing.pending];
  let current = advance;
  const plan = planOf(next.plan, policy.catalogue);

  // A revoked cancellation (or a later end) extends the period the last run billed up to the old end.
  const endsOn = next.status === 'ended' ? next.endedOn : (next.cancellation?.endsOn ?? null);
  const newThrough = endsOn ? min(current.monthEnd, endsOn) : current.monthEnd;
  if (compareLocalDates(newThrough, current.through) > 0) {
    const from = addDays(current.through, 1);
    if (next.status === 'active' && plan.monthlyFeePerSeat > 0) pending.push(feeLine('base-fee', plan.id, next.seats, plan.monthlyFeePerSeat, from, newThrough));
    if (next.status === 'paused') pending.push(feeLine('pause-fee', null, 1, policy.pauseFeeCents, from, newThrough));
    current = { ...current, through: newThrough };
  }

  // What is not paid yet for [today, through].
  const from = compareLocalDates(today, current.from) > 0 ? today : current.from;
  if (compareLocalDates(from, current.through) <= 0 && prev !== next) {
    if (next.status === 'active' && plan.monthlyFeePerSeat > 0) {
      const billedPlan = planOf(current.plan, policy.catalogue);
      // An upgrade from a free plan pays every seat; on the same plan only the extra seats.
      const unpaidSeats = billedPlan.monthlyFeePerSeat === 0 && plan.id !== billedPlan.id ? next.seats : plan.id === billedPlan.id ? next.seats - current.seats : 0;
      if (unpaidSeats > 0) {
        pending.push(feeLine('base-fee', plan.id, unpaidSeats, plan.monthlyFeePerSeat, from, current.through));
        current = { ...current, plan: plan.id, seats: plan.id === billedPlan.id ? next.seats : unpaidSeats };
      }
    }
    if (next.status === 'paused' && !current.pauseFee) {
      pending.push(feeLine('pause-fee', null, 1, policy.pauseFeeCents, from, current.through));
      current = { ...current, pauseFee: true };
    }
  }
  if (current === advance && pending.length === billing.pending.length) return billing;
  return { ...billing, advance: current, pending };
}

/** SMS usage read for a run: unbilled events on or before the period's end. */
export interface UsageSummary {
  readonly quantity: number;
  /** Local date of the earliest event counted (may lie before the period: usage reported late). */
  readonly firstOn: LocalDate | null;
}

/**
 * The invoice of a run: lines with VAT, VAT per rate, totals, due date. Null when the total is
 * zero ("an invoice whose total is zero is not issued").
 */
export function buildInvoiceDraft(run: BillingRun, usage: UsageSummary, tax: TaxProfile, policy: BillingPolicy = DEFAULT_BILLING_POLICY): InvoiceDraft | null {
  const treatment = taxTreatment(tax, run.runOn, policy.vatRates);
  const charges: ChargeLine[] = [...run.lines];
  if (usage.quantity > 0 && run.usagePeriod) {
    const from = usage.firstOn && compareLocalDates(usage.firstOn, run.usagePeriod.from) < 0 ? usage.firstOn : run.usagePeriod.from;
    charges.push({
      kind: 'usage',
      plan: null,
      quantity: usage.quantity,
      unitPriceCents: run.smsPriceCents,
      proration: null,
      netCents: usage.quantity * run.smsPriceCents,
      servicePeriod: { from, to: run.usagePeriod.to },
    });
  }
  const lines: InvoiceLine[] = charges.filter((l) => l.netCents !== 0).map((l) => ({ ...l, vatRatePercent: treatment.ratePercent }));
  const netCents = sumCents(lines.map((l) => l.netCents));
  if (lines.length === 0 || netCents === 0) return null;
  const rates = [...new Set(lines.map((l) => l.vatRatePercent))].sort((a, b) => b - a);
  const vatGroups: VatGroup[] = rates.map((ratePercent) => {
    const net = sumCents(lines.filter((l) => l.vatRatePercent === ratePercent).map((l) => l.netCents));
    return { ratePercent, category: treatment.category, netCents: net, vatCents: vatOf(net, ratePercent) };
  });
  const vatCents = sumCents(vatGroups.map((g) => g.vatCents));
  const periods = lines.map((l) => l.servicePeriod);
  return {
    billingDay: run.runOn,
    issuedOn: run.runOn,
    dueOn: addDays(run.runOn, policy.paymentTermDays),
    servicePeriod: {
      from: periods.map((p) => p.from).reduce((a, b) => min(a, b)),
      to: periods.map((p) => p.to).reduce((a, b) => (compareLocalDates(a, b) >= 0 ? a : b)),
    },
    lines,
    vatGroups,
    netCents,
    vatCents,
    grossCents: netCents + vatCents,
    reverseCharge: treatment.reverseCharge,
    currency: 'EUR',
  };
}

/** Side effects of billing, carried out by the contract workflow like its other commands. */
export type BillingCommand =
  /** Read usage and the tax profile, compute the invoice ({@link buildInvoiceDraft}), issue it. */
  | { readonly type: 'issue-invoice'; readonly step: string; readonly run: BillingRun }
  /** Render the invoice's documents (once) and deliver it by e-mail or as a letter. */
  | { readonly type: 'deliver-invoice'; readonly step: string; readonly invoiceId: string; readonly number: string };

/** The command of a run: step `bill/<day>` names it (and its idempotency key) for good. */
export function issueInvoiceCommand(run: BillingRun): BillingCommand {
  return { type: 'issue-invoice', step: `bill/${run.runOn}`, run };
}
