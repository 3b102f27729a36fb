/**
 * The mail template registry: every message the platform can send, its typed context, and the
 * view-model step that turns the context into what the Handlebars template sees.
 *
 * To add a message: add a member to {@link MailMessage}, add its builder to `MAIL_VIEW_MODELS`
 * (the compiler insists), and add `src/templates/mail/<template>.de.hbs` and `.en.hbs`
 * (the render test renders every template × locale). See docs/mail.md.
 */
import { isPlanId, type PlanId } from '../domain/plans';
import { formatMailDate, InvalidMailContextError } from './format-mail-date';
import { formatMailMoney } from './format-mail-money';

/** Languages a customer can receive mail in (customer setting, `de` by default). */
export type Locale = 'de' | 'en';

/** All supported locales, for start-up checks and tests. */
export const MAIL_LOCALES: readonly Locale[] = ['de', 'en'];

/**
 * One mail message: the template name tied to the context that template needs.
 * Dates are local calendar dates of the contract's zone (`YYYY-MM-DD`); the renderer formats them.
 * Money is integer cents (EUR), also formatted by the renderer.
 *
 * Plans: the four original messages (`contract-started`, `cancellation-confirmed`,
 * `cancellation-revoked`, `contract-ended`) take `plan` as the display name and print it as is.
 * Every later message takes plan **ids** (`basis` | `plus`, see `src/domain/plans.ts`) in `plan`,
 * `fromPlan` and `toPlan` and shows the display name ("Basis", "Plus"); an unknown id throws
 * `InvalidMailContextError`.
 */
export type MailMessage =
  | {
      template: 'contract-started';
      context: { customerName: string; contractId: string; plan: string; startedOn: string; trialEndsOn: string | null };
    }
  | {
      template: 'cancellation-confirmed';
      context: {
        customerName: string;
        contractId: string;
        receivedOn: string;
        /** Last day the contract is in force. */
        endsOn: string;
        /** The customer chose "cancel and delete data". */
        deleteData: boolean;
        /** A pending downgrade was dropped by this cancellation. */
        droppedPlanChange: boolean;
      };
    }
  | { template: 'cancellation-revoked'; context: { customerName: string; contractId: string; plan: string } }
  | {
      template: 'contract-ended';
      context: {
        customerName: string;
        contractId: string;
        /** Last day the contract was in force. */
        endedOn: string;
        deleteData: boolean;
      };
    }
  | {
      /** Sent 7 days before `paidFrom`, while the trial is not converted. */
      template: 'trial-reminder';
      context: {
        customerName: string;
        contractId: string;
        /** Last day of the free trial. */
        trialEndsOn: string;
        /** First day the contract would run as a regular contract (the day after `trialEndsOn`). */
        paidFrom: string;
      };
    }
  | {
      /** The customer chose a plan and a payment method during the trial. */
      template: 'trial-converted';
      context: { customerName: string; contractId: string; /** Plan id. */ plan: string; paidFrom: string };
    }
  | {
      /** Upgrade (basis → plus), effective immediately. */
      template: 'plan-upgraded';
      context: {
        customerName: string;
        contractId: string;
        /** Plan id. */
        fromPlan: string;
        /** Plan id. */
        toPlan: string;
        /** Today: the first day on `toPlan`. */
        effectiveOn: string;
        /** Seats after the upgrade, an integer ≥ 1. */
        seats: number;
      };
    }
  | {
      /** A downgrade (plus → basis) is confirmed and waits for `effectiveOn`. */
      template: 'plan-change-scheduled';
      context: {
        customerName: string;
        contractId: string;
        /** Plan id. */
        fromPlan: string;
        /** Plan id. */
        toPlan: string;
        /** First day on `toPlan`; the change can be revoked until the end of the day before. */
        effectiveOn: string;
      };
    }
  | {
      /** The pending plan change was revoked; the contract stays on `plan`. */
      template: 'plan-change-revoked';
      context: { customerName: string; contractId: string; /** Plan id. */ plan: string };
    }
  | {
      /** The scheduled downgrade took effect: extra users removed, conferences cancelled, 1 seat. */
      template: 'plan-downgraded';
      context: { customerName: string; contractId: string; /** Plan id. */ plan: string; /** First day on `plan`. */ effectiveOn: string };
    }
  | {
      template: 'contract-paused';
      context: {
        customerName: string;
        contractId: string;
        /** First day of the pause. */
        pausedSince: string;
        /** Net pause fee per month, integer cents. */
        pauseFeeCents: number;
      };
    }
  | {
      template: 'contract-resumed';
      context: { customerName: string; contractId: string; /** First day with full access again. */ resumedOn: string; /** Plan id. */ plan: string };
    }
  | {
      template: 'seats-changed';
      context: { customerName: string; contractId: string; /** New number of seats, an integer ≥ 1. */ seats: number; effectiveOn: string };
    }
  | {
      /** After the end of a contract without "delete data": announces the deletion of personal data. */
      template: 'data-deletion-notice';
      context: {
        customerName: string;
        contractId: string;
        /** Last day the contract was in force. */
        endedOn: string;
        /** Day the personal and account data is deleted. */
        deletionOn: string;
      };
    };

/** Name of a mail template, e.g. `cancellation-confirmed`. */
export type MailTemplateName = MailMessage['template'];

/** The context type of one template. */
export type MailContext<K extends MailTemplateName> = Extract<MailMessage, { template: K }>['context'];

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
  'contract-paused': (c, locale) => ({
    customerName: c.customerName,
    contractId: c.contractId,
    pausedSince: formatMailDate(c.pausedSince, locale),
    pauseFee: formatMailMoney(c.pauseFeeCents, locale),
  }),
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
};

/** Every template name, derived from the registry so it cannot miss one. */
export const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_VIEW_MODELS) as readonly MailTemplateName[];

/**
 * Builds the view model of a message for a locale: formats dates, money, seat counts and plan
 * names, passes the rest through. Throws `InvalidMailContextError` for a value that cannot be
 * formatted (its subclass `InvalidMailDateError` for a date that is not a real `YYYY-MM-DD` date).
 */
export function buildMailViewModel(message: MailMessage, locale: Locale): MailViewModel {
  // TypeScript cannot correlate message.template with message.context across the union;
  // the mapped type above guarantees the builder matches the template.
  const build = MAIL_VIEW_MODELS[message.template] as (context: MailMessage['context'], locale: Locale) => MailViewModel;
  return build(message.context, locale);
}
