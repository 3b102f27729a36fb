/**
 * One long-running workflow per contract (`contract-<id>`). Thin: it keeps the state, asks
 * `src/domain/contract.ts` what an event means, and carries out the resulting commands
 * through activities. Deadlines are absolute instants derived from state, so they survive
 * continue-as-new. The workflow completes once the contract's personal data is deleted and
 * no step waits for an operator.
 *
 * A step that fails for good (non-retryable, or its bounded retries exhausted) never fails the
 * workflow: it becomes an attention item (state, search attribute `NeedsAttention`, database),
 * every deadline stays armed, and the `retryStep` update runs it again (docs/attention.md).
 */
import type { UpdateDefinition } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AccountActivities } from '../activities/account.activity';
import type { AttentionActivities } from '../activities/attention.activity';
import type { BillingActivities } from '../activities/billing.activity';
import type { InvoiceDeliveryActivities } from '../activities/invoice-delivery.types';
import type { ContractActivities } from '../activities/contract-activities';
import type { ActivityConcern, ActivityQueues } from '../src/temporal/activity-queues';
import { ACTIVITY_HEARTBEAT_TIMEOUT } from '../src/temporal/heartbeat-timeout';
import type { PaymentActivities } from '../activities/payments.types';
import type { DunningActivities } from '../activities/dunning.types';
import type { RetentionActivities, RetentionStatus } from '../activities/retention.activity';
import { destructionDayOf } from '../src/domain/retention-plan';
import type { DunningCommand, DunningState } from '../src/domain/dunning-run';
import {
  contractDunningLevel,
  disputeChanged,
  dueDunning,
  handedOverAll,
  dunningStarted,
  INITIAL_DUNNING,
  nextDunningAt,
  onReceivables,
} from '../src/domain/dunning-run';
import type { DunningLadder } from '../src/domain/dunning';
import { dunningStep } from '../src/domain/dunning';
import type { ReceivablesSnapshot } from '../src/domain/ledger';
import { newerReceivables, openAmountOf } from '../src/domain/ledger';
import type { IssuedInvoiceFacts, PaymentCommand, PaymentsState } from '../src/domain/receivables';
import { afterInvoiceIssued, dueSepaCollections, eventForFailedCharge, eventForReceivables, INITIAL_PAYMENTS, nextSepaCollectionAt } from '../src/domain/receivables';
import type { AttentionItem, StepCommand } from '../src/domain/attention';
import { MIRROR_STEP, raiseAttention, resolveAttention } from '../src/domain/attention';
import type { BillingCommand, BillingPolicy, BillingState } from '../src/domain/billing-run';
import {
  billingOffsetMinutes,
  buildInvoiceDraft,
  DEFAULT_BILLING_POLICY,
  INITIAL_BILLING,
  issueInvoiceCommand,
  nextBillingRunAt,
  nextBillingRunOn,
  runBilling,
  trackContractChange,
} from '../src/domain/billing-run';
import { localDateOf } from '../src/domain/calendar';
import type { ContractEvent, ContractPolicy, ContractState, NewContract } from '../src/domain/contract';
import { decide, DEFAULT_CONTRACT_POLICY, describeNextDeadline, nextDeadline, startContract } from '../src/domain/contract';
import { startOfLocalDay } from '../src/domain/calendar';
import { DomainError } from '../src/domain/errors';
import type { CancelRequest } from './messages';
import {
  cancelUpdate,
  changePlanUpdate,
  changeSeatsUpdate,
  convertTrialUpdate,
  pauseUpdate,
  resumeUpdate,
  revokeCancellationUpdate,
  retryStepUpdate,
  revokePlanChangeUpdate,
  attentionQuery,
  billingQuery,
  chargeFailedSignal,
  disputeUpdate,
  ledgerChangedSignal,
  legalHoldUpdate,
  paymentsQuery,
  settledQuery,
  stateQuery,
} from './messages';
import { ATTENTION_RETRY, DATABASE_RETRY, MAIL_RETRY } from './retry-policies';
import {
  AttentionStepsKey,
  CancellationPendingKey,
  ContractStatusKey,
  CustomerIdKey,
  DunningLevelKey,
  EndsOnKey,
  NeedsAttentionKey,
  OpenAmountKey,
  PendingPlanChangeKey,
  PlanKey,
  TrialEndsOnKey,
} from './search-attributes';

const db = proxyActivities<Pick<ContractActivities, 'saveContract' | 'recordFact'> & AccountActivities>({
  startToCloseTimeout: '30s',
  retry: DATABASE_RETRY,
});
const attentionLog = proxyActivities<AttentionActivities>({ startToCloseTimeout: '30s', retry: ATTENTION_RETRY });
const billingDb = proxyActivities<BillingActivities>({ startToCloseTimeout: '30s', retry: DATABASE_RETRY });
// SEPA bookings: retried like mail (they queue on the contract lock under load).
const sepaSteps = proxyActivities<Pick<PaymentActivities, 'collectSepaDebit'>>({ startToCloseTimeout: '1m', retry: MAIL_RETRY });
// Starting dunning and mirroring a dispute are database writes.
const dunningDb = proxyActivities<Pick<DunningActivities, 'startDunning' | 'recordDispute'>>({ startToCloseTimeout: '5m', retry: MAIL_RETRY });

/**
 * Activities with limits of their own run on their concern's task queue
 * (src/temporal/activity-queues.ts); a workflow started without queues (before the split, or in
 * tests) runs them on its own queue.
 */
function routedActivities(queues: ActivityQueues | undefined) {
  // Heartbeats (sent by the worker while an activity runs): a worker that dies mid-way is noticed
  // after the heartbeat timeout, not after the whole start-to-close timeout.
  const on = (concern: ActivityConcern) => ({ heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT, ...(queues ? { taskQueue: queues[concern] } : {}) });
  return {
    mail: proxyActivities<Pick<ContractActivities, 'notifyCustomer'>>({ startToCloseTimeout: '2m', retry: MAIL_RETRY, ...on('mail') }),
    // Rendering documents and talking to SMTP or the print partner takes longer than a database write.
    invoiceDelivery: proxyActivities<InvoiceDeliveryActivities>({ startToCloseTimeout: '5m', retry: MAIL_RETRY, ...on('documents') }),
    // A dunning step books, renders a letter and hands it to the print partner and SMTP.
    dunningLetters: proxyActivities<Pick<DunningActivities, 'runDunningStep'>>({ startToCloseTimeout: '5m', retry: MAIL_RETRY, ...on('documents') }),
    // PSP calls and agency reports: retried like mail (a partner may be down for a while).
    psp: proxyActivities<Pick<PaymentActivities, 'chargeInvoice' | 'topUpPrepaid'>>({ startToCloseTimeout: '1m', retry: MAIL_RETRY, ...on('partners') }),
    agency: proxyActivities<Pick<DunningActivities, 'reportCollectionPayments'>>({ startToCloseTimeout: '5m', retry: MAIL_RETRY, ...on('partners') }),
  };
}
type RoutedActivities = ReturnType<typeof routedActivities>;
// Destruction deletes rows, documents and print copies in batches.
const retention = proxyActivities<RetentionActivities>({ startToCloseTimeout: '5m', heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT, retry: DATABASE_RETRY });

/** Input of a new contract workflow, or of its continuation after continue-as-new. */
export type ContractWorkflowInput =
  | {
      readonly kind: 'new';
      readonly contract: NewContract;
      /** ISO instant the API accepted the request: the start date counts from it. */
      readonly requestedAt: string;
      readonly policy?: ContractPolicy;
      readonly searchAttributes?: boolean;
      /** Minutes the invoice runs of one day are spread over (config BILLING_SPREAD_MINUTES). */
      readonly billingSpreadMinutes?: number;
      /** Task queues of mail, documents and partner activities (absent: the workflow's own queue). */
      readonly activityQueues?: ActivityQueues;
    }
  | {
      readonly kind: 'continued';
      readonly state: ContractState;
      readonly outbox: readonly StepCommand[];
      readonly policy: ContractPolicy;
      readonly searchAttributes: boolean;
      readonly billing?: BillingState;
      readonly billingSpreadMinutes?: number;
      /** Steps waiting for an operator (absent in runs continued before attention items existed). */
      readonly attention?: readonly AttentionItem[];
      /** The money side (absent in runs continued before payments existed). */
      readonly payments?: PaymentsState;
      readonly activityQueues?: ActivityQueues;
    };

/** Runs a contract from creation until its personal data is deleted. Returns the final state. */
export async function contractWorkflow(input: ContractWorkflowInput): Promise<ContractState> {
  const policy = input.policy ?? DEFAULT_CONTRACT_POLICY;
  // Search attributes are off only where the server does not know them (time-skipping test server).
  const withSearchAttributes = input.searchAttributes ?? true;
  const billingPolicy: BillingPolicy = { ...DEFAULT_BILLING_POLICY, spreadMinutes: input.billingSpreadMinutes ?? DEFAULT_BILLING_POLICY.spreadMinutes };
  const routed = routedActivities(input.activityQueues);
  const outbox: StepCommand[] = [];
  let state: ContractState;
  let attention: AttentionItem[] = input.kind === 'continued' ? [...(input.attention ?? [])] : [];
  let billing: BillingState = input.kind === 'continued' ? (input.billing ?? INITIAL_BILLING) : INITIAL_BILLING;
  let payments: PaymentsState = input.kind === 'continued' ? (input.payments ?? INITIAL_PAYMENTS) : INITIAL_PAYMENTS;
  let dunning: DunningState = payments.dunning ?? INITIAL_DUNNING;
  /** Bumped when a signal or update moves a deadline (a payment, a chargeback, a hold): the timer is re-armed. */
  let deadlinesMoved = 0;
  if (input.kind === 'new') {
    const started = startContract(input.contract, new Date(input.requestedAt), policy);
    state = started.state;
    outbox.push(...started.commands);
  } else {
    state = input.state;
    outbox.push(...input.outbox);
  }
  let sending = false;
  /** Retention phase: the instant of the next destruction, and whether a retention step is running. */
  let retentionWakeAt: Date | null = null;

  /** The input of the next run after continue-as-new: everything this run knows. */
  const continuation = (pending: readonly StepCommand[]): ContractWorkflowInput => ({
    kind: 'continued',
    state,
    outbox: pending,
    policy,
    searchAttributes: withSearchAttributes,
    attention,
    billing,
    billingSpreadMinutes: billingPolicy.spreadMinutes,
    payments: { ...payments, dunning },
    activityQueues: input.activityQueues,
  });

  const publish = (): void => {
    // Shown in the Temporal UI as the workflow's current details.
    setCurrentDetails(currentDetails(state, attention, policy));
    if (!withSearchAttributes) return;
    upsertSearchAttributes([
      { key: ContractStatusKey, value: state.status },
      { key: PlanKey, value: state.plan },
      { key: CustomerIdKey, value: state.customerId },
      { key: EndsOnKey, value: state.cancellation?.endsOn ?? state.endedOn ?? null },
      { key: PendingPlanChangeKey, value: state.pendingPlanChange?.plan ?? null },
      { key: TrialEndsOnKey, value: state.status === 'trial' ? state.trialEndsOn : null },
      { key: CancellationPendingKey, value: state.cancellation !== null && state.status !== 'ended' },
      { key: NeedsAttentionKey, value: attention.length > 0 },
      { key: AttentionStepsKey, value: attention.length > 0 ? attention.map((item) => item.step) : null },
      { key: OpenAmountKey, value: openAmountOf(payments.receivables) },
      { key: DunningLevelKey, value: contractDunningLevel(dunning, payments.receivables) },
    ]);
  };
  /**
   * Runs one side effect. A failure for good becomes an attention item (and a log line with the
   * contract id); a later success of the same step resolves it. Returns whether it succeeded.
   */
  const runStep = async (step: string, command: StepCommand | null, effect: () => Promise<unknown>): Promise<boolean> => {
    try {
      await effect();
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      attention = raiseAttention(attention, step, command, describeFailure(error), new Date());
      publish();
      const item = attention.find((i) => i.step === step) as AttentionItem;
      log.warn('contract step failed for good; waiting for an operator', { contractId: state.id, step, kind: item.kind, error: item.error });
      await logAttention(() => attentionLog.raiseAttention({ contractId: state.id, step, kind: item.kind, error: item.error, since: item.since, attempts: item.attempts }));
      return false;
    }
    if (attention.some((i) => i.step === step)) {
      attention = resolveAttention(attention, step);
      publish();
      log.info('contract step succeeded on retry', { contractId: state.id, step });
      await logAttention(() => attentionLog.resolveAttention({ contractId: state.id, step, resolvedAt: new Date().toISOString() }));
    }
    return true;
  };
  const logAttention = async (write: () => Promise<void>): Promise<void> => {
    try {
      await write();
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      // The workflow state and the NeedsAttention search attribute still carry the item.
      log.error('could not record the attention item in the database', { contractId: state.id, error: describeFailure(error) });
    }
  };
  /** Mirrors the state into the database; a failure is an attention item, never an update or workflow failure. */
  const persist = (): Promise<boolean> => runStep(MIRROR_STEP, null, () => db.saveContract(state));
  /** Applies an event; domain errors become update failures with the error code as type. */
  const apply = (event: ContractEvent): boolean => {
    const now = new Date();
    const decision = asFailure(() => decide(state, event, now, policy));
    // An invoice run whose time has come bills the contract as it was then: a command that
    // arrives before the workflow got to the run (a pause minutes after the start) is charged
    // on the next invoice, never folded into this one.
    if (decision.changed && event.type !== 'deadline-reached' && patched(BILL_DUE_RUNS_BEFORE_CHANGES)) queueDueBillingRuns();
    if (!decision.changed) return false;
    // Billing charges what the change adds to the period already billed (billing-run.ts).
    billing = trackContractChange(billing, state, decision.state, localDateOf(now, state.timeZone), billingPolicy);
    state = decision.state;
    outbox.push(...decision.commands);
    publish();
    return true;
  };
  /** Registers a customer command: the validator runs the rules without changing anything. */
  const command = <Args extends unknown[]>(update: UpdateDefinition<ContractState, Args>, toEvent: (...args: Args) => ContractEvent): void => {
    setHandler(
      update,
      async (...args: Args) => {
        const changed = apply(toEvent(...args));
        // The state this command left, even if another update changes it while the mirror is written.
        const after = state;
        if (changed) await persist();
        return after;
      },
      { validator: (...args: Args) => void asFailure(() => decide(state, toEvent(...args), new Date(), policy)) },
    );
  };

  setHandler(stateQuery, () => state);
  setHandler(attentionQuery, () => attention);
  setHandler(billingQuery, () => billing);
  setHandler(paymentsQuery, () => ({ ...payments, dunning }));
  /** A newer account snapshot; a suspended contract whose claims are paid is restored. */
  const receive = async (snapshot: ReceivablesSnapshot): Promise<void> => {
    const before = payments.receivables;
    payments = { ...payments, receivables: newerReceivables(before, snapshot) };
    if (payments.receivables === before) return;
    // A chargeback or return booked after the ladder started restarts it from the first step.
    dunning = onReceivables(dunning, payments.receivables);
    deadlinesMoved += 1;
    // A payment after the handover goes to the collection agency too.
    if (dunning.invoices.some((d) => d.handedOver) && payments.receivables.balanceCents < before.balanceCents) {
      outbox.push({ type: 'report-collection-payments', step: `agency-payments/${payments.receivables.version}` });
    }
    // A dunning step that waits for an operator is moot once its invoice is paid.
    const open = new Set(payments.receivables.openInvoices.map((i) => i.invoiceId));
    const moot = attention.filter((i) => (i.command?.type === 'dunning-step' || i.command?.type === 'start-dunning') && !open.has(i.command.invoiceId));
    for (const item of moot) {
      attention = resolveAttention(attention, item.step);
      log.info('dunning step no longer needed: the invoice is paid', { contractId: state.id, step: item.step });
      await logAttention(() => attentionLog.resolveAttention({ contractId: state.id, step: item.step, resolvedAt: new Date().toISOString() }));
    }
    publish();
    const event = eventForReceivables(state, payments.receivables);
    if (event && apply(event)) await persist();
  };
  /** A card charge failed (or none could be made): a prepaid contract is suspended. */
  const chargeFailed = async (reason: string): Promise<void> => {
    log.warn('card charge failed', { contractId: state.id, reason, billingMode: state.billingMode });
    const event = eventForFailedCharge(state.billingMode);
    if (event && apply(event)) await persist();
  };
  setHandler(ledgerChangedSignal, receive);
  setHandler(
    disputeUpdate,
    async (request) => {
      const today = localDateOf(new Date(), state.timeZone);
      dunning = disputeChanged(dunning, request.invoiceId, request.onHold, today);
      deadlinesMoved += 1;
      publish();
      const result = disputeResultOf(request.invoiceId);
      log.info(request.onHold ? 'dunning on hold (dispute)' : 'dunning hold lifted', { contractId: state.id, invoiceId: request.invoiceId, reason: request.reason });
      // The hold is the workflow's state; the invoice row mirrors it for the API (a failed mirror is logged).
      await logAttention(() =>
        dunningDb.recordDispute({ invoiceId: request.invoiceId, onHold: request.onHold, reason: request.reason, at: new Date().toISOString(), nextStepOn: result.nextStepOn }),
      );
      return result;
    },
    {
      validator: (request) => {
        if (!dunning.invoices.some((d) => d.invoiceId === request.invoiceId)) {
          throw ApplicationFailure.create({ type: 'INVOICE_NOT_IN_DUNNING', message: `Invoice ${request.invoiceId} is not overdue: there is no dunning to hold.`, nonRetryable: true });
        }
      },
    },
  );
  setHandler(
    legalHoldUpdate,
    async (request) => {
      const held = await retention.setLegalHold({ invoiceId: request.invoiceId, hold: request.hold, reason: request.reason, at: new Date().toISOString() });
      log.info(request.hold ? 'legal hold placed' : 'legal hold lifted', { contractId: state.id, invoiceId: request.invoiceId });
      // A lifted hold may release records already past their retention: the retention phase looks again.
      deadlinesMoved += 1;
      return { invoiceId: held.invoiceId, hold: held.hold };
    },
    {
      validator: (request) => {
        if (request.hold && !request.reason?.trim()) {
          throw ApplicationFailure.create({ type: 'VALIDATION_FAILED', message: 'A legal hold needs a reason.', nonRetryable: true });
        }
      },
    },
  );
  /** An invoice's dunning as the API shows it. */
  const disputeResultOf = (invoiceId: string) => {
    const d = dunning.invoices.find((i) => i.invoiceId === invoiceId) as DunningState['invoices'][number];
    const open = payments.receivables.openInvoices.find((i) => i.invoiceId === invoiceId);
    const decision = dunningStep(d, open?.claimCents ?? 0, localDateOf(new Date(), state.timeZone));
    return { invoiceId, onHold: d.holds.some((h) => h.liftedOn === null), level: d.level, nextStepOn: decision.kind === 'wait' || decision.kind === 'run' ? decision.dueOn : null };
  };
  setHandler(chargeFailedSignal, (failed) => chargeFailed(failed.reason));
  const hooks: CarryOutHooks = {
    issued: (facts, step) => {
      const after = afterInvoiceIssued(payments, facts, step);
      payments = after.payments;
      publish();
      return after.commands;
    },
    receive,
    chargeFailed,
    dunningStarted: (command, ladder) => {
      dunning = dunningStarted(dunning, command, ladder);
      publish();
    },
    handedOver: async (ladder) => {
      dunning = handedOverAll(dunning, payments.receivables, ladder);
      publish();
      if (apply({ type: 'suspend', reason: 'collection' })) await persist();
    },
  };
  setHandler(
    retryStepUpdate,
    async (step: string) => {
      const item = attention.find((i) => i.step === step) as AttentionItem;
      log.info('operator retries a step', { contractId: state.id, step });
      if (item.command === null) {
        await persist(); // the mirror saves the current state
        return { step, queued: false };
      }
      if (!outbox.some((c) => c.step === step)) outbox.push(item.command);
      return { step, queued: true };
    },
    {
      validator: (step: string) => {
        if (!attention.some((i) => i.step === step)) {
          throw ApplicationFailure.create({ type: 'NO_SUCH_ATTENTION_ITEM', message: `No step ${step} waits for a retry.`, nonRetryable: true });
        }
      },
    },
  );
  setHandler(settledQuery, () => {
    const deadline = state.dataDeleted && attention.length === 0 ? retentionWakeAt : nextWake();
    return {
      settled: outbox.length === 0 && !sending && allHandlersFinished() && (!deadline || deadline.getTime() > Date.now()),
      revision: state.revision,
      nextDeadline: deadline?.toISOString() ?? null,
    };
  });
  command(cancelUpdate, (request: CancelRequest) => ({
    type: 'cancel',
    receivedAt: request.receivedAt ? new Date(request.receivedAt) : new Date(),
    deleteData: request.deleteData,
    channel: request.channel,
    reason: request.reason,
  }));
  command(revokeCancellationUpdate, () => ({ type: 'revoke-cancellation' }));
  command(changePlanUpdate, (request) => ({ type: 'change-plan', plan: request.plan, acceptTerms: request.acceptTerms }));
  command(revokePlanChangeUpdate, () => ({ type: 'revoke-plan-change' }));
  command(convertTrialUpdate, (request) => ({ type: 'convert-trial', plan: request.plan, paymentMethod: request.paymentMethod }));
  command(pauseUpdate, () => ({ type: 'pause' }));
  command(resumeUpdate, () => ({ type: 'resume' }));
  command(changeSeatsUpdate, (request) => ({ type: 'change-seats', seats: request.seats, userCount: request.userCount }));

  /** What the next wake-up is for, in words ("contract end on 2027-06-30", "invoice run on 2027-02-01"). */
  function wakeSummary(): string {
    const contractDeadline = nextDeadline(state, policy);
    const run = nextBillingRunAt(billing, state, billingPolicy);
    const sepa = nextSepaCollectionAt(payments, state, billingOffsetMinutes(state.id, billingPolicy));
    const dunningAt = nextDunningAt(dunning, payments.receivables, state, billingOffsetMinutes(state.id, billingPolicy), localDateOf(new Date(), state.timeZone));
    if (dunningAt && [contractDeadline, run, sepa].every((d) => !d || dunningAt.getTime() < d.getTime())) return `dunning step at ${dunningAt.toISOString()}`;
    if (sepa && (!contractDeadline || sepa.getTime() < contractDeadline.getTime()) && (!run || sepa.getTime() < run.getTime())) return `SEPA collection at ${sepa.toISOString()}`;
    if (run && (!contractDeadline || run.getTime() < contractDeadline.getTime())) return `invoice run on ${nextBillingRunOn(billing, state) ?? '?'}`;
    return describeNextDeadline(state, policy) ?? 'next deadline';
  }
  /** The next instant something is due: a contract deadline or the next invoice run. */
  function nextWake(): Date | null {
    const candidates = [
      nextDeadline(state, policy),
      nextBillingRunAt(billing, state, billingPolicy),
      nextSepaCollectionAt(payments, state, billingOffsetMinutes(state.id, billingPolicy)),
      nextDunningAt(dunning, payments.receivables, state, billingOffsetMinutes(state.id, billingPolicy), localDateOf(new Date(), state.timeZone)),
    ].filter((d): d is Date => d !== null);
    return candidates.length > 0 ? new Date(Math.min(...candidates.map((d) => d.getTime()))) : null;
  }
  /**
   * Queues every invoice run that is due: its time has come, or personal data is about to be
   * deleted on or after its day (the final invoice must be issued while name and address exist).
   */
  const queueDueBillingRuns = (): void => {
    for (;;) {
      const on = nextBillingRunOn(billing, state);
      const at = nextBillingRunAt(billing, state, billingPolicy);
      if (!on || !at) return;
      const deletion = outbox.findIndex((c) => c.type === 'delete-personal-data');
      const due = at.getTime() <= Date.now() || (deletion >= 0 && on <= localDateOf(new Date(), state.timeZone));
      if (!due) return;
      const result = runBilling(billing, state, on, billingPolicy);
      billing = result.billing;
      const command = issueInvoiceCommand(result.run);
      if (deletion >= 0) outbox.splice(deletion, 0, command);
      else outbox.push(command);
    }
  };

  publish();
  await persist();
  let overdueRounds = 0;
  for (;;) {
    // Side effects go out in order, one at a time; each carries `<workflowId>/<step>` as its idempotency key.
    sending = true;
    while (outbox.length > 0) {
      const next = outbox[0];
      let followUps: StepCommand[] = [];
      await runStep(next.step, next, async () => {
        followUps = await carryOut(next, state, billingPolicy, hooks, routed);
      });
      outbox.shift();
      outbox.unshift(...followUps);
    }
    sending = false;
    // Personal data deleted and nothing left for an operator: what is left are the tax records.
    if (state.dataDeleted && attention.length === 0) break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > policy.maxHistoryEvents) {
      // Drain updates in flight first; then the new run starts with the same state and timers.
      await condition(allHandlersFinished);
      if (outbox.length === 0) {
        await continueAsNew<typeof contractWorkflow>(continuation(outbox));
      }
      continue;
    }
    const revision = state.revision;
    const openItems = attention.length;
    const moved = deadlinesMoved;
    const deadline = nextWake();
    const wake = () => outbox.length > 0 || state.revision !== revision || attention.length !== openItems || deadlinesMoved !== moved;
    // A deadline already due (a start-day invoice run, a run missed while the worker was down) is
    // handled at once, without a timer; the guard keeps a deadline that nothing clears from spinning.
    const overdue = deadline !== null && deadline.getTime() <= Date.now() && overdueRounds < 2;
    overdueRounds = overdue ? overdueRounds + 1 : 0;
    const woken = overdue
      ? false
      : deadline
        ? await condition(wake, Math.max(1, deadline.getTime() - Date.now()), { summary: `waits for the ${wakeSummary()}` })
        : (await condition(wake), true);
    if (!woken) {
      if (apply({ type: 'deadline-reached' })) await persist();
      queueDueBillingRuns();
      const collections = dueSepaCollections(payments, state, billingOffsetMinutes(state.id, billingPolicy), new Date());
      payments = collections.payments;
      outbox.push(...collections.commands);
      const today = localDateOf(new Date(), state.timeZone);
      const dunningDue = dueDunning(dunning, payments.receivables, state, billingOffsetMinutes(state.id, billingPolicy), new Date(), today);
      dunning = dunningDue.state;
      outbox.push(...dunningDue.commands);
    }
  }
  await keepRecordsUntilRetentionEnds();
  await condition(allHandlersFinished);
  return state;

  /**
   * The retention phase (docs/retention.md): sleep until the next `retainUntil` has passed,
   * destroy what is due, and complete when nothing of the contract is left. A legal hold keeps
   * its records (and this workflow) until it is lifted. One timer per retention date, so a
   * decade of retention is a handful of history events.
   */
  async function keepRecordsUntilRetentionEnds(): Promise<void> {
    sending = true;
    let status: RetentionStatus = await untilItWorks(() => retention.retentionStatus.executeWithOptions({ summary: 'what is left to keep' }, [{ contractId: state.id }]));
    while (status.remaining > 0 || status.held > 0) {
      // Each wait of the retention phase starts in a fresh run once the run is older than
      // RETENTION_RUN_MAX_MS: histories stay small, and no run outlives a server's maximum run
      // length (the time-skipping server ends executions after 10 years).
      if (Date.now() - workflowInfo().runStartTime.getTime() > RETENTION_RUN_MAX_MS) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof contractWorkflow>(continuation([]));
      }
      const moved = deadlinesMoved;
      if (status.nextRetainUntil) {
        const day = destructionDayOf(status.nextRetainUntil);
        const at = new Date(startOfLocalDay(day, state.timeZone).getTime() + billingOffsetMinutes(state.id, billingPolicy) * 60_000);
        if (at.getTime() > Date.now()) {
          retentionWakeAt = at;
          sending = false;
          const woken = await condition(() => deadlinesMoved !== moved, at.getTime() - Date.now(), { summary: `records kept until ${status.nextRetainUntil}: destroy on ${day}` });
          sending = true;
          retentionWakeAt = null;
          if (woken) {
            // A hold placed or lifted: look again what is left and when.
            status = await untilItWorks(() => retention.retentionStatus.executeWithOptions({ summary: 'what is left to keep' }, [{ contractId: state.id }]));
            continue;
          }
        }
      } else {
        // Only records under legal hold are left: wait for the hold to be lifted.
        sending = false;
        await condition(() => deadlinesMoved !== moved, { summary: `${status.held} record(s) under legal hold` });
        sending = true;
      }
      const today = localDateOf(new Date(), state.timeZone);
      const result = await untilItWorks(() =>
        retention.destroyDueRecords.executeWithOptions({ summary: `destroy records due by ${today}` }, [
          { contractId: state.id, today, idempotencyKey: `${workflowInfo().workflowId}/retention/${today}` },
        ]),
      );
      if (result.destroyed.length > 0) log.info('records destroyed after their retention', { contractId: state.id, destroyed: result.destroyed, remaining: result.remaining, held: result.held });
      status = result;
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > policy.maxHistoryEvents) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof contractWorkflow>(continuation([]));
      }
    }
    sending = false;
    log.info('every record of the contract is destroyed: the workflow completes', { contractId: state.id });
  }

  /** A retention step that failed for good is an attention item and is tried again the next day (or on an operator's retry). */
  async function untilItWorks<T>(step: () => Promise<T>): Promise<T> {
    for (;;) {
      let result: T | undefined;
      const done = await runStep(RETENTION_STEP, null, async () => {
        result = await step();
      });
      if (done) return result as T;
      const moved = deadlinesMoved;
      await condition(() => deadlinesMoved !== moved || !attention.some((i) => i.step === RETENTION_STEP), 24 * 60 * 60_000, { summary: 'retention step failed: tried again tomorrow' });
    }
  }
}

/** Patch id: due invoice runs are queued before a customer command changes the contract (replay of older histories). */
const BILL_DUE_RUNS_BEFORE_CHANGES = 'bill-due-runs-before-changes';

/** A retention-phase run older than this continues as new before its next wait. */
const RETENTION_RUN_MAX_MS = 180 * 24 * 60 * 60_000;

/** Step name of the retention phase's activities in attention items. */
const RETENTION_STEP = 'retention';

/** What carrying out a command tells the workflow about the money side. */
interface CarryOutHooks {
  /** An invoice was issued: the payment commands that follow from it. */
  issued(facts: IssuedInvoiceFacts, step: string): PaymentCommand[];
  receive(snapshot: ReceivablesSnapshot): Promise<void>;
  chargeFailed(reason: string): Promise<void>;
  dunningStarted(command: Extract<DunningCommand, { type: 'start-dunning' }>, ladder: DunningLadder): void;
  /** Every open claim went to the collection agency: no more dunning for them; the contract is suspended. */
  handedOver(ladder: DunningLadder): Promise<void>;
}

/** Carries out one command; returns the commands that follow from it (an issued invoice is delivered next). */
async function carryOut(command: StepCommand, state: ContractState, billingPolicy: BillingPolicy, hooks: CarryOutHooks, routed: RoutedActivities): Promise<StepCommand[]> {
  const idempotencyKey = `${workflowInfo().workflowId}/${command.step}`;
  switch (command.type) {
    case 'issue-invoice':
      return issueInvoice(command, state, idempotencyKey, billingPolicy, hooks);
    case 'charge-card':
    case 'top-up': {
      const activity = command.type === 'charge-card' ? routed.psp.chargeInvoice : routed.psp.topUpPrepaid;
      const outcome = await activity.executeWithOptions({ summary: `${command.type === 'charge-card' ? 'charge' : 'prepaid top-up for'} invoice ${command.number}` }, [
        { idempotencyKey, contractId: state.id, invoiceId: command.invoiceId },
      ]);
      if (!outcome.charged) {
        await hooks.receive(outcome.receivables);
        // Nothing open any more is no failure; no card or a declined card is.
        if (outcome.reason !== 'NOTHING_OPEN') await hooks.chargeFailed(outcome.reason);
      }
      return [];
    }
    case 'report-collection-payments':
      await routed.agency.reportCollectionPayments.executeWithOptions({ summary: 'report payments to the collection agency' }, [{ contractId: state.id }]);
      return [];
    case 'start-dunning': {
      const started = await dunningDb.startDunning.executeWithOptions({ summary: `invoice ${command.number} is overdue: start dunning` }, [
        { idempotencyKey, contractId: state.id, invoiceId: command.invoiceId, startedOn: command.startedOn },
      ]);
      hooks.dunningStarted(command, started.ladder);
      return [];
    }
    case 'dunning-step': {
      const result = await routed.dunningLetters.runDunningStep.executeWithOptions({ summary: `${command.ladderStep.step} for invoice ${command.number} (${command.runOn})` }, [
        {
          idempotencyKey,
          contractId: state.id,
          invoiceId: command.invoiceId,
          ladderStep: command.ladderStep,
          round: command.round,
          runOn: command.runOn,
          nextStepOn: command.nextStepOn,
          earlier: command.earlier,
          disputed: command.disputed,
        },
      ]);
      await hooks.receive(result.receivables);
      if (result.handover) await hooks.handedOver(command.ladder);
      return [];
    }
    case 'collect-sepa': {
      const outcome = await sepaSteps.collectSepaDebit.executeWithOptions({ summary: `collect the SEPA debit of invoice ${command.number}` }, [
        { idempotencyKey, contractId: state.id, invoiceId: command.invoiceId, bookedOn: command.dueOn },
      ]);
      await hooks.receive(outcome.receivables);
      return [];
    }
    case 'deliver-invoice':
      await routed.invoiceDelivery.deliverInvoice.executeWithOptions({ summary: `deliver invoice ${command.number}` }, [{ idempotencyKey, invoiceId: command.invoiceId }]);
      return [];
    case 'notify':
      await routed.mail.notifyCustomer.executeWithOptions({ summary: `mail ${command.notice.template} (${command.step})` }, [
        { idempotencyKey, contractId: state.id, notice: command.notice },
      ]);
      return [];
    case 'record':
      await db.recordFact.executeWithOptions({ summary: `fact ${command.fact.type} (${command.step})` }, [
        { idempotencyKey, contractId: state.id, fact: command.fact, occurredAt: new Date().toISOString() },
      ]);
      return [];
    case 'apply-downgrade':
      // Only conferences from the switch on are voided; those held under plus stay as they were.
      await db.applyDowngrade.executeWithOptions({ summary: `downgrade takes effect on ${command.effectiveOn}` }, [
        { contractId: state.id, effectiveAt: startOfLocalDay(command.effectiveOn, state.timeZone).toISOString() },
      ]);
      return [];
    case 'delete-personal-data':
      await db.deletePersonalData.executeWithOptions({ summary: 'delete personal and account data' }, [
        { contractId: state.id, deletedAt: new Date().toISOString() },
      ]);
      return [];
  }
}

/** One invoice run: read usage and tax profile, let the domain compute the invoice, issue it (once). */
async function issueInvoice(
  command: Extract<BillingCommand, { type: 'issue-invoice' }>,
  state: ContractState,
  idempotencyKey: string,
  billingPolicy: BillingPolicy,
  hooks: CarryOutHooks,
): Promise<StepCommand[]> {
  const { run } = command;
  const usageThrough = run.usagePeriod?.to ?? null;
  const inputs = await billingDb.prepareInvoiceRun.executeWithOptions({ summary: `invoice run ${run.runOn}: usage and tax profile` }, [{ contractId: state.id, usageThrough }]);
  const draft = buildInvoiceDraft(run, inputs.usage, inputs.tax, billingPolicy);
  if (!draft) {
    log.info('invoice run: the total is zero, no invoice is issued', { contractId: state.id, runOn: run.runOn });
    return [];
  }
  const issued = await billingDb.issueInvoice.executeWithOptions({ summary: `issue the invoice of ${run.runOn}` }, [
    { idempotencyKey, contractId: state.id, draft, usageAsOf: inputs.usageAsOf, usageThrough },
  ]);
  log.info('invoice issued', { contractId: state.id, number: issued.number, grossCents: draft.grossCents, created: issued.created });
  const payment = hooks.issued(issued, command.step);
  return [{ type: 'deliver-invoice', step: `${command.step}/delivery`, invoiceId: issued.invoiceId, number: issued.number }, ...payment];
}

/** `<type>: <message>` of an activity failure's cause (the activity's ApplicationFailure, a timeout, …). */
function describeFailure(error: ActivityFailure): string {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause ? `${cause.name}: ${cause.message}` : error.message;
}

/** The workflow's current details in the Temporal UI: status, next deadline, open attention items. */
function currentDetails(state: ContractState, attention: readonly AttentionItem[], policy: ContractPolicy): string {
  const lines = [`**${state.status}** · plan ${state.plan} · ${state.seats} seat(s)`];
  const next = describeNextDeadline(state, policy);
  lines.push(next ? `waits for the ${next}` : state.dataDeleted ? 'personal data deleted' : 'no deadline ahead');
  for (const item of attention) lines.push(`needs attention: ${item.step} (${item.kind}) since ${item.since}: ${item.error}`);
  return lines.join('\n');
}

/** Runs a domain decision; a DomainError becomes a non-retryable ApplicationFailure typed by its code. */
function asFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DomainError) {
      throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
    }
    throw error;
  }
}
