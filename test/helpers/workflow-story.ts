/**
 * A world for contract workflow stories on Temporal's time-skipping server: one worker with
 * in-memory recording activities, a clock in Berlin wall time, and "skip, then settle".
 * NOTE: `handle.result()` is avoided: it unlocks time skipping, and the idle test server then
 * jumps years ahead; stories query state instead.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { AccountActivities } from '../../activities/account.activity';
import type { AttentionActivities, RaiseAttentionInput } from '../../activities/attention.activity';
import type { BillingActivities, IssuedInvoice, IssueInvoiceInput, PrepareInvoiceRunInput } from '../../activities/billing.activity';
import type { ChargeInput, ChargeOutcome, CollectSepaInput, CollectSepaOutcome, PaymentActivities } from '../../activities/payments.types';
import type { ReceivablesSnapshot } from '../../src/domain/ledger';
import type { DunningActivities, RecordDisputeInput, RunDunningStepInput, RunDunningStepResult, StartDunningInput, StartDunningResult } from '../../activities/dunning.types';
import { DEFAULT_DUNNING_LADDER } from '../../src/domain/dunning';
import type { DestroyDueRecordsInput, DestroyDueRecordsResult, LegalHoldState, RetentionActivities, RetentionStatus, SetLegalHoldInput } from '../../activities/retention.activity';
import type { DeliverInvoiceInput, InvoiceDeliveryActivities } from '../../activities/invoice-delivery.types';
import type { TaxProfile } from '../../src/domain/vat';
import type { ContractActivities, NotifyCustomerInput, RecordFactInput } from '../../activities/contract-activities';
import { startOfLocalDay } from '../../src/domain/calendar';
import type { ContractPolicy, ContractState, NewContract } from '../../src/domain/contract';
import { contractWorkflow } from '../../workflows/contract.workflow';
import { isSettledAt, settledQuery } from '../../workflows/messages';
import { historyToObject } from './histories';
import { createTimeSkippingEnv, skipTo as skipClock, workflowBundleOption } from './temporal-env';

export const ZONE = 'Europe/Berlin';

/** An instant given as Berlin wall-clock time. */
export function berlin(date: string, time = '00:00'): Date {
  const midnight = startOfLocalDay(date, ZONE);
  const [h, m] = time.split(':').map(Number);
  return new Date(midnight.getTime() + (h * 60 + m) * 60_000);
}

/** In-memory activities that record every call; duplicates by idempotency key are ignored. */
export class RecordingActivities
  implements ContractActivities, AccountActivities, AttentionActivities, BillingActivities, InvoiceDeliveryActivities, PaymentActivities, DunningActivities, RetentionActivities
{
  /**
   * Records kept per contract after its data is deleted: `[retainUntil, held]` each (default: none,
   * so the workflow completes right after the deletion).
   */
  readonly retained = new Map<string, { retainUntil: string; held: boolean; invoiceId: string | null }[]>();
  readonly destructions: DestroyDueRecordsInput[] = [];
  readonly legalHolds: SetLegalHoldInput[] = [];
  async retentionStatus(input: { contractId: string }): Promise<RetentionStatus> {
    const records = this.retained.get(input.contractId) ?? [];
    const free = records.filter((r) => !r.held).map((r) => r.retainUntil).sort();
    return { nextRetainUntil: free[0] ?? null, remaining: free.length, held: records.filter((r) => r.held).length };
  }
  async destroyDueRecords(input: DestroyDueRecordsInput): Promise<DestroyDueRecordsResult> {
    this.destructions.push(input);
    const records = this.retained.get(input.contractId) ?? [];
    const due = records.filter((r) => !r.held && r.retainUntil < input.today);
    this.retained.set(input.contractId, records.filter((r) => !due.includes(r)));
    return { destroyed: due.length > 0 ? [{ recordType: 'invoice', count: due.length }] : [], ...(await this.retentionStatus(input)) };
  }
  async setLegalHold(input: SetLegalHoldInput): Promise<LegalHoldState> {
    this.legalHolds.push(input);
    for (const records of this.retained.values()) for (const r of records) if (r.invoiceId === input.invoiceId) r.held = input.hold;
    return { invoiceId: input.invoiceId, contractId: '', hold: input.hold, reason: input.reason, since: input.hold ? input.at : null };
  }
  /** Dunning steps carried out (once per idempotency key), in order. */
  readonly dunningSteps: RunDunningStepInput[] = [];
  readonly disputes: RecordDisputeInput[] = [];
  /** Chargebacks by invoice: the booking day a snapshot reports as `reopenedOn`. */
  readonly reopened = new Map<string, string>();
  /** Issued invoices (numbered in order, like the real numbering: once per idempotency key). */
  readonly invoices: (IssueInvoiceInput & { invoiceId: string; number: string; paymentMethod: IssuedInvoice['paymentMethod']; openCents: number })[] = [];
  /**
   * Invoices are paid the moment they are issued (stories about other things never see dunning);
   * payment and dunning stories set it to false and pay through `pay` / signals.
   */
  paidOnIssue = true;
  /** Payment method per contract for the invoices it is issued (default: transfer). */
  readonly paymentMethods = new Map<string, IssuedInvoice['paymentMethod']>();
  /** Contracts with a card on file (charges succeed unless the contract is in `declinedCards`). */
  readonly cards = new Set<string>();
  /** Prepaid (or overpaid) credit per contract, applied to the next invoice. */
  readonly credit = new Map<string, number>();
  readonly charges: (ChargeInput & { kind: 'invoice' | 'top-up'; amountCents: number })[] = [];
  readonly collections: CollectSepaInput[] = [];
  private ledgerVersion = 0;
  readonly deliveries: DeliverInvoiceInput[] = [];
  /** `<activity> <contractId>` in the order the activities ran (first attempts and retries). */
  readonly calls: string[] = [];
  /** SMS usage per contract, as `[occurredOn, quantity]`, billed once. */
  readonly usage = new Map<string, { on: string; quantity: number; billed: boolean }[]>();
  /** Tax profile per contract (default: German business). */
  readonly taxProfiles = new Map<string, TaxProfile>();
  readonly notices: NotifyCustomerInput[] = [];
  readonly attentionRaised: RaiseAttentionInput[] = [];
  readonly attentionResolved: { contractId: string; step: string }[] = [];
  /** Notices for which this returns true are rejected for good, as an SMTP 5xx would be. */
  rejectNotice: (input: NotifyCustomerInput) => boolean = () => false;
  /** Mail attempts, rejected ones included. */
  readonly mailAttempts: NotifyCustomerInput[] = [];
  readonly facts: RecordFactInput[] = [];
  readonly downgrades: string[] = [];
  readonly deletions: string[] = [];
  readonly saved: ContractState[] = [];
  async saveContract(state: ContractState) {
    this.saved.push(state);
    return { applied: true };
  }
  async prepareInvoiceRun(input: PrepareInvoiceRunInput) {
    const open = (this.usage.get(input.contractId) ?? []).filter((u) => !u.billed && input.usageThrough !== null && u.on <= input.usageThrough);
    const firstOn = open.map((u) => u.on).sort()[0] ?? null;
    return {
      usage: { quantity: open.reduce((a, u) => a + u.quantity, 0), firstOn },
      usageAsOf: new Date().toISOString(),
      tax: this.taxProfiles.get(input.contractId) ?? { issuerCountry: 'DE' as const, customerCountry: 'DE' as const, customerType: 'business' as const, customerVatId: null },
    };
  }
  async issueInvoice(input: IssueInvoiceInput): Promise<IssuedInvoice> {
    this.calls.push(`issueInvoice ${input.contractId}`);
    const existing = this.invoices.find((i) => i.idempotencyKey === input.idempotencyKey);
    if (existing) return this.issued(existing, false);
    const year = input.draft.issuedOn.slice(0, 4);
    const number = `${year}-${String(this.invoices.filter((i) => i.number.startsWith(year)).length + 1).padStart(6, '0')}`;
    const paymentMethod = this.paymentMethods.get(input.contractId) ?? 'transfer';
    const credit = this.credit.get(input.contractId) ?? 0;
    const applied = Math.min(credit, input.draft.grossCents);
    this.credit.set(input.contractId, credit - applied);
    const invoice = { ...input, invoiceId: randomUUID(), number, paymentMethod, openCents: this.paidOnIssue ? 0 : input.draft.grossCents - applied };
    this.invoices.push(invoice);
    for (const u of this.usage.get(input.contractId) ?? []) if (input.usageThrough && u.on <= input.usageThrough) u.billed = true;
    return this.issued(invoice, true);
  }
  private issued(invoice: RecordingActivities['invoices'][number], created: boolean): IssuedInvoice {
    return { invoiceId: invoice.invoiceId, number: invoice.number, created, paymentMethod: invoice.paymentMethod, dueOn: invoice.draft.dueOn, openCents: invoice.openCents, receivables: this.receivablesOf(invoice.contractId) };
  }
  /** The account as the ledger would report it (a newer version each time). */
  receivablesOf(contractId: string): ReceivablesSnapshot {
    const open = this.invoicesOf(contractId).filter((i) => i.openCents > 0);
    const owed = open.reduce((sum, i) => sum + i.openCents, 0);
    const credit = this.credit.get(contractId) ?? 0;
    return {
      version: ++this.ledgerVersion,
      balanceCents: owed - credit,
      creditCents: credit,
      openInvoices: open.map((i) => ({
        invoiceId: i.invoiceId,
        number: i.number,
        issuedOn: i.draft.issuedOn,
        dueOn: i.draft.dueOn,
        paymentMethod: i.paymentMethod,
        openCents: i.openCents,
        claimCents: i.openCents,
        reopenedOn: this.reopened.get(i.invoiceId) ?? null,
      })),
    };
  }
  /** Books a payment (oldest invoice first, the rest as credit) and returns the snapshot to signal. */
  pay(contractId: string, cents: number): ReceivablesSnapshot {
    let left = cents;
    for (const invoice of this.invoicesOf(contractId)) {
      const applied = Math.min(left, invoice.openCents);
      invoice.openCents -= applied;
      left -= applied;
    }
    this.credit.set(contractId, (this.credit.get(contractId) ?? 0) + left);
    return this.receivablesOf(contractId);
  }
  /** A chargeback of an invoice's payment booked on `on`: the amount is open again. */
  chargeBack(contractId: string, invoiceId: string, cents: number, on: string): ReceivablesSnapshot {
    const invoice = this.invoices.find((i) => i.invoiceId === invoiceId) as RecordingActivities['invoices'][number];
    invoice.openCents += cents;
    this.reopened.set(invoiceId, on);
    return this.receivablesOf(contractId);
  }
  readonly agencyReports: string[] = [];
  async reportCollectionPayments(input: { contractId: string }) {
    this.agencyReports.push(input.contractId);
    return { reported: 1 };
  }
  async startDunning(_input: StartDunningInput): Promise<StartDunningResult> {
    return { ladder: DEFAULT_DUNNING_LADDER, nextStepOn: null };
  }
  async runDunningStep(input: RunDunningStepInput): Promise<RunDunningStepResult> {
    this.calls.push(`runDunningStep ${input.contractId} ${input.ladderStep.step}`);
    const first = !this.dunningSteps.some((d) => d.idempotencyKey === input.idempotencyKey);
    if (first) this.dunningSteps.push(input);
    const invoice = this.invoices.find((i) => i.invoiceId === input.invoiceId);
    // The fee is part of the claim (principal and fees in one figure here).
    if (first && invoice && input.ladderStep.fee > 0) invoice.openCents += input.ladderStep.fee;
    const handover = input.ladderStep.step === 'handover' ? { handoverId: input.idempotencyKey, creditReport: 'sent' as const, reason: null } : null;
    return { feeCents: input.ladderStep.fee, interestCents: 0, flatFeeCents: 0, handover, receivables: this.receivablesOf(input.contractId) };
  }
  async recordDispute(input: RecordDisputeInput): Promise<void> {
    this.disputes.push(input);
  }
  /** `[step, runOn]` of the dunning steps of an invoice. */
  dunningOf(invoiceId: string): [string, string][] {
    return this.dunningSteps.filter((d) => d.invoiceId === invoiceId).map((d) => [d.ladderStep.step, d.runOn]);
  }
  async chargeInvoice(input: ChargeInput): Promise<ChargeOutcome> {
    return this.charge(input, 'invoice');
  }
  async topUpPrepaid(input: ChargeInput): Promise<ChargeOutcome> {
    return this.charge(input, 'top-up');
  }
  private charge(input: ChargeInput, kind: 'invoice' | 'top-up'): ChargeOutcome {
    const invoice = this.invoices.find((i) => i.invoiceId === input.invoiceId);
    if (!invoice || invoice.openCents === 0) return { charged: false, reason: 'NOTHING_OPEN', receivables: this.receivablesOf(input.contractId) };
    if (!this.cards.has(input.contractId)) return { charged: false, reason: 'NO_CARD', receivables: this.receivablesOf(input.contractId) };
    if (!this.charges.some((c) => c.idempotencyKey === input.idempotencyKey)) this.charges.push({ ...input, kind, amountCents: invoice.openCents });
    return { charged: true, chargeId: input.idempotencyKey, pspPaymentId: `pay_${input.invoiceId}`, amountCents: invoice.openCents };
  }
  async collectSepaDebit(input: CollectSepaInput): Promise<CollectSepaOutcome> {
    if (this.collections.some((c) => c.idempotencyKey === input.idempotencyKey)) return { result: 'already', collectionId: input.bookedOn, amountCents: 0, receivables: this.receivablesOf(input.contractId) };
    this.collections.push(input);
    const invoice = this.invoices.find((i) => i.invoiceId === input.invoiceId);
    const amountCents = invoice?.openCents ?? 0;
    if (invoice) invoice.openCents = 0;
    return { result: amountCents > 0 ? 'collected' : 'cancelled', collectionId: input.bookedOn, amountCents, receivables: this.receivablesOf(input.contractId) };
  }
  async deliverInvoice(input: DeliverInvoiceInput) {
    if (!this.deliveries.some((d) => d.idempotencyKey === input.idempotencyKey)) this.deliveries.push(input);
    return { channel: 'email' as const, communicationId: input.idempotencyKey };
  }
  invoicesOf(contractId: string) {
    return this.invoices.filter((i) => i.contractId === contractId);
  }
  async raiseAttention(input: RaiseAttentionInput) {
    this.attentionRaised.push(input);
  }
  async resolveAttention(input: { contractId: string; step: string }) {
    this.attentionResolved.push({ contractId: input.contractId, step: input.step });
  }
  async notifyCustomer(input: NotifyCustomerInput) {
    this.mailAttempts.push(input);
    if (this.rejectNotice(input)) throw ApplicationFailure.nonRetryable('SMTP send failed (EENVELOPE 550): mailbox unavailable', 'MailPermanentFailure');
    // A retried activity must carry the same key: duplicates would show up here.
    if (this.notices.some((n) => n.idempotencyKey === input.idempotencyKey)) return { communicationId: 'dup', status: 'skipped' };
    this.notices.push(input);
    return { communicationId: randomUUID(), status: 'sent' };
  }
  async recordFact(input: RecordFactInput) {
    if (!this.facts.some((f) => f.idempotencyKey === input.idempotencyKey)) this.facts.push(input);
    return { id: input.idempotencyKey };
  }
  async applyDowngrade(input: { contractId: string; effectiveAt?: string }) {
    this.downgrades.push(input.contractId);
    return { removedUsers: 0, cancelledAppointments: 0 };
  }
  async deletePersonalData(input: { contractId: string; deletedAt: string }) {
    this.calls.push(`deletePersonalData ${input.contractId}`);
    this.deletions.push(input.contractId);
    return { deletedUsers: 0, deletedAppointments: 0, customerProfileDeleted: true };
  }
  templates(contractId: string): string[] {
    return this.notices.filter((n) => n.contractId === contractId).map((n) => n.notice.template);
  }
  factTypes(contractId: string): string[] {
    return this.facts.filter((f) => f.contractId === contractId).map((f) => f.fact.type);
  }
}

export interface StoryWorld {
  env: TestWorkflowEnvironment;
  activities: RecordingActivities;
  /** Skips the clock to `to`, then waits until every contract workflow of the world has done its work. */
  skipTo(to: Date): Promise<void>;
  /** Waits until every contract workflow has carried out its side effects (the clock stays). */
  settle(): Promise<void>;
  start(contract: NewContract, policy?: ContractPolicy): Promise<Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>>;
  /**
   * Terminates the world's running workflows (call after each story): contracts bill every
   * month, so workflows left running would make every later clock skip work through them.
   */
  retire(): Promise<void>;
  /** With RECORD_HISTORIES=1, writes a story's history to test/histories/ for the replay tier. */
  recordHistory(workflowId: string, name: string): Promise<void>;
  teardown(): Promise<void>;
}

/** Starts a time-skipping server and a worker on `taskQueue` (a worker runs once, so it is shared). */
export async function createStoryWorld(taskQueue: string): Promise<StoryWorld> {
  const env = await createTimeSkippingEnv();
  const activities = new RecordingActivities();
  // Activities are registered by own properties: bind the recorder's methods.
  const registered: ContractActivities & AccountActivities & AttentionActivities & BillingActivities & InvoiceDeliveryActivities & PaymentActivities & DunningActivities & RetentionActivities = {
    startDunning: (input) => activities.startDunning(input),
    reportCollectionPayments: (input) => activities.reportCollectionPayments(input),
    retentionStatus: (input) => activities.retentionStatus(input),
    destroyDueRecords: (input) => activities.destroyDueRecords(input),
    setLegalHold: (input) => activities.setLegalHold(input),
    runDunningStep: (input) => activities.runDunningStep(input),
    recordDispute: (input) => activities.recordDispute(input),
    prepareInvoiceRun: (input) => activities.prepareInvoiceRun(input),
    chargeInvoice: (input) => activities.chargeInvoice(input),
    topUpPrepaid: (input) => activities.topUpPrepaid(input),
    collectSepaDebit: (input) => activities.collectSepaDebit(input),
    issueInvoice: (input) => activities.issueInvoice(input),
    deliverInvoice: (input) => activities.deliverInvoice(input),
    raiseAttention: (input) => activities.raiseAttention(input),
    resolveAttention: (input) => activities.resolveAttention(input),
    saveContract: (state) => activities.saveContract(state),
    notifyCustomer: (input) => activities.notifyCustomer(input),
    recordFact: (input) => activities.recordFact(input),
    applyDowngrade: (input) => activities.applyDowngrade(input),
    deletePersonalData: (input) => activities.deletePersonalData(input),
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, activities: registered, ...workflowBundleOption() });
  const workerRun = worker.run();
  const running = new Set<string>();
  // Queries given up on after 2 s are still in flight (the client retries them): teardown waits
  // for them, else a retry after the connection closed throws "Channel has been shut down".
  const inFlight = new Set<Promise<unknown>>();
  const skipTo = async (to: Date): Promise<void> => {
    await skipClock(env, to);
    for (const workflowId of [...running]) {
      const handle = env.client.workflow.getHandle(workflowId);
      // A workflow that completed or was terminated has nothing left to settle.
      if ((await handle.describe()).status.name !== 'RUNNING') {
        running.delete(workflowId);
        continue;
      }
      // NOTE: a query that reaches the time-skipping server while the run continues as new can go
      // unanswered; asking again (it then reaches the new run) is the way out.
      const isSettled = async () => {
        const query = handle.query(settledQuery).catch(() => null);
        inFlight.add(query);
        void query.finally(() => inFlight.delete(query));
        const status = await Promise.race([query, new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000).unref())]);
        return status !== null && isSettledAt(status, to);
      };
      let i = 0;
      for (; i < 400 && !(await isSettled()); i++) await new Promise((r) => setTimeout(r, 25));
      if (i === 400) {
        const status = await handle.query(settledQuery);
        throw new Error(`${workflowId} did not settle by ${to.toISOString()}: ${JSON.stringify(status)}`);
      }
    }
  };
  return {
    env,
    activities,
    skipTo,
    async settle() {
      await skipTo(new Date(await env.currentTimeMs()));
    },
    async start(contract, policy) {
      const requestedAt = new Date(await env.currentTimeMs()).toISOString();
      running.add(`contract-${contract.id}`);
      return env.client.workflow.start(contractWorkflow, {
        workflowId: `contract-${contract.id}`,
        taskQueue,
        args: [{ kind: 'new', contract, requestedAt, searchAttributes: false, ...(policy ? { policy } : {}) }],
      });
    },
    async retire() {
      // Settle first: terminating a workflow with an activity in flight leaves the time-skipping
      // server's skip lock taken, and the next skip hangs.
      await skipTo(new Date(await env.currentTimeMs()));
      for (const workflowId of running) {
        await env.client.workflow
          .getHandle(workflowId)
          .terminate('story finished')
          .catch(() => undefined); // already completed
      }
      running.clear();
    },
    async recordHistory(workflowId, name) {
      if (process.env.RECORD_HISTORIES !== '1') return;
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      fs.writeFileSync(path.join(__dirname, '../histories', `${name}.json`), JSON.stringify(historyToObject(history), null, 1));
    },
    async teardown() {
      worker.shutdown();
      await workerRun;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      await env.teardown();
    },
  };
}

/** A contract input with defaults: business, plus, 3 seats, Berlin. */
export function newContract(overrides: Partial<NewContract> = {}): NewContract {
  return { id: randomUUID(), customerId: randomUUID(), customerType: 'business', plan: 'plus', seats: 3, timeZone: ZONE, trial: false, billingMode: 'postpaid', ...overrides };
}
