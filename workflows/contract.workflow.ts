/**
 * One long-running workflow per contract (`contract-<id>`). Thin: it keeps the state, asks
 * `src/domain/contract.ts` what an event means, and carries out the resulting commands
 * through activities. Deadlines are absolute instants derived from state, so they survive
 * continue-as-new. The workflow completes once the contract's personal data is deleted.
 */
import type { UpdateDefinition } from '@temporalio/common';
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AccountActivities } from '../activities/account.activity';
import type { ContractActivities } from '../activities/contract-activities';
import type { ContractCommand, ContractEvent, ContractPolicy, ContractState, NewContract } from '../src/domain/contract';
import { decide, DEFAULT_CONTRACT_POLICY, nextDeadline, startContract } from '../src/domain/contract';
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
  revokePlanChangeUpdate,
  settledQuery,
  stateQuery,
} from './messages';
import { DATABASE_RETRY, MAIL_RETRY } from './retry-policies';
import { ContractStatusKey, CustomerIdKey, EndsOnKey, PendingPlanChangeKey, PlanKey, TrialEndsOnKey } from './search-attributes';

const db = proxyActivities<Pick<ContractActivities, 'saveContract' | 'recordFact'> & AccountActivities>({
  startToCloseTimeout: '30s',
  retry: DATABASE_RETRY,
});
const mail = proxyActivities<Pick<ContractActivities, 'notifyCustomer'>>({ startToCloseTimeout: '2m', retry: MAIL_RETRY });

/** Input of a new contract workflow, or of its continuation after continue-as-new. */
export type ContractWorkflowInput =
  | {
      readonly kind: 'new';
      readonly contract: NewContract;
      /** ISO instant the API accepted the request: the start date counts from it. */
      readonly requestedAt: string;
      readonly policy?: ContractPolicy;
      readonly searchAttributes?: boolean;
    }
  | {
      readonly kind: 'continued';
      readonly state: ContractState;
      readonly outbox: readonly ContractCommand[];
      readonly policy: ContractPolicy;
      readonly searchAttributes: boolean;
    };

/** Runs a contract from creation until its personal data is deleted. Returns the final state. */
export async function contractWorkflow(input: ContractWorkflowInput): Promise<ContractState> {
  const policy = input.policy ?? DEFAULT_CONTRACT_POLICY;
  // Search attributes are off only where the server does not know them (time-skipping test server).
  const withSearchAttributes = input.searchAttributes ?? true;
  const outbox: ContractCommand[] = [];
  let state: ContractState;
  if (input.kind === 'new') {
    const started = startContract(input.contract, new Date(input.requestedAt), policy);
    state = started.state;
    outbox.push(...started.commands);
  } else {
    state = input.state;
    outbox.push(...input.outbox);
  }
  let sending = false;

  const publish = (): void => {
    if (!withSearchAttributes) return;
    upsertSearchAttributes([
      { key: ContractStatusKey, value: state.status },
      { key: PlanKey, value: state.plan },
      { key: CustomerIdKey, value: state.customerId },
      { key: EndsOnKey, value: state.cancellation?.endsOn ?? state.endedOn ?? null },
      { key: PendingPlanChangeKey, value: state.pendingPlanChange?.plan ?? null },
      { key: TrialEndsOnKey, value: state.status === 'trial' ? state.trialEndsOn : null },
    ]);
  };
  const persist = async (): Promise<void> => {
    await db.saveContract(state);
  };
  /** Applies an event; domain errors become update failures with the error code as type. */
  const apply = (event: ContractEvent): boolean => {
    const decision = asFailure(() => decide(state, event, new Date(), policy));
    if (!decision.changed) return false;
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
        if (apply(toEvent(...args))) await persist();
        return state;
      },
      { validator: (...args: Args) => void asFailure(() => decide(state, toEvent(...args), new Date(), policy)) },
    );
  };

  setHandler(stateQuery, () => state);
  setHandler(settledQuery, () => {
    const deadline = nextDeadline(state, policy);
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

  publish();
  await persist();
  for (;;) {
    // Side effects go out in order, one at a time; each carries `<workflowId>/<step>` as its idempotency key.
    sending = true;
    while (outbox.length > 0) {
      await carryOut(outbox[0], state);
      outbox.shift();
    }
    sending = false;
    if (state.dataDeleted) break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > policy.maxHistoryEvents) {
      // Drain updates in flight first; then the new run starts with the same state and timers.
      await condition(allHandlersFinished);
      if (outbox.length === 0) {
        await continueAsNew<typeof contractWorkflow>({ kind: 'continued', state, outbox, policy, searchAttributes: withSearchAttributes });
      }
      continue;
    }
    const revision = state.revision;
    const deadline = nextDeadline(state, policy);
    const wake = () => outbox.length > 0 || state.revision !== revision;
    const woken = deadline ? await condition(wake, Math.max(1, deadline.getTime() - Date.now())) : (await condition(wake), true);
    if (!woken && apply({ type: 'deadline-reached' })) await persist();
  }
  await condition(allHandlersFinished);
  return state;
}

async function carryOut(command: ContractCommand, state: ContractState): Promise<void> {
  const idempotencyKey = `${workflowInfo().workflowId}/${command.step}`;
  switch (command.type) {
    case 'notify':
      await mail.notifyCustomer({ idempotencyKey, contractId: state.id, notice: command.notice });
      return;
    case 'record':
      await db.recordFact({ idempotencyKey, contractId: state.id, fact: command.fact, occurredAt: new Date().toISOString() });
      return;
    case 'apply-downgrade':
      // Only conferences from the switch on are voided; those held under plus stay as they were.
      await db.applyDowngrade({ contractId: state.id, effectiveAt: startOfLocalDay(command.effectiveOn, state.timeZone).toISOString() });
      return;
    case 'delete-personal-data':
      await db.deletePersonalData({ contractId: state.id, deletedAt: new Date().toISOString() });
      return;
  }
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
