/**
 * What happens when time passes: `decide(state, { type: 'deadline-reached' }, now)` and
 * `nextDeadline(state)`. Every deadline is due at 00:00 local time of its day; the instants
 * below are exact UTC (Berlin/Vienna: UTC+1 in winter, UTC+2 from the last Sunday of March —
 * 28.03.2027, 26.03.2028, 31.03.2030 — to the last Sunday of October — 31.10.2027, 27.10.2030).
 */
import { decide, DEFAULT_CONTRACT_POLICY, nextDeadline, startContract, type ContractState } from '../../src/domain/contract';
import type { CustomerType } from '../../src/domain/notice-period';
import { applyAll, BERLIN, cancelEvent, DEADLINE, newContract, startedState, stepsOf, trialState, VIENNA } from '../helpers/contract-fixtures';

const MS = 1;
const before = (instant: string) => new Date(new Date(instant).getTime() - MS);

/** A contract cancelled by a notice received at `receivedAt` (recorded at that instant). */
function cancelledState(receivedAt: string, options: { customerType?: CustomerType; timeZone?: string; deleteData?: boolean } = {}): ContractState {
  const state = startedState({ customerType: options.customerType ?? 'business', timeZone: options.timeZone ?? BERLIN }, new Date('2026-06-01T10:00:00Z'));
  const at = new Date(receivedAt);
  return decide(state, cancelEvent(at, { deleteData: options.deleteData ?? false }), at).state;
}

const converted = (plan: 'basis' | 'plus', seats = 3) =>
  decide(trialState({ seats }), { type: 'convert-trial', plan, paymentMethod: 'sepa' }, new Date('2027-01-20T09:00:00Z')).state;

describe('nothing due', () => {
  it.each<[string, () => ContractState, string | null, string]>([
    ['an active contract without anything pending', () => startedState(), null, '2040-01-01T00:00:00Z'],
    ['a trial before its reminder (02.02.2027 00:00 CET)', trialState, '2027-02-01T23:00:00Z', '2027-02-01T22:59:59Z'],
    ['a cancelled contract on endsOn 30.06.2027, 23:59:59.999 CEST', () => cancelledState('2027-03-31T08:00:00Z'), '2027-06-30T22:00:00Z', '2027-06-30T21:59:59.999Z'],
  ])('%s: deadline-reached changes nothing', (_label, build, next, now) => {
    const state = build();
    expect(nextDeadline(state)).toEqual(next === null ? null : new Date(next));
    expect(decide(state, DEADLINE, new Date(now))).toEqual({ state, commands: [], changed: false });
    expect(decide(state, DEADLINE, new Date(now)).state).toBe(state);
  });
});

describe('trial', () => {
  // Trial started 10.01.2027; last trial day 08.02.2027; first day after 09.02.2027.
  describe('reminder: 7 days before the first day after the trial, at 00:00 CET on 02.02.2027', () => {
    it('is due at 2027-02-01T23:00:00Z, not a millisecond earlier', () => {
      const state = trialState();
      expect(nextDeadline(state)).toEqual(new Date('2027-02-01T23:00:00Z'));
      expect(decide(state, DEADLINE, new Date('2027-02-01T22:59:59Z')).changed).toBe(false); // 01.02. 23:59:59 CET
      expect(decide(state, DEADLINE, before('2027-02-01T23:00:00Z')).changed).toBe(false);

      const decision = decide(state, DEADLINE, new Date('2027-02-01T23:00:00Z'));
      expect(decision.changed).toBe(true);
      expect(decision.state).toEqual({ ...state, trialReminderSent: true, revision: 2 });
      expect(decision.commands).toEqual([
        { type: 'notify', step: 'r2/trial-reminder', notice: { template: 'trial-reminder', context: { trialEndsOn: '2027-02-08', paidFrom: '2027-02-09' } } },
      ]);
      expect(nextDeadline(decision.state)).toEqual(new Date('2027-02-08T23:00:00Z')); // the trial end, 09.02. 00:00 CET
    });

    it.each([
      ['basis', '2027-02-01T23:00:00Z'],
      ['plus', '2027-02-05T10:00:00Z'],
    ] as const)('is not sent once the trial is converted (to %s; deadline-reached at %s)', (plan, now) => {
      const state = converted(plan);
      expect(nextDeadline(state)).toEqual(new Date('2027-02-08T23:00:00Z'));
      expect(decide(state, DEADLINE, new Date(now))).toEqual({ state, commands: [], changed: false });
    });

    it('in Vienna in summer: trial from 01.06.2027, reminder 24.06. 00:00 CEST', () => {
      const state = startContract(newContract({ trial: true, timeZone: VIENNA }), new Date('2027-06-01T08:00:00Z')).state;
      expect(state.trialEndsOn).toBe('2027-06-30');
      expect(nextDeadline(state)).toEqual(new Date('2027-06-23T22:00:00Z'));
    });
  });

  describe('end: at 00:00 CET on 09.02.2027 (2027-02-08T23:00:00Z)', () => {
    const reminded = () => decide(trialState(), DEADLINE, new Date('2027-02-01T23:00:00Z')).state;

    it('an unconverted trial ends on its last day; its data is deleted 120 days after the end', () => {
      const state = reminded();
      expect(decide(state, DEADLINE, before('2027-02-08T23:00:00Z')).changed).toBe(false);

      const decision = decide(state, DEADLINE, new Date('2027-02-08T23:00:00Z'));
      expect(decision.state).toEqual({ ...state, status: 'ended', endedOn: '2027-02-08', dataDeletionDueOn: '2027-06-09', revision: 3 });
      expect(decision.commands).toEqual([
        { type: 'notify', step: 'r3/contract-ended', notice: { template: 'contract-ended', context: { endedOn: '2027-02-08', deleteData: false } } },
        { type: 'record', step: 'r3/fact/ended', fact: { type: 'ended', effectiveOn: '2027-02-08', data: { deleteData: false, dataDeletionDueOn: '2027-06-09', pausedSince: null } } },
      ]);
      // Deletion notice 14 days before the deletion: 26.05.2027 00:00 CEST.
      expect(nextDeadline(decision.state)).toEqual(new Date('2027-05-25T22:00:00Z'));
    });

    it('a trial converted to basis continues as an active basis contract with one seat', () => {
      const state = converted('basis', 3);
      const decision = decide(state, DEADLINE, new Date('2027-02-08T23:00:00Z'));

      expect(decision.state).toEqual({ ...state, status: 'active', plan: 'basis', seats: 1, revision: 3 });
      expect(decision.state.paidFrom).toBe('2027-02-09');
      expect(decision.commands).toEqual([{ type: 'apply-downgrade', step: 'r3/apply-downgrade', effectiveOn: '2027-02-09' }]);
      expect(nextDeadline(decision.state)).toBeNull();
    });

    it('a trial converted to plus continues as an active plus contract with its seats', () => {
      const state = converted('plus', 3);
      const decision = decide(state, DEADLINE, new Date('2027-02-08T23:00:00Z'));

      expect(decision.changed).toBe(true);
      expect(decision.state).toEqual({ ...state, status: 'active', plan: 'plus', seats: 3, revision: 3 });
      expect(decision.commands).toEqual([]);
      expect(nextDeadline(decision.state)).toBeNull();
    });
  });
});

describe('downgrade switch at 00:00 local of effectiveOn', () => {
  it.each([
    // customer, zone, requested (UTC), effectiveOn, 00:00 local of effectiveOn (UTC)
    ['business', BERLIN, '2027-02-15T10:00:00Z', '2027-07-01', '2027-06-30T22:00:00Z'], // summer (CEST)
    ['business', BERLIN, '2027-07-15T10:00:00Z', '2028-01-01', '2027-12-31T23:00:00Z'], // winter (CET)
    ['business', VIENNA, '2027-11-30T10:00:00Z', '2028-04-01', '2028-03-31T22:00:00Z'], // after DST began 26.03.2028
    ['consumer', BERLIN, '2027-02-27T10:00:00Z', '2027-03-28', '2027-03-27T23:00:00Z'], // the 23-hour day starts in CET
    ['consumer', VIENNA, '2027-09-30T10:00:00Z', '2027-10-31', '2027-10-30T22:00:00Z'], // the 25-hour day starts in CEST
  ] as const)('%s in %s, requested %s → plan basis from %s, at %s', (customerType, timeZone, requestedAt, effectiveOn, switchAt) => {
    const state = decide(
      startedState({ customerType, timeZone }, new Date('2026-06-01T10:00:00Z')),
      { type: 'change-plan', plan: 'basis', acceptTerms: true },
      new Date(requestedAt),
    ).state;
    expect(state.pendingPlanChange?.effectiveOn).toBe(effectiveOn);
    expect(nextDeadline(state)).toEqual(new Date(switchAt));
    expect(decide(state, DEADLINE, before(switchAt)).changed).toBe(false);

    const decision = decide(state, DEADLINE, new Date(switchAt));
    expect(decision.state).toEqual({ ...state, plan: 'basis', seats: 1, pendingPlanChange: null, revision: 3 });
    expect(decision.commands).toEqual([
      { type: 'apply-downgrade', step: 'r3/apply-downgrade', effectiveOn },
      { type: 'notify', step: 'r3/plan-downgraded', notice: { template: 'plan-downgraded', context: { plan: 'basis', effectiveOn } } },
      { type: 'record', step: 'r3/fact/plan-downgraded', fact: { type: 'plan-downgraded', effectiveOn, data: { fromPlan: 'plus', toPlan: 'basis', seats: 1 } } },
    ]);
    expect(nextDeadline(decision.state)).toBeNull();
  });

  it('also switches a paused contract, which stays paused', () => {
    const state = applyAll(startedState(), [
      [{ type: 'change-plan', plan: 'basis', acceptTerms: true }, new Date('2027-02-15T10:00:00Z')],
      [{ type: 'pause' }, new Date('2027-03-01T10:00:00Z')],
    ]);
    expect(decide(state, DEADLINE, new Date('2027-06-30T22:00:00Z')).state).toMatchObject({ plan: 'basis', seats: 1, status: 'paused', pausedSince: '2027-03-01' });
  });
});

describe('end of a cancelled contract at 00:00 local of endsOn + 1', () => {
  it.each([
    // customer, zone, received (UTC), endsOn, end instant = 00:00 local of the next day (UTC)
    ['business', BERLIN, '2027-03-31T08:00:00Z', '2027-06-30', '2027-06-30T22:00:00Z'], // summer: 01.07. 00:00 CEST
    ['business', BERLIN, '2027-08-10T08:00:00Z', '2027-12-31', '2027-12-31T23:00:00Z'], // winter: 01.01. 00:00 CET
    ['business', VIENNA, '2027-04-01T08:00:00Z', '2027-09-30', '2027-09-30T22:00:00Z'], // summer
    ['business', VIENNA, '2027-11-30T08:00:00Z', '2028-03-31', '2028-03-31T22:00:00Z'], // DST began 26.03.2028
    ['business', VIENNA, '2026-12-31T08:00:00Z', '2027-03-31', '2027-03-31T22:00:00Z'], // DST began 28.03.2027
    ['consumer', BERLIN, '2027-02-27T10:00:00Z', '2027-03-27', '2027-03-27T23:00:00Z'], // 28.03.2027 (23-hour day) starts in CET
    ['consumer', BERLIN, '2027-09-30T10:00:00Z', '2027-10-30', '2027-10-30T22:00:00Z'], // 31.10.2027 (25-hour day) starts in CEST
    ['consumer', VIENNA, '2027-11-15T10:00:00Z', '2027-12-15', '2027-12-15T23:00:00Z'], // winter
    ['consumer', VIENNA, '2027-05-31T10:00:00Z', '2027-06-30', '2027-06-30T22:00:00Z'], // summer
  ] as const)('%s in %s, received %s → in force through %s, ended at %s', (customerType, timeZone, receivedAt, endsOn, endAt) => {
    const state = cancelledState(receivedAt, { customerType, timeZone });
    expect(state.cancellation?.endsOn).toBe(endsOn);
    expect(nextDeadline(state)).toEqual(new Date(endAt));
    expect(decide(state, DEADLINE, before(endAt)).changed).toBe(false);

    const decision = decide(state, DEADLINE, new Date(endAt));
    expect(decision.state).toMatchObject({ status: 'ended', endedOn: endsOn, dataDeleted: false, revision: 3 });
    expect(stepsOf(decision)).toEqual(['r3/contract-ended', 'r3/fact/ended']);
  });

  it('ends a paused contract and records since when it was paused', () => {
    const state = applyAll(cancelledState('2027-03-31T08:00:00Z'), [[{ type: 'pause' }, new Date('2027-04-15T08:00:00Z')]]);
    const decision = decide(state, DEADLINE, new Date('2027-06-30T22:00:00Z'));
    expect(decision.state).toMatchObject({ status: 'ended', pausedSince: null });
    expect(decision.commands[1]).toEqual({
      type: 'record',
      step: 'r4/fact/ended',
      fact: { type: 'ended', effectiveOn: '2027-06-30', data: { deleteData: false, dataDeletionDueOn: '2027-10-29', pausedSince: '2027-04-15' } },
    });
  });
});

describe('personal data deletion', () => {
  it('"cancel and delete data": deleted in the same decision as the end, after the contract-ended notice', () => {
    const state = cancelledState('2027-03-31T08:00:00Z', { deleteData: true });
    const decision = decide(state, DEADLINE, new Date('2027-06-30T22:00:00Z')); // 01.07.2027 00:00 CEST

    expect(decision.state).toMatchObject({ status: 'ended', endedOn: '2027-06-30', dataDeletionDueOn: '2027-07-01', dataDeleted: true, deletionNoticeSent: false, revision: 4 });
    expect(decision.commands).toEqual([
      { type: 'notify', step: 'r3/contract-ended', notice: { template: 'contract-ended', context: { endedOn: '2027-06-30', deleteData: true } } },
      { type: 'record', step: 'r3/fact/ended', fact: { type: 'ended', effectiveOn: '2027-06-30', data: { deleteData: true, dataDeletionDueOn: '2027-07-01', pausedSince: null } } },
      { type: 'delete-personal-data', step: 'r4/delete-personal-data' },
      { type: 'record', step: 'r4/fact/personal-data-deleted', fact: { type: 'personal-data-deleted', effectiveOn: '2027-07-01', data: { endedOn: '2027-06-30' } } },
    ]);
    expect(nextDeadline(decision.state)).toBeNull();
    expect(decide(decision.state, DEADLINE, new Date('2031-01-01T00:00:00Z')).changed).toBe(false);
  });

  it.each([
    // received, endsOn, dataDeletionDueOn (= endsOn + 121 days), deletion notice (14 days before, 00:00 CEST)
    ['2030-03-31T08:00:00Z', '2030-06-30', '2030-10-29', '2030-10-14T22:00:00Z'],
    ['2027-03-31T08:00:00Z', '2027-06-30', '2027-10-29', '2027-10-14T22:00:00Z'],
    ['2027-11-30T08:00:00Z', '2028-03-31', '2028-07-30', '2028-07-15T22:00:00Z'],
    ['2027-08-10T08:00:00Z', '2027-12-31', '2028-04-30', '2028-04-15T22:00:00Z'], // leap February in between
  ])('without "delete data": received %s, ended after %s → deletion on %s, notice at %s', (receivedAt, endsOn, deletionOn, noticeAt) => {
    const state = cancelledState(receivedAt);
    const ended = decide(state, DEADLINE, nextDeadline(state) as Date).state;
    expect(ended).toMatchObject({ status: 'ended', endedOn: endsOn, dataDeletionDueOn: deletionOn, dataDeleted: false });

    expect(nextDeadline(ended)).toEqual(new Date(noticeAt));
    expect(decide(ended, DEADLINE, before(noticeAt)).changed).toBe(false);
    const noticed = decide(ended, DEADLINE, new Date(noticeAt));
    expect(noticed.commands).toEqual([
      { type: 'notify', step: 'r4/data-deletion-notice', notice: { template: 'data-deletion-notice', context: { endedOn: endsOn, deletionOn } } },
    ]);
    expect(noticed.state).toMatchObject({ deletionNoticeSent: true, dataDeleted: false });
  });

  it('endsOn 30.06.2030: notice at 15.10.2030 00:00 CEST, deletion at 29.10.2030 00:00 CET (after DST ended 27.10.)', () => {
    const ended = decide(cancelledState('2030-03-31T08:00:00Z'), DEADLINE, new Date('2030-06-30T22:00:00Z')).state;
    expect(nextDeadline(ended)).toEqual(new Date('2030-10-14T22:00:00Z'));

    const noticed = decide(ended, DEADLINE, new Date('2030-10-14T22:00:00Z')).state;
    expect(nextDeadline(noticed)).toEqual(new Date('2030-10-28T23:00:00Z'));
    expect(decide(noticed, DEADLINE, new Date('2030-10-28T22:59:59.999Z')).changed).toBe(false);

    const deleted = decide(noticed, DEADLINE, new Date('2030-10-28T23:00:00Z'));
    expect(deleted.state).toMatchObject({ dataDeleted: true, revision: 5 });
    expect(deleted.commands).toEqual([
      { type: 'delete-personal-data', step: 'r5/delete-personal-data' },
      { type: 'record', step: 'r5/fact/personal-data-deleted', fact: { type: 'personal-data-deleted', effectiveOn: '2030-10-29', data: { endedOn: '2030-06-30' } } },
    ]);
    expect(nextDeadline(deleted.state)).toBeNull();
    expect(decide(deleted.state, DEADLINE, new Date('2040-01-01T00:00:00Z'))).toEqual({ state: deleted.state, commands: [], changed: false });
  });

  it('sends no deletion notice when the data is deleted at the end', () => {
    const state = cancelledState('2027-03-31T08:00:00Z', { deleteData: true });
    const decision = decide(state, DEADLINE, new Date('2027-12-31T00:00:00Z'));
    expect(decision.commands.map((command) => (command.type === 'notify' ? command.notice.template : command.type))).toEqual([
      'contract-ended',
      'record',
      'delete-personal-data',
      'record',
    ]);
  });

  it('a trial cancelled with "delete data" is deleted at 00:00 of the next day', () => {
    const at = new Date('2027-01-20T09:00:00Z');
    const ended = decide(trialState(), cancelEvent(at, { deleteData: true }), at).state;
    expect(ended).toMatchObject({ status: 'ended', endedOn: '2027-01-20', dataDeletionDueOn: '2027-01-21', dataDeleted: false });
    expect(nextDeadline(ended)).toEqual(new Date('2027-01-20T23:00:00Z'));
    expect(stepsOf(decide(ended, DEADLINE, new Date('2027-01-20T23:00:00Z')))).toEqual(['r4/delete-personal-data', 'r4/fact/personal-data-deleted']);
  });

  it('takes the retention and notice lengths from the policy', () => {
    const policy = { ...DEFAULT_CONTRACT_POLICY, deleteAfterDays: 30, deletionNoticeDays: 7 };
    const state = cancelledState('2027-03-31T08:00:00Z');
    const ended = decide(state, DEADLINE, new Date('2027-06-30T22:00:00Z'), policy).state;
    expect(ended.dataDeletionDueOn).toBe('2027-07-31'); // 01.07. + 30 days
    expect(nextDeadline(ended, policy)).toEqual(new Date('2027-07-23T22:00:00Z')); // notice 24.07. 00:00 CEST
  });
});

describe('several deadlines due at once are applied in date order in one decision', () => {
  it('trial reminder, then trial end, when the first deadline-reached comes after the trial', () => {
    const state = trialState();
    const decision = decide(state, DEADLINE, new Date('2027-02-10T10:00:00Z'));

    expect(decision.state).toMatchObject({ status: 'ended', endedOn: '2027-02-08', trialReminderSent: true, revision: 3 });
    expect(decision.commands).toEqual([
      { type: 'notify', step: 'r2/trial-reminder', notice: { template: 'trial-reminder', context: { trialEndsOn: '2027-02-08', paidFrom: '2027-02-09' } } },
      { type: 'notify', step: 'r3/contract-ended', notice: { template: 'contract-ended', context: { endedOn: '2027-02-08', deleteData: false } } },
      { type: 'record', step: 'r3/fact/ended', fact: { type: 'ended', effectiveOn: '2027-02-08', data: { deleteData: false, dataDeletionDueOn: '2027-06-09', pausedSince: null } } },
    ]);
  });

  it('end, deletion notice and deletion, when the first deadline-reached comes after all three', () => {
    const state = cancelledState('2027-03-31T08:00:00Z');
    const decision = decide(state, DEADLINE, new Date('2028-01-01T10:00:00Z'));

    expect(decision.state).toMatchObject({ status: 'ended', endedOn: '2027-06-30', dataDeletionDueOn: '2027-10-29', deletionNoticeSent: true, dataDeleted: true, revision: 5 });
    expect(stepsOf(decision)).toEqual(['r3/contract-ended', 'r3/fact/ended', 'r4/data-deletion-notice', 'r5/delete-personal-data', 'r5/fact/personal-data-deleted']);
    expect(nextDeadline(decision.state)).toBeNull();
  });

  it('a converted trial reached late: only the trial end applies (no reminder)', () => {
    const decision = decide(converted('basis'), DEADLINE, new Date('2027-03-01T10:00:00Z'));
    expect(stepsOf(decision)).toEqual(['r3/apply-downgrade']);
    expect(decision.state).toMatchObject({ status: 'active', plan: 'basis', seats: 1, trialReminderSent: false });
  });

  it('applying them one at a time gives the same final state and the same steps', () => {
    const state = cancelledState('2027-03-31T08:00:00Z');
    const atOnce = decide(state, DEADLINE, new Date('2028-01-01T10:00:00Z'));

    let current = state;
    const steps: string[] = [];
    for (let due = nextDeadline(current); due; due = nextDeadline(current)) {
      const decision = decide(current, DEADLINE, due);
      steps.push(...stepsOf(decision));
      current = decision.state;
    }
    expect(current).toEqual(atOnce.state);
    expect(steps).toEqual(stepsOf(atOnce));
  });
});
