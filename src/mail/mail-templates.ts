/**
 * The mail template registry: every message the platform can send, its typed context, and the
 * view-model step that turns the context into what the Handlebars template sees.
 *
 * To add a message: add a notice to `ContractNotice` (src/domain/contract-state.ts; `MailMessage`
 * is derived from it), add its builder to `MAIL_VIEW_MODELS` (the compiler insists), and add
 * `src/templates/mail/<template>.de.hbs` and `.en.hbs` (the render test renders every template ×
 * locale). See docs/mail.md.
 */
import type { ContractNotice } from '../domain/contract-state';
import { isPlanId, type PlanId } from '../domain/plans';
import { formatMailDate, InvalidMailContextError } from './format-mail-date';
import { formatMailMoney } from './format-mail-money';

/** Languages a customer can receive mail in (customer setting, `de` by default). */
export type Locale = 'de' | 'en';

/** All supported locales (the render tests cover every template in each). */
export const MAIL_LOCALES: readonly Locale[] = ['de', 'en'];

/** What the mail activity adds to every notice: the customer's name and the contract id. */
export interface MailAddressee {
  customerName: string;
  contractId: string;
}

/** Name of a mail template, e.g. `cancellation-confirmed`: one per contract notice. */
export type MailTemplateName = ContractNotice['template'];

/** The context each contract notice carries, by template. */
type NoticeContexts = { [N in ContractNotice as N['template']]: N['context'] };

/** The context type of one template: its notice's context and the addressee. */
export type MailContext<K extends MailTemplateName> = NoticeContexts[K] & MailAddressee;

/**
 * A contract notice of one of the templates `K`. The same union as `ContractNotice`, written as a
 * mapped type so that TypeScript ties `template` to `context` in generic code (no casts).
 */
export type ContractNoticeOf<K extends MailTemplateName = MailTemplateName> = { [T in K]: { template: T; context: NoticeContexts[T] } }[K];

/**
 * One mail message: a contract notice (`ContractNotice` in src/domain/contract-state.ts, where
 * its fields are documented) with the {@link MailAddressee} added. Dates are local calendar dates
 * of the contract's zone (`YYYY-MM-DD`) and money is integer cents (EUR); the renderer formats
 * both. `plan`, `fromPlan` and `toPlan` are plan ids (`basis` | `plus`, see
 * `src/domain/plans.ts`); the view model shows the display name ("Basis", "Plus") and throws
 * `InvalidMailContextError` for an unknown id.
 */
export type MailMessage<K extends MailTemplateName = MailTemplateName> = { [T in K]: { template: T; context: MailContext<T> } }[K];

/**
 * What a template sees: flat, already formatted values. Only strings, booleans (for `{{#if}}`)
 * and null, so no formatting logic can creep into the templates.
 */
export type MailViewModel = Readonly<Record<string, string | boolean | null>>;

type MailViewModelBuilders = { readonly [K in MailTemplateName]: (context: MailContext<K>, locale: Locale) => MailViewModel };

// Brand names, the same in every locale. Record<PlanId, …>: a new plan id fails to compile here.
const PLAN_DISPLAY_NAMES: Readonly<Record<PlanId, string>> = { basis: 'Basis', plus: 'Plus' };

/** "Basis" for `basis`; throws {@link InvalidMailContextError} for an unknown plan id. */
function planName(planId: string): string {
  if (!isPlanId(planId)) throw new InvalidMailContextError(`Unknown plan id: ${JSON.stringify(planId)}`);
  return PLAN_DISPLAY_NAMES[planId];
}

const INTEGER: Record<Locale, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }),
};

/** `seats` ("1.200" / "1,200") and `singleSeat`, so templates can say "eine Benutzerlizenz" / "one seat". */
function seatsView(seats: number, locale: Locale): { seats: string; singleSeat: boolean } {
  if (!Number.isSafeInteger(seats) || seats < 1) throw new InvalidMailContextError(`Not a seat count: ${String(seats)}`);
  return { seats: INTEGER[locale].format(seats), singleSeat: seats === 1 };
}

/** The calendar day before a valid `YYYY-MM-DD` date (call after formatMailDate validated it). */
function dayBefore(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}

/**
 * What both dunning-letter mails show: the claim and the charges booked with the letter, each
 * with a flag so the template lists only those that are not zero (`hasCharges`: any of them).
 */
function dunningLetterView(c: MailContext<'dunning-letter-1'>, locale: Locale): MailViewModel {
  for (const cents of [c.feeCents, c.interestCents, c.flatFeeCents]) {
    if (!Number.isSafeInteger(cents) || cents < 0) throw new InvalidMailContextError(`Not an amount of cents ≥ 0: ${String(cents)}`);
  }
  return {
    customerName: c.customerName,
    contractId: c.contractId,
    invoiceNumber: c.invoiceNumber,
    dueOn: formatMailDate(c.dueOn, locale),
    total: formatMailMoney(c.totalCents, locale),
    fee: formatMailMoney(c.feeCents, locale),
    hasFee: c.feeCents > 0,
    interest: formatMailMoney(c.interestCents, locale),
    hasInterest: c.interestCents > 0,
    flatFee: formatMailMoney(c.flatFeeCents, locale),
    hasFlatFee: c.flatFeeCents > 0,
    hasCharges: c.feeCents + c.interestCents + c.flatFeeCents > 0,
    payBy: formatMailDate(c.payBy, locale),
  };
}

// Dates, money, seat counts and plan names are formatted here, before rendering, never by
// template helpers. Builders with a number in their context list every field: a number left in
// the view model does not compile.
const MAIL_VIEW_MODELS: MailViewModelBuilders = {
  'contract-started': (c, locale) => ({
    ...c,
    plan: planName(c.plan),
    startedOn: formatMailDate(c.startedOn, locale),
    trialEndsOn: c.trialEndsOn === null ? null : formatMailDate(c.trialEndsOn, locale),
  }),
  'cancellation-confirmed': (c, locale) => ({
    ...c,
    receivedOn: formatMailDate(c.receivedOn, locale),
    endsOn: formatMailDate(c.endsOn, locale),
  }),
  'cancellation-revoked': (c) => ({ ...c, plan: planName(c.plan) }),
  'contract-ended': (c, locale) => ({ ...c, endedOn: formatMailDate(c.endedOn, locale) }),
  'trial-reminder': (c, locale) => ({
    ...c,
    trialEndsOn: formatMailDate(c.trialEndsOn, locale),
    paidFrom: formatMailDate(c.paidFrom, locale),
  }),
  'trial-converted': (c, locale) => ({ ...c, plan: planName(c.plan), paidFrom: formatMailDate(c.paidFrom, locale) }),
  'plan-upgraded': (c, locale) => ({
    customerName: c.customerName,
    contractId: c.contractId,
    fromPlan: planName(c.fromPlan),
    toPlan: planName(c.toPlan),
    effectiveOn: formatMailDate(c.effectiveOn, locale),
    ...seatsView(c.seats, locale),
  }),
  'plan-change-scheduled': (c, locale) => ({
    ...c,
    fromPlan: planName(c.fromPlan),
    toPlan: planName(c.toPlan),
    effectiveOn: formatMailDate(c.effectiveOn, locale),
    // Revocable until the end of the day before the switch; print that day, not a rule.
    revocableUntil: formatMailDate(dayBefore(c.effectiveOn), locale),
  }),
  'plan-change-revoked': (c) => ({ ...c, plan: planName(c.plan) }),
  'plan-downgraded': (c, locale) => ({ ...c, plan: planName(c.plan), effectiveOn: formatMailDate(c.effectiveOn, locale) }),
  'invoice-issued': (c, locale) => ({
    customerName: c.customerName,
    contractId: c.contractId,
    invoiceNumber: c.invoiceNumber,
    issuedOn: formatMailDate(c.issuedOn, locale),
    dueOn: formatMailDate(c.dueOn, locale),
    gross: formatMailMoney(c.grossCents, locale),
    bySepa: c.paymentMethod === 'sepa',
    byCard: c.paymentMethod === 'card',
    byTransfer: c.paymentMethod === 'transfer',
    prepaid: c.paymentMethod === 'prepaid',
    mandateReference: c.mandateReference,
  }),
  'contract-paused': (c, locale) => ({
    customerName: c.customerName,
    contractId: c.contractId,
    pausedSince: formatMailDate(c.pausedSince, locale),
    pauseFee: formatMailMoney(c.pauseFeeCents, locale),
  }),
  'contract-suspended': (c, locale) => ({
    customerName: c.customerName,
    contractId: c.contractId,
    suspendedSince: formatMailDate(c.suspendedSince, locale),
    endsOnUnpaid: formatMailDate(c.endsOnUnpaid, locale),
    prepaid: c.reason === 'prepaid-unpaid',
  }),
  'contract-restored': (c, locale) => ({ ...c, restoredOn: formatMailDate(c.restoredOn, locale) }),
  'contract-ended-unpaid': (c, locale) => ({ ...c, endedOn: formatMailDate(c.endedOn, locale), suspendedSince: formatMailDate(c.suspendedSince, locale) }),
  'contract-resumed': (c, locale) => ({ ...c, plan: planName(c.plan), resumedOn: formatMailDate(c.resumedOn, locale) }),
  'seats-changed': (c, locale) => ({
    customerName: c.customerName,
    contractId: c.contractId,
    effectiveOn: formatMailDate(c.effectiveOn, locale),
    ...seatsView(c.seats, locale),
  }),
  'data-deletion-notice': (c, locale) => ({
    ...c,
    endedOn: formatMailDate(c.endedOn, locale),
    deletionOn: formatMailDate(c.deletionOn, locale),
  }),
  'payment-reminder': (c, locale) => ({
    customerName: c.customerName,
    contractId: c.contractId,
    invoiceNumber: c.invoiceNumber,
    issuedOn: formatMailDate(c.issuedOn, locale),
    dueOn: formatMailDate(c.dueOn, locale),
    open: formatMailMoney(c.openCents, locale),
    payBy: formatMailDate(c.payBy, locale),
  }),
  'dunning-letter-1': (c, locale) => dunningLetterView(c, locale),
  'dunning-letter-final': (c, locale) => ({
    ...dunningLetterView(c, locale),
    handoverOn: formatMailDate(c.handoverOn, locale),
    announceCreditReport: c.announceCreditReport,
  }),
  'collection-handover': (c, locale) => ({
    customerName: c.customerName,
    contractId: c.contractId,
    invoiceNumbers: c.invoiceNumbers,
    total: formatMailMoney(c.totalCents, locale),
    handedOverOn: formatMailDate(c.handedOverOn, locale),
    agencyName: c.agencyName,
  }),
};

/** Every template name, derived from the registry so it cannot miss one. */
export const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_VIEW_MODELS) as readonly MailTemplateName[];

/**
 * Builds the view model of a message for a locale: formats dates, money, seat counts and plan
 * names, passes the rest through. Throws `InvalidMailContextError` for a value that cannot be
 * formatted (its subclass `InvalidMailDateError` for a date that is not a real `YYYY-MM-DD` date).
 */
export function buildMailViewModel<K extends MailTemplateName>(message: MailMessage<K>, locale: Locale): MailViewModel {
  const build: MailViewModelBuilders[K] = MAIL_VIEW_MODELS[message.template];
  return build(message.context, locale);
}
