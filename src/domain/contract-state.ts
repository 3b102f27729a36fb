/**
 * The shape of a contract as the workflow holds it, the events that can happen to it, and the
 * commands (side effects) that decisions produce. Types only; the rules are in contract.ts.
 */
import type { LocalDate } from './calendar';
import type { CustomerType, NoticePolicies } from './notice-period';
import { DEFAULT_NOTICE_POLICIES } from './notice-period';
import type { PlanId } from './plans';
import { DEFAULT_PAUSE_FEE } from './plans';

export type ContractStatus = 'trial' | 'active' | 'paused' | 'suspended' | 'ended';
export type BillingMode = 'postpaid' | 'prepaid';
export type CancellationChannel = 'online' | 'phone' | 'letter';
export type PaymentMethodType = 'sepa' | 'card' | 'transfer';
/** Why a contract is suspended: a prepaid charge not covered, or the claim handed over to collection. */
export type SuspensionReason = 'prepaid-unpaid' | 'collection';

/** A pending (or, once ended, executed) cancellation. */
export interface Cancellation {
  /** Instant the notice arrived (ISO 8601). */
  readonly receivedAt: string;
  /** Local date of receipt in the contract's zone: the notice period counts from here. */
  readonly receivedOn: LocalDate;
  /** Last day the contract is in force. */
  readonly endsOn: LocalDate;
  readonly deleteData: boolean;
  readonly channel: CancellationChannel;
  readonly reason: string | null;
}

/** A downgrade waiting for its effective date (the day after its notice period ends). */
export interface PendingPlanChange {
  readonly plan: PlanId;
  readonly requestedAt: string;
  readonly receivedOn: LocalDate;
  /** First day on the new plan. */
  readonly effectiveOn: LocalDate;
}

/** A trial converted to a paid plan; it takes effect the day after the trial. */
export interface TrialConversion {
  readonly plan: PlanId;
  readonly paymentMethod: PaymentMethodType;
  readonly convertedAt: string;
}

/** Everything the workflow knows about a contract. Serializable (continue-as-new input). */
export interface ContractState {
  readonly id: string;
  readonly customerId: string;
  readonly customerType: CustomerType;
  readonly plan: PlanId;
  readonly seats: number;
  readonly status: ContractStatus;
  readonly timeZone: string;
  readonly startedOn: LocalDate;
  readonly trialEndsOn: LocalDate | null;
  /** First day billed: the start day, or the day after a converted trial. Null while unconverted. */
  readonly paidFrom: LocalDate | null;
  readonly trialReminderSent: boolean;
  readonly conversion: TrialConversion | null;
  readonly billingMode: BillingMode;
  readonly cancellation: Cancellation | null;
  readonly pendingPlanChange: PendingPlanChange | null;
  readonly pausedSince: LocalDate | null;
  /**
   * Local date since which the contract is suspended (prepaid balance not covered, or handed
   * over to collection); absent in states of runs from before suspensions existed.
   */
  readonly suspendedSince?: LocalDate | null;
  readonly suspensionReason?: SuspensionReason | null;
  readonly endedOn: LocalDate | null;
  /** Start of the local day on which personal and account data is deleted. */
  readonly dataDeletionDueOn: LocalDate | null;
  readonly deletionNoticeSent: boolean;
  readonly dataDeleted: boolean;
  /** Number of events applied; names side-effect steps and orders the database mirror. */
  readonly revision: number;
}

/** What can happen to a contract. */
export type ContractEvent =
  | {
      readonly type: 'cancel';
      readonly receivedAt: Date;
      readonly deleteData: boolean;
      readonly channel: CancellationChannel;
      readonly reason: string | null;
    }
  | { readonly type: 'revoke-cancellation' }
  | { readonly type: 'change-plan'; readonly plan: PlanId; readonly acceptTerms: boolean }
  | { readonly type: 'revoke-plan-change' }
  | { readonly type: 'convert-trial'; readonly plan: PlanId; readonly paymentMethod: PaymentMethodType }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  /** `userCount` is what the API saw in the database: seats may not drop below it. */
  | { readonly type: 'change-seats'; readonly seats: number; readonly userCount: number }
  /** The account cannot pay its charges (prepaid without card, failed top-up; collection handover). */
  | { readonly type: 'suspend'; readonly reason: SuspensionReason }
  /** The open claim is paid: a suspended contract is active again. */
  | { readonly type: 'restore' }
  /** A timer fired: the workflow asks whether a deadline is due (end, trial, switch, deletion). */
  | { readonly type: 'deadline-reached' };

/** What the mail of a dunning letter says (the letter itself is the PDF it carries). */
export interface DunningLetterMailContext {
  /** The dunned invoice; also the payment reference. */
  invoiceNumber: string;
  dueOn: LocalDate;
  /** Everything the letter asks for: open principal, fees and interest, integer cents. */
  totalCents: number;
  /** The fee booked with this letter. */
  feeCents: number;
  /** The default interest booked with this letter. */
  interestCents: number;
  /** The flat fee of § 288 (5) BGB booked with this letter (businesses; 0 otherwise). */
  flatFeeCents: number;
  payBy: LocalDate;
}

/**
 * A customer notice; the mail activity adds the recipient and the customer's name. Each template
 * is a mail (`MailMessage` in src/mail/mail-templates.ts is derived from this union). Dates are
 * local dates of the contract's zone; plans are plan ids; money is integer cents.
 */
export type ContractNotice =
  | { readonly template: 'contract-started'; readonly context: { plan: PlanId; startedOn: LocalDate; trialEndsOn: LocalDate | null } }
  | {
      readonly template: 'cancellation-confirmed';
      readonly context: {
        receivedOn: LocalDate;
        /** Last day the contract is in force. */
        endsOn: LocalDate;
        /** The customer chose "cancel and delete data". */
        deleteData: boolean;
        /** A pending downgrade was dropped by this cancellation. */
        droppedPlanChange: boolean;
      };
    }
  | { readonly template: 'cancellation-revoked'; readonly context: { plan: PlanId } }
  | { readonly template: 'contract-ended'; readonly context: { /** Last day the contract was in force. */ endedOn: LocalDate; deleteData: boolean } }
  | {
      /** Sent 7 days before `paidFrom`, while the trial is not converted. */
      readonly template: 'trial-reminder';
      readonly context: {
        /** Last day of the free trial. */
        trialEndsOn: LocalDate;
        /** First day the contract would run as a regular contract (the day after `trialEndsOn`). */
        paidFrom: LocalDate;
      };
    }
  /** The customer chose a plan and a payment method during the trial. */
  | { readonly template: 'trial-converted'; readonly context: { plan: PlanId; paidFrom: LocalDate } }
  | {
      /** Upgrade (basis → plus), effective immediately. */
      readonly template: 'plan-upgraded';
      readonly context: {
        fromPlan: PlanId;
        toPlan: PlanId;
        /** Today: the first day on `toPlan`. */
        effectiveOn: LocalDate;
        /** Seats after the upgrade, an integer ≥ 1. */
        seats: number;
      };
    }
  | {
      /** A downgrade (plus → basis) is confirmed and waits for `effectiveOn`. */
      readonly template: 'plan-change-scheduled';
      readonly context: {
        fromPlan: PlanId;
        toPlan: PlanId;
        /** First day on `toPlan`; the change can be revoked until the end of the day before. */
        effectiveOn: LocalDate;
      };
    }
  /** The pending plan change was revoked; the contract stays on `plan`. */
  | { readonly template: 'plan-change-revoked'; readonly context: { plan: PlanId } }
  /** The scheduled downgrade took effect: extra users removed, conferences cancelled, 1 seat. */
  | { readonly template: 'plan-downgraded'; readonly context: { plan: PlanId; /** First day on `plan`. */ effectiveOn: LocalDate } }
  | {
      readonly template: 'contract-paused';
      readonly context: {
        /** First day of the pause. */
        pausedSince: LocalDate;
        /** Net pause fee per month, integer cents. */
        pauseFeeCents: number;
      };
    }
  | {
      /** Suspended: features read-only until the open amount is paid; ends on `endsOnUnpaid` otherwise. */
      readonly template: 'contract-suspended';
      readonly context: { suspendedSince: LocalDate; reason: SuspensionReason; /** Last day in force if nothing is paid. */ endsOnUnpaid: LocalDate };
    }
  | { readonly template: 'contract-restored'; readonly context: { /** First day with full access again. */ restoredOn: LocalDate } }
  /** Ended because the suspension ran out unpaid. */
  | { readonly template: 'contract-ended-unpaid'; readonly context: { /** Last day the contract was in force. */ endedOn: LocalDate; suspendedSince: LocalDate } }
  | { readonly template: 'contract-resumed'; readonly context: { /** First day with full access again. */ resumedOn: LocalDate; plan: PlanId } }
  | { readonly template: 'seats-changed'; readonly context: { /** New number of seats, an integer ≥ 1. */ seats: number; effectiveOn: LocalDate } }
  | {
      /** After the end of a contract without "delete data": announces the deletion of personal data. */
      readonly template: 'data-deletion-notice';
      readonly context: {
        /** Last day the contract was in force. */
        endedOn: LocalDate;
        /** Day the personal and account data is deleted. */
        deletionOn: LocalDate;
      };
    }
  | {
      /** An issued invoice, sent with its PDF (ZUGFeRD) and XRechnung attached. */
      readonly template: 'invoice-issued';
      readonly context: {
        invoiceNumber: string;
        issuedOn: LocalDate;
        dueOn: LocalDate;
        /** Gross amount in cents. */
        grossCents: number;
        paymentMethod: 'transfer' | 'sepa' | 'card' | 'prepaid';
        /** SEPA: the mandate the amount is collected under on the due date. */
        mandateReference: string | null;
      };
    }
  | {
      /** Dunning, first step (Zahlungserinnerung): a friendly e-mail about an overdue invoice, no fee. */
      readonly template: 'payment-reminder';
      readonly context: {
        invoiceNumber: string;
        issuedOn: LocalDate;
        dueOn: LocalDate;
        /** Open principal of the invoice, integer cents. */
        openCents: number;
        /** Day by which the customer is asked to pay. */
        payBy: LocalDate;
      };
    }
  | {
      /** The 1st dunning letter (1. Mahnung) went out by post; this e-mail carries it as well. */
      readonly template: 'dunning-letter-1';
      readonly context: DunningLetterMailContext;
    }
  | {
      /** The final dunning letter (letzte Mahnung) went out by post; announces the handover and, if so, the credit-bureau report. */
      readonly template: 'dunning-letter-final';
      readonly context: DunningLetterMailContext & {
        /** Day the claim goes to the collection agency if not paid by `payBy`. */
        handoverOn: LocalDate;
        /** The report to a credit bureau is announced (§ 31 (2) Nr. 4 lit. c BDSG). */
        announceCreditReport: boolean;
      };
    }
  | {
      /** The claim was handed over to the collection agency; the contract is suspended. */
      readonly template: 'collection-handover';
      readonly context: {
        /** The invoices handed over, as printed: "2027-000002, 2027-000003". */
        invoiceNumbers: string;
        /** The claim handed over (principal, fees, interest), integer cents. */
        totalCents: number;
        handedOverOn: LocalDate;
        agencyName: string;
      };
    };

/** A fact billing and operators read later (plan changes with proration, pauses, seats). */
export interface ContractFact {
  readonly type:
    | 'contract-started'
    | 'trial-converted'
    | 'plan-upgraded'
    | 'plan-change-scheduled'
    | 'plan-change-revoked'
    | 'plan-downgraded'
    | 'paused'
    | 'resumed'
    | 'seats-changed'
    | 'cancelled'
    | 'cancellation-revoked'
    | 'ended'
    | 'suspended'
    | 'restored'
    | 'personal-data-deleted';
  readonly effectiveOn: LocalDate | null;
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

/** Side effects the workflow carries out through activities, in order. */
export type ContractCommand =
  | { readonly type: 'notify'; readonly step: string; readonly notice: ContractNotice }
  | { readonly type: 'record'; readonly step: string; readonly fact: ContractFact }
  /** Remove extra users and void conference appointments (downgrade to basis took effect). */
  | { readonly type: 'apply-downgrade'; readonly step: string; readonly effectiveOn: LocalDate }
  | { readonly type: 'delete-personal-data'; readonly step: string };

export interface Decision {
  readonly state: ContractState;
  readonly commands: readonly ContractCommand[];
  /** False when the event changed nothing (e.g. a timer fired early). */
  readonly changed: boolean;
}

/** Rules that are configuration, not code. */
export interface ContractPolicy {
  readonly notice: NoticePolicies;
  /** How many days in the past an operator may date a notice received by phone or letter. */
  readonly maxBackdateDays: number;
  /** Length of a trial in days, counting the start day. */
  readonly trialDays: number;
  /** The trial reminder goes out this many days before the first day after the trial. */
  readonly trialReminderDays: number;
  /** Personal data of a contract ended without "delete data" is deleted this many days after the end. */
  readonly deleteAfterDays: number;
  /** The deletion notice goes out this many days before the deletion. */
  readonly deletionNoticeDays: number;
  /** Net pause fee per month in cents. */
  readonly pauseFeeCents: number;
  /** The workflow continues as new once its history is this long (the server also suggests it). */
  readonly maxHistoryEvents: number;
  /** A suspended contract ends after this many days without payment (absent in older runs: 90). */
  readonly suspensionDays?: number;
}

export const DEFAULT_CONTRACT_POLICY: ContractPolicy = {
  notice: DEFAULT_NOTICE_POLICIES,
  maxBackdateDays: 14,
  trialDays: 30,
  trialReminderDays: 7,
  deleteAfterDays: 120,
  deletionNoticeDays: 14,
  pauseFeeCents: DEFAULT_PAUSE_FEE,
  maxHistoryEvents: 10_000,
  suspensionDays: 90,
};

/** Days a suspension lasts before the contract ends unpaid. */
export function suspensionDaysOf(policy: ContractPolicy): number {
  return policy.suspensionDays ?? 90;
}

/** Input of a new contract. */
export interface NewContract {
  readonly id: string;
  readonly customerId: string;
  readonly customerType: CustomerType;
  readonly plan: PlanId;
  readonly seats: number;
  readonly timeZone: string;
  readonly trial: boolean;
  readonly billingMode: BillingMode;
}
