/**
 * What happens when time passes: the trial reminder and the trial's end, a downgrade taking
 * effect, the end of the contract, the deletion notice and the deletion of personal data.
 * Every deadline is derived from state, so timers can be re-armed after continue-as-new.
 */
import type { LocalDate } from './calendar';
import { addDays, compareLocalDates, startOfLocalDay } from './calendar';
import { bump, notify, record } from './contract-commands';
import type { ContractCommand, ContractNotice, ContractPolicy, ContractState, Decision } from './contract-state';
import { DEFAULT_CONTRACT_POLICY, suspensionDaysOf } from './contract-state';

type DeadlineKind = 'trial-reminder' | 'trial-end' | 'plan-switch' | 'contract-end' | 'suspension-end' | 'deletion-notice' | 'data-deletion';

interface Deadline {
  readonly kind: DeadlineKind;
  /** The local day at whose start (00:00 in the contract's zone) the deadline is due. */
  readonly on: LocalDate;
}

/** The deadlines still ahead of a contract, in no particular order. */
function deadlines(state: ContractState, policy: ContractPolicy): Deadline[] {
  const list: Deadline[] = [];
  if (state.status === 'trial' && state.trialEndsOn) {
    const firstDayAfter = addDays(state.trialEndsOn, 1);
    if (!state.trialReminderSent && !state.conversion) list.push({ kind: 'trial-reminder', on: addDays(firstDayAfter, -policy.trialReminderDays) });
    list.push({ kind: 'trial-end', on: firstDayAfter });
  }
  if (state.status !== 'ended') {
    if (state.pendingPlanChange) list.push({ kind: 'plan-switch', on: state.pendingPlanChange.effectiveOn });
    // In force up to and including endsOn; the new state starts at 00:00 local the next day.
    if (state.cancellation) list.push({ kind: 'contract-end', on: addDays(state.cancellation.endsOn, 1) });
    // Suspended since S: in force through S + days - 1, ended from S + days unless paid.
    if (state.status === 'suspended' && state.suspendedSince) list.push({ kind: 'suspension-end', on: addDays(state.suspendedSince, suspensionDaysOf(policy)) });
  } else if (!state.dataDeleted && state.dataDeletionDueOn && state.endedOn) {
    const noticeOn = addDays(state.dataDeletionDueOn, -policy.deletionNoticeDays);
    if (!state.deletionNoticeSent && compareLocalDates(noticeOn, addDays(state.endedOn, 1)) > 0) list.push({ kind: 'deletion-notice', on: noticeOn });
    list.push({ kind: 'data-deletion', on: state.dataDeletionDueOn });
  }
  return list;
}

function earliest(state: ContractState, policy: ContractPolicy): Deadline | null {
  const list = deadlines(state, policy).sort((a, b) => compareLocalDates(a.on, b.on));
  return list[0] ?? null;
}

/** The next instant at which `deadline-reached` changes the state, or null when nothing is ahead. */
export function nextDeadline(state: ContractState, policy?: ContractPolicy): Date | null {
  const next = earliest(state, policy ?? DEFAULT_CONTRACT_POLICY);
  return next ? startOfLocalDay(next.on, state.timeZone) : null;
}

const DEADLINE_SUMMARIES: Record<DeadlineKind, (state: ContractState, on: LocalDate) => string> = {
  'trial-reminder': (s) => `trial reminder before the trial ends on ${s.trialEndsOn ?? '?'}`,
  'trial-end': (s) => `trial ends on ${s.trialEndsOn ?? '?'}`,
  'plan-switch': (s, on) => `plan switch to ${s.pendingPlanChange?.plan ?? '?'} on ${on}`,
  'contract-end': (s) => `contract end on ${s.cancellation?.endsOn ?? '?'}`,
  'suspension-end': (s, on) => `end of the unpaid suspension (since ${s.suspendedSince ?? '?'}) on ${on}`,
  'deletion-notice': (s, on) => `data deletion notice on ${on} (deletion on ${s.dataDeletionDueOn ?? '?'})`,
  'data-deletion': (s) => `data deletion on ${s.dataDeletionDueOn ?? '?'}`,
};

/**
 * What the next deadline is, in words for operators ("contract end on 2027-03-31"), shown as the
 * timer's summary in the Temporal UI; null when nothing is ahead.
 */
export function describeNextDeadline(state: ContractState, policy?: ContractPolicy): string | null {
  const next = earliest(state, policy ?? DEFAULT_CONTRACT_POLICY);
  return next ? DEADLINE_SUMMARIES[next.kind](state, next.on) : null;
}

/** Applies every deadline due at `now`, earliest first. */
export function reachDeadlines(state: ContractState, now: Date, policy: ContractPolicy): Decision {
  let current = state;
  const commands: ContractCommand[] = [];
  for (let next = earliest(current, policy); next && startOfLocalDay(next.on, current.timeZone).getTime() <= now.getTime(); next = earliest(current, policy)) {
    const applied = applyDeadline(current, next, policy);
    current = applied.state;
    commands.push(...applied.commands);
  }
  return { state: current, commands, changed: current !== state };
}

function applyDeadline(state: ContractState, deadline: Deadline, policy: ContractPolicy): { state: ContractState; commands: ContractCommand[] } {
  switch (deadline.kind) {
    case 'trial-reminder': {
      const next = bump({ ...state, trialReminderSent: true });
      const trialEndsOn = state.trialEndsOn as LocalDate;
      return { state: next, commands: [notify(next, { template: 'trial-reminder', context: { trialEndsOn, paidFrom: addDays(trialEndsOn, 1) } })] };
    }
    case 'trial-end': {
      const trialEndsOn = state.trialEndsOn as LocalDate;
      if (!state.conversion) return endContract(state, trialEndsOn, false, policy); // an unconverted trial ends by itself
      const plan = state.conversion.plan;
      const next = bump({ ...state, status: 'active', plan, seats: plan === 'basis' ? 1 : state.seats });
      const commands: ContractCommand[] = [];
      if (plan === 'basis') commands.push({ type: 'apply-downgrade', step: `r${next.revision}/apply-downgrade`, effectiveOn: addDays(trialEndsOn, 1) });
      return { state: next, commands };
    }
    case 'plan-switch': {
      const pending = state.pendingPlanChange;
      if (!pending) return { state, commands: [] };
      // On the switch: extra users removed, conferences voided, seats drop to 1 (DOMAIN.md, "Plan changes").
      const next = bump({ ...state, plan: pending.plan, seats: 1, pendingPlanChange: null });
      return {
        state: next,
        commands: [
          { type: 'apply-downgrade', step: `r${next.revision}/apply-downgrade`, effectiveOn: pending.effectiveOn },
          notify(next, { template: 'plan-downgraded', context: { plan: pending.plan, effectiveOn: pending.effectiveOn } }),
          record(next, { type: 'plan-downgraded', effectiveOn: pending.effectiveOn, data: { fromPlan: state.plan, toPlan: pending.plan, seats: 1 } }),
        ],
      };
    }
    case 'contract-end': {
      const cancellation = state.cancellation;
      if (!cancellation) return { state, commands: [] };
      return endContract(state, cancellation.endsOn, cancellation.deleteData, policy);
    }
    case 'suspension-end': {
      const suspendedSince = state.suspendedSince as LocalDate;
      const endedOn = addDays(deadline.on, -1);
      const ended = endContract(state, endedOn, false, policy, { template: 'contract-ended-unpaid', context: { endedOn, suspendedSince } });
      return { state: bump({ ...ended.state, suspendedSince: null, suspensionReason: null }), commands: ended.commands };
    }
    case 'deletion-notice': {
      const next = bump({ ...state, deletionNoticeSent: true });
      const context = { endedOn: state.endedOn as LocalDate, deletionOn: state.dataDeletionDueOn as LocalDate };
      return { state: next, commands: [notify(next, { template: 'data-deletion-notice', context })] };
    }
    case 'data-deletion': {
      const next = bump({ ...state, dataDeleted: true });
      return {
        state: next,
        commands: [
          { type: 'delete-personal-data', step: `r${next.revision}/delete-personal-data` },
          record(next, { type: 'personal-data-deleted', effectiveOn: deadline.on, data: { endedOn: state.endedOn } }),
        ],
      };
    }
  }
}

/**
 * Ends the contract after `endedOn` (its last day in force). Personal data is deleted at the end
 * when the customer chose "cancel and delete data", else `deleteAfterDays` after it.
 */
export function endContract(
  state: ContractState,
  endedOn: LocalDate,
  deleteData: boolean,
  policy: ContractPolicy,
  notice: ContractNotice = { template: 'contract-ended', context: { endedOn, deleteData } },
): { state: ContractState; commands: ContractCommand[] } {
  const endOn = addDays(endedOn, 1);
  const dataDeletionDueOn = deleteData ? endOn : addDays(endOn, policy.deleteAfterDays);
  const next = bump({ ...state, status: 'ended', endedOn, pendingPlanChange: null, pausedSince: null, dataDeletionDueOn });
  return {
    state: next,
    commands: [
      notify(next, notice),
      record(next, { type: 'ended', effectiveOn: endedOn, data: { deleteData, dataDeletionDueOn, pausedSince: state.pausedSince } }),
    ],
  };
}
