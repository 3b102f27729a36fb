/**
 * The mail template registry: every message the platform can send, its typed context, and the
 * view-model step that turns the context into what the Handlebars template sees.
 *
 * To add a message: add a member to {@link MailMessage}, add its builder to `MAIL_VIEW_MODELS`
 * (the compiler insists), and add `src/templates/mail/<template>.de.hbs` and `.en.hbs`
 * (the render test renders every template × locale). See docs/mail.md.
 */
import { formatMailDate } from './format-mail-date';

/** Languages a customer can receive mail in (customer setting, `de` by default). */
export type Locale = 'de' | 'en';

/** All supported locales, for start-up checks and tests. */
export const MAIL_LOCALES: readonly Locale[] = ['de', 'en'];

/**
 * One mail message: the template name tied to the context that template needs.
 * Dates are local calendar dates of the contract's zone (`YYYY-MM-DD`); the renderer formats them.
 * `plan` is the plan's display name as the customer knows it.
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

// Dates (and later money) are formatted here, before rendering, never by template helpers.
const MAIL_VIEW_MODELS: MailViewModelBuilders = {
  'contract-started': (c, locale) => ({
    ...c,
    startedOn: formatMailDate(c.startedOn, locale),
    trialEndsOn: c.trialEndsOn === null ? null : formatMailDate(c.trialEndsOn, locale),
  }),
  'cancellation-confirmed': (c, locale) => ({
    ...c,
    receivedOn: formatMailDate(c.receivedOn, locale),
    endsOn: formatMailDate(c.endsOn, locale),
  }),
  'cancellation-revoked': (c) => ({ ...c }),
  'contract-ended': (c, locale) => ({ ...c, endedOn: formatMailDate(c.endedOn, locale) }),
};

/** Every template name, derived from the registry so it cannot miss one. */
export const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_VIEW_MODELS) as readonly MailTemplateName[];

/**
 * Builds the view model of a message for a locale: formats dates, passes the rest through.
 * Throws `InvalidMailDateError` if a date in the context is not a real `YYYY-MM-DD` date.
 */
export function buildMailViewModel(message: MailMessage, locale: Locale): MailViewModel {
  // TypeScript cannot correlate message.template with message.context across the union;
  // the mapped type above guarantees the builder matches the template.
  const build = MAIL_VIEW_MODELS[message.template] as (context: MailMessage['context'], locale: Locale) => MailViewModel;
  return build(message.context, locale);
}
