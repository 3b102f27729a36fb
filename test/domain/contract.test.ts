/**
 * The contract state machine, customer commands: startContract, decide (cancel, revoke, plan
 * changes, trial conversion, pause, seats), previewCancellation, and the idempotency steps.
 * Berlin and Vienna are UTC+1 in winter and UTC+2 from the last Sunday of March (28.03.2027,
 * 26.03.2028) to the last Sunday of October (31.10.2027); every instant below is exact UTC.
 * Deadlines (what happens when time passes) are in contract-deadlines.test.ts.
 */
import {
  decide,
  DEFAULT_CONTRACT_POLICY,
  nextDeadline,
  previewCancellation,
  startContract,
  type ContractEvent,
  type ContractState,
  type Decision,
} from '../../src/domain/contract';
import type { CustomerType } from '../../src/domain/notice-period';
import type { PlanId } from '../../src/domain/plans';
import { DomainError } from '../../src/domain/errors';
import {
  applyAll,
  BERLIN,
  cancelEvent,
  DEADLINE,
  deepFreeze,
  domainErrorOf,
  newContract,
  startedState,
  stepsOf,
  trialState,
  VIENNA,
} from '../helpers/contract-fixtures';

const policy = DEFAULT_CONTRACT_POLICY;

/** An ended contract: a business contract cancelled 31.03.2027, ended after 30.06.2027. */
function endedState(): ContractState {
  return applyAll(startedState(), [
    [cancelEvent(new Date('2027-03-31T08:00:00Z')), new Date('2027-03-31T08:00:00Z')],
    [DEADLINE, new Date('2027-06-30T22:00:00Z')], // 01.07.2027 00:00 CEST
  ]);
}

describe('startContract', () => {
  it.each([
    // startedAt (UTC), zone, local start day, last trial day (start + 29 days)
    ['2027-01-10T09:00:00Z', BERLIN, '2027-01-10', '2027-02-08'], // DOMAIN.md example: 10.01. → 08.02.
    ['2027-03-31T23:30:00Z', BERLIN, '2027-04-01', '2027-04-30'], // 01.04. 01:30 CEST, UTC still says 31.03.
    ['2027-03-31T21:59:59Z', BERLIN, '2027-03-31', '2027-04-29'], // 31.03. 23:59:59 CEST
    ['2027-12-31T23:30:00Z', VIENNA, '2028-01-01', '2028-01-30'], // 01.01. 00:30 CET
    ['2028-02-01T09:00:00Z', BERLIN, '2028-02-01', '2028-03-01'], // leap year: 29.02. is a trial day
    ['2027-02-01T09:00:00Z', BERLIN, '2027-02-01', '2027-03-02'],
  ])('a trial started at %s (%s) starts on %s and ends on %s, on plus, unpaid', (startedAt, timeZone, startedOn, trialEndsOn) => {
    const decision = startContract(newContract({ trial: true, plan: 'basis', seats: 2, timeZone }), new Date(startedAt));

    expect(decision.changed).toBe(true);
    expect(decision.state).toEqual({
      id: 'contract-1',
      customerId: 'customer-1',
      customerType: 'business',
      plan: 'plus', // a trial is always plus, whatever was asked for
      seats: 2,
      status: 'trial',
      timeZone,
      startedOn,
      trialEndsOn,
      paidFrom: null,
      trialReminderSent: false,
      conversion: null,
      billingMode: 'postpaid',
      cancellation: null,
      pendingPlanChange: null,
      pausedSince: null,
      endedOn: null,
      dataDeletionDueOn: null,
      deletionNoticeSent: false,
      dataDeleted: false,
      revision: 1,
    });
    expect(decision.commands).toEqual([
      { type: 'notify', step: 'r1/contract-started', notice: { template: 'contract-started', context: { plan: 'plus', startedOn, trialEndsOn } } },
      {
        type: 'record',
        step: 'r1/fact/contract-started',
        fact: { type: 'contract-started', effectiveOn: startedOn, data: { plan: 'plus', seats: 2, trial: true } },
      },
    ]);
  });

  it.each([
    ['2027-01-10T09:00:00Z', BERLIN, 'basis', 1, '2027-01-10'],
    ['2027-03-31T23:30:00Z', BERLIN, 'plus', 4, '2027-04-01'], // 01.04. 01:30 CEST
    ['2027-03-31T21:30:00Z', VIENNA, 'plus', 1, '2027-03-31'], // 31.03. 23:30 CEST
    ['2027-10-31T22:59:59Z', BERLIN, 'basis', 1, '2027-10-31'], // 31.10. 23:59:59 CET (25-hour day)
  ] as const)('a paid contract started at %s (%s) on %s × %i is paid from its start day %s', (startedAt, timeZone, plan, seats, startedOn) => {
    const decision = startContract(newContract({ plan, seats, timeZone }), new Date(startedAt));

    expect(decision.state).toMatchObject({ plan, seats, status: 'active', startedOn, trialEndsOn: null, paidFrom: startedOn, revision: 1 });
    expect(decision.commands).toEqual([
      { type: 'notify', step: 'r1/contract-started', notice: { template: 'contract-started', context: { plan, startedOn, trialEndsOn: null } } },
      { type: 'record', step: 'r1/fact/contract-started', fact: { type: 'contract-started', effectiveOn: startedOn, data: { plan, seats, trial: false } } },
    ]);
  });

  it('takes the trial length from the policy', () => {
    const state = startContract(newContract({ trial: true }), new Date('2027-01-10T09:00:00Z'), { ...policy, trialDays: 14 }).state;
    expect(state.trialEndsOn).toBe('2027-01-23');
  });
});

describe('cancel', () => {
  describe('endsOn follows the notice period on the local calendar (DOMAIN.md examples)', () => {
    it.each([
      // customer type, zone, received (UTC), local receivedOn, endsOn
      ['business', BERLIN, '2027-03-31T21:30:00Z', '2027-03-31', '2027-06-30'], // 31.03. 23:30 CEST counts as 31.03.
      ['business', BERLIN, '2027-03-31T22:30:00Z', '2027-04-01', '2027-09-30'], // 01.04. 00:30 CEST
      ['business', BERLIN, '2027-11-30T10:00:00Z', '2027-11-30', '2028-03-31'], // + 3 months = 29.02.2028
      ['business', BERLIN, '2027-12-31T22:30:00Z', '2027-12-31', '2028-03-31'], // 31.12. 23:30 CET
      ['business', BERLIN, '2027-12-31T23:30:00Z', '2028-01-01', '2028-06-30'], // 01.01. 00:30 CET
      ['business', VIENNA, '2027-09-30T22:00:00Z', '2027-10-01', '2028-03-31'], // 01.10. 00:00 CEST
      ['consumer', BERLIN, '2027-01-31T10:00:00Z', '2027-01-31', '2027-02-28'], // clamped
      ['consumer', BERLIN, '2028-01-31T10:00:00Z', '2028-01-31', '2028-02-29'], // clamped, leap year
      ['consumer', BERLIN, '2027-02-28T10:00:00Z', '2027-02-28', '2027-03-28'], // a month end does not stay one
      ['consumer', VIENNA, '2027-12-15T10:00:00Z', '2027-12-15', '2028-01-15'],
    ] as const)('%s in %s, received %s (local %s) → ends %s', (customerType, timeZone, receivedAt, receivedOn, endsOn) => {
      const state = startedState({ customerType, timeZone }, new Date('2026-06-01T10:00:00Z'));
      const at = new Date(receivedAt);

      const decision = decide(state, cancelEvent(at), at);

      expect(previewCancellation(state, at)).toEqual({ receivedOn, endsOn });
      expect(decision.changed).toBe(true);
      expect(decision.state).toEqual({
        ...state,
        cancellation: { receivedAt: at.toISOString(), receivedOn, endsOn, deleteData: false, channel: 'online', reason: null },
        revision: 2,
      });
      expect(decision.commands).toEqual([
        {
          type: 'notify',
          step: 'r2/cancellation-confirmed',
          notice: { template: 'cancellation-confirmed', context: { receivedOn, endsOn, deleteData: false, droppedPlanChange: false } },
        },
        {
          type: 'record',
          step: 'r2/fact/cancelled',
          fact: { type: 'cancelled', effectiveOn: endsOn, data: { receivedOn, channel: 'online', deleteData: false, droppedPlanChange: false, reason: null } },
        },
      ]);
    });
  });

  it('records "cancel and delete data" and the operator channel and reason', () => {
    const at = new Date('2027-05-03T08:00:00Z');
    const decision = decide(startedState(), cancelEvent(at, { deleteData: true, channel: 'phone', reason: 'moving abroad' }), at);

    expect(decision.state.cancellation).toEqual({
      receivedAt: '2027-05-03T08:00:00.000Z',
      receivedOn: '2027-05-03',
      endsOn: '2027-09-30',
      deleteData: true,
      channel: 'phone',
      reason: 'moving abroad',
    });
    expect(decision.state.status).toBe('active'); // in force until endsOn
  });

  describe('operators may date a notice back; the notice period counts from the receipt date', () => {
    // now: 15.05.2027 12:00 CEST, today 15.05.; 14 days back is 01.05.
    const now = new Date('2027-05-15T10:00:00Z');
    it.each([
      ['2027-05-15T10:00:00Z', '2027-05-15', '2027-09-30'], // received now
      ['2027-04-30T22:00:00Z', '2027-05-01', '2027-09-30'], // 01.05. 00:00 CEST: 14 days back, allowed
      ['2027-05-01T21:59:59Z', '2027-05-01', '2027-09-30'], // 01.05. 23:59:59 CEST
    ])('received %s (local %s) → allowed, ends %s', (receivedAt, receivedOn, endsOn) => {
      const decision = decide(startedState(), cancelEvent(new Date(receivedAt), { channel: 'letter', reason: 'letter' }), now);
      expect(decision.state.cancellation).toMatchObject({ receivedAt: new Date(receivedAt).toISOString(), receivedOn, endsOn, channel: 'letter' });
    });

    it.each([
      ['2027-04-30T21:59:59Z'], // 30.04. 23:59:59 CEST: 15 days back
      ['2027-04-30T10:00:00Z'],
      ['2026-05-15T10:00:00Z'],
    ])('received %s → RECEIVED_TOO_LONG_AGO', (receivedAt) => {
      expect(domainErrorOf(() => decide(startedState(), cancelEvent(new Date(receivedAt), { channel: 'letter' }), now))).toBe('RECEIVED_TOO_LONG_AGO');
    });

    it('uses the receipt date, not the recording date: a letter of 31.03. recorded on 10.04. ends 30.06., not 30.09.', () => {
      const decision = decide(startedState(), cancelEvent(new Date('2027-03-31T08:00:00Z'), { channel: 'letter' }), new Date('2027-04-10T08:00:00Z'));
      expect(decision.state.cancellation).toMatchObject({ receivedOn: '2027-03-31', endsOn: '2027-06-30' });
      expect(decision.commands[1]).toMatchObject({ fact: { effectiveOn: '2027-06-30', data: { receivedOn: '2027-03-31', channel: 'letter' } } });
    });

    it('a notice cannot be dated before the contract started → RECEIVED_BEFORE_START', () => {
      // Started 04.01.2027 10:00 CET; a letter dated 03.01. recorded on 05.01.
      const started = startedState();
      expect(domainErrorOf(() => decide(started, cancelEvent(new Date('2027-01-03T10:00:00Z'), { channel: 'letter' }), new Date('2027-01-05T10:00:00Z')))).toBe(
        'RECEIVED_BEFORE_START',
      );
      expect(domainErrorOf(() => decide(started, cancelEvent(new Date('2027-01-03T23:30:00Z'), { channel: 'letter' }), new Date('2027-01-05T10:00:00Z')))).toBe('no error');
    });

    it('takes the backdating limit from the policy', () => {
      const strict = { ...policy, maxBackdateDays: 3 };
      const at = (receivedAt: string) => () => decide(startedState(), cancelEvent(new Date(receivedAt)), now, strict);
      expect(domainErrorOf(at('2027-05-12T10:00:00Z'))).toBe('no error');
      expect(domainErrorOf(at('2027-05-11T10:00:00Z'))).toBe('RECEIVED_TOO_LONG_AGO');
    });
  });

  it.each([
    ['1 ms after now', '2027-05-15T10:00:00.001Z'],
    ['tomorrow', '2027-05-16T10:00:00Z'],
  ])('a notice received %s → RECEIVED_IN_FUTURE', (_label, receivedAt) => {
    expect(domainErrorOf(() => decide(startedState(), cancelEvent(new Date(receivedAt)), new Date('2027-05-15T10:00:00Z')))).toBe('RECEIVED_IN_FUTURE');
  });

  it.each([
    ['already cancelled', 'ALREADY_CANCELLED', () => decide(startedState(), cancelEvent(new Date('2027-03-01T10:00:00Z')), new Date('2027-03-01T10:00:00Z')).state],
    ['ended', 'CONTRACT_ENDED', endedState],
    ['a trial cancelled (ended at once)', 'CONTRACT_ENDED', () => decide(trialState(), cancelEvent(new Date('2027-01-20T09:00:00Z')), new Date('2027-01-20T09:00:00Z')).state],
  ])('cancelling a contract that is %s → %s', (_label, code, build) => {
    const at = new Date('2027-09-01T10:00:00Z');
    expect(domainErrorOf(() => decide(build(), cancelEvent(at), at))).toBe(code);
  });

  describe('cancelling during the trial ends the contract at once', () => {
    // Trial started 10.01.2027; cancelled 20.01.2027 10:00 CET.
    it.each([
      [false, '2027-05-21'], // end + 121 days: deleted 120 days after the first day out of force
      [true, '2027-01-21'], // "cancel and delete data": deleted at the end (00:00 on the next day)
    ])('deleteData %s → ended on the receipt day, data deletion due %s', (deleteData, dataDeletionDueOn) => {
      const at = new Date('2027-01-20T09:00:00Z');
      const decision = decide(trialState(), cancelEvent(at, { deleteData }), at);

      expect(previewCancellation(trialState(), at)).toEqual({ receivedOn: '2027-01-20', endsOn: '2027-01-20' });
      expect(decision.state).toMatchObject({
        status: 'ended',
        endedOn: '2027-01-20',
        dataDeletionDueOn,
        cancellation: { receivedOn: '2027-01-20', endsOn: '2027-01-20', deleteData },
        revision: 3, // two transitions: cancelled, then ended
      });
      expect(decision.commands).toEqual([
        {
          type: 'notify',
          step: 'r2/cancellation-confirmed',
          notice: { template: 'cancellation-confirmed', context: { receivedOn: '2027-01-20', endsOn: '2027-01-20', deleteData, droppedPlanChange: false } },
        },
        {
          type: 'record',
          step: 'r2/fact/cancelled',
          fact: { type: 'cancelled', effectiveOn: '2027-01-20', data: { receivedOn: '2027-01-20', channel: 'online', deleteData, droppedPlanChange: false, reason: null } },
        },
        { type: 'notify', step: 'r3/contract-ended', notice: { template: 'contract-ended', context: { endedOn: '2027-01-20', deleteData } } },
        { type: 'record', step: 'r3/fact/ended', fact: { type: 'ended', effectiveOn: '2027-01-20', data: { deleteData, dataDeletionDueOn, pausedSince: null } } },
      ]);
    });

    it('also ends a converted trial at once, on the local receipt day (23:30 CET counts as that day)', () => {
      const converted = decide(trialState(), { type: 'convert-trial', plan: 'plus', paymentMethod: 'card' }, new Date('2027-01-15T09:00:00Z')).state;
      const at = new Date('2027-01-20T22:30:00Z'); // 20.01. 23:30 CET
      expect(decide(converted, cancelEvent(at), at).state).toMatchObject({ status: 'ended', endedOn: '2027-01-20' });
    });
  });

  it('drops a pending downgrade and says so in the confirmation', () => {
    const downgrading = decide(startedState(), { type: 'change-plan', plan: 'basis', acceptTerms: true }, new Date('2027-02-15T10:00:00Z')).state;
    expect(downgrading.pendingPlanChange).toMatchObject({ plan: 'basis', effectiveOn: '2027-07-01' });

    const at = new Date('2027-03-01T10:00:00Z');
    const decision = decide(downgrading, cancelEvent(at), at);

    expect(decision.state).toMatchObject({ plan: 'plus', pendingPlanChange: null, cancellation: { receivedOn: '2027-03-01', endsOn: '2027-06-30' }, revision: 3 });
    expect(decision.commands).toEqual([
      expect.objectContaining({
        step: 'r3/cancellation-confirmed',
        notice: { template: 'cancellation-confirmed', context: { receivedOn: '2027-03-01', endsOn: '2027-06-30', deleteData: false, droppedPlanChange: true } },
      }),
      expect.objectContaining({ step: 'r3/fact/cancelled', fact: expect.objectContaining({ data: expect.objectContaining({ droppedPlanChange: true }) }) }),
    ]);
    expect(nextDeadline(decision.state)).toEqual(new Date('2027-06-30T22:00:00Z')); // the end, not the dropped switch
  });
});

describe('revoke-cancellation', () => {
  // Business contract, notice received 31.03.2027 → endsOn 30.06.2027 (00:00 CEST on 01.07. = 30.06. 22:00 UTC).
  const cancelled = () => decide(startedState(), cancelEvent(new Date('2027-03-31T08:00:00Z')), new Date('2027-03-31T08:00:00Z')).state;

  it.each([
    ['the day after the notice', '2027-04-01T08:00:00Z', '2027-04-01'],
    ['on endsOn, morning', '2027-06-30T08:00:00Z', '2027-06-30'],
    ['on endsOn, 23:59:59 CEST', '2027-06-30T21:59:59Z', '2027-06-30'],
  ])('is allowed %s (%s, local %s)', (_label, at, today) => {
    const state = cancelled();
    const decision = decide(state, { type: 'revoke-cancellation' }, new Date(at));

    expect(decision.state).toEqual({ ...state, cancellation: null, revision: 3 });
    expect(decision.commands).toEqual([
      { type: 'notify', step: 'r3/cancellation-revoked', notice: { template: 'cancellation-revoked', context: { plan: 'plus' } } },
      {
        type: 'record',
        step: 'r3/fact/cancellation-revoked',
        fact: { type: 'cancellation-revoked', effectiveOn: today, data: { endsOn: '2027-06-30' } },
      },
    ]);
    expect(nextDeadline(decision.state)).toBeNull();
  });

  it.each([
    ['nothing is pending', 'NOTHING_TO_REVOKE', () => startedState(), '2027-04-01T08:00:00Z'],
    ['after endsOn, before the end deadline ran (01.07. 00:00 CEST)', 'NOTICE_PERIOD_OVER', cancelled, '2027-06-30T22:00:00Z'],
    ['after endsOn, a week later', 'NOTICE_PERIOD_OVER', cancelled, '2027-07-07T08:00:00Z'],
    ['the contract ended', 'NOTICE_PERIOD_OVER', endedState, '2027-07-01T08:00:00Z'],
    ['a trial was cancelled (ended at once)', 'NOTICE_PERIOD_OVER', () => decide(trialState(), cancelEvent(new Date('2027-01-20T09:00:00Z')), new Date('2027-01-20T09:00:00Z')).state, '2027-01-20T10:00:00Z'],
  ])('when %s → %s', (_label, code, build, at) => {
    expect(domainErrorOf(() => decide(build(), { type: 'revoke-cancellation' }, new Date(at)))).toBe(code);
  });

  it('resets the notice: a later cancellation counts from its own receipt date', () => {
    const revoked = decide(cancelled(), { type: 'revoke-cancellation' }, new Date('2027-04-02T08:00:00Z')).state;
    const at = new Date('2027-04-05T08:00:00Z');
    expect(decide(revoked, cancelEvent(at), at).state.cancellation).toMatchObject({ receivedOn: '2027-04-05', endsOn: '2027-09-30' });
  });

  it('works on endsOn in Vienna until 23:59:59 local time', () => {
    const state = decide(startedState({ timeZone: VIENNA }), cancelEvent(new Date('2027-11-30T10:00:00Z')), new Date('2027-11-30T10:00:00Z')).state;
    expect(state.cancellation?.endsOn).toBe('2028-03-31');
    expect(domainErrorOf(() => decide(state, { type: 'revoke-cancellation' }, new Date('2028-03-31T21:59:59Z')))).toBe('no error'); // 23:59:59 CEST
    expect(domainErrorOf(() => decide(state, { type: 'revoke-cancellation' }, new Date('2028-03-31T22:00:00Z')))).toBe('NOTICE_PERIOD_OVER');
  });
});

describe('change-plan', () => {
  describe('upgrade basis → plus: immediate, the current month prorated by days', () => {
    it.each([
      // now (UTC), local day, prorated days, days in month
      ['2028-07-15T10:00:00Z', '2028-07-15', 17, 31],
      ['2028-01-31T23:30:00Z', '2028-02-01', 29, 29], // 01.02. 00:30 CET; leap February
      ['2028-02-29T10:00:00Z', '2028-02-29', 1, 29],
      ['2027-02-28T22:59:59Z', '2027-02-28', 1, 28], // 28.02. 23:59:59 CET
      ['2027-04-30T22:30:00Z', '2027-05-01', 31, 31], // 01.05. 00:30 CEST
      ['2027-11-30T10:00:00Z', '2027-11-30', 1, 30],
    ])('at %s (local %s) → %i of %i days', (now, effectiveOn, proratedDays, daysInMonth) => {
      const state = startedState({ plan: 'basis', seats: 1 });
      const decision = decide(state, { type: 'change-plan', plan: 'plus', acceptTerms: false }, new Date(now));

      expect(decision.state).toEqual({ ...state, plan: 'plus', revision: 2 });
      expect(decision.commands).toEqual([
        { type: 'notify', step: 'r2/plan-upgraded', notice: { template: 'plan-upgraded', context: { fromPlan: 'basis', toPlan: 'plus', effectiveOn, seats: 1 } } },
        {
          type: 'record',
          step: 'r2/fact/plan-upgraded',
          fact: { type: 'plan-upgraded', effectiveOn, data: { fromPlan: 'basis', toPlan: 'plus', seats: 1, proratedDays, daysInMonth } },
        },
      ]);
    });
  });

  describe('downgrade plus → basis: effective the day after the notice end date', () => {
    it.each([
      ['business', BERLIN, '2027-02-15T10:00:00Z', '2027-02-15', '2027-07-01'],
      ['business', BERLIN, '2027-05-01T10:00:00Z', '2027-05-01', '2027-10-01'],
      ['business', BERLIN, '2027-03-31T10:00:00Z', '2027-03-31', '2027-07-01'],
      ['business', BERLIN, '2027-04-01T10:00:00Z', '2027-04-01', '2027-10-01'],
      ['business', BERLIN, '2027-03-31T21:30:00Z', '2027-03-31', '2027-07-01'], // 31.03. 23:30 CEST
      ['business', BERLIN, '2027-03-31T22:30:00Z', '2027-04-01', '2027-10-01'], // 01.04. 00:30 CEST
      ['business', BERLIN, '2027-11-30T10:00:00Z', '2027-11-30', '2028-04-01'], // + 3 months = 29.02.2028
      ['business', VIENNA, '2027-10-15T10:00:00Z', '2027-10-15', '2028-04-01'],
      ['consumer', BERLIN, '2027-02-15T10:00:00Z', '2027-02-15', '2027-03-16'],
      ['consumer', BERLIN, '2027-01-31T10:00:00Z', '2027-01-31', '2027-03-01'], // ends 28.02. (clamped)
      ['consumer', VIENNA, '2027-12-15T10:00:00Z', '2027-12-15', '2028-01-16'],
    ] as const)('%s in %s, requested %s (local %s) → effective %s; plus stays meanwhile', (customerType, timeZone, now, receivedOn, effectiveOn) => {
      const state = startedState({ customerType, timeZone }, new Date('2026-06-01T10:00:00Z'));
      const decision = decide(state, { type: 'change-plan', plan: 'basis', acceptTerms: true }, new Date(now));

      expect(decision.state).toEqual({
        ...state,
        pendingPlanChange: { plan: 'basis', requestedAt: new Date(now).toISOString(), receivedOn, effectiveOn },
        revision: 2,
      });
      expect(decision.commands).toEqual([
        { type: 'notify', step: 'r2/plan-change-scheduled', notice: { template: 'plan-change-scheduled', context: { fromPlan: 'plus', toPlan: 'basis', effectiveOn } } },
        {
          type: 'record',
          step: 'r2/fact/plan-change-scheduled',
          fact: { type: 'plan-change-scheduled', effectiveOn, data: { fromPlan: 'plus', toPlan: 'basis', receivedOn } },
        },
      ]);
    });
  });

  const downgrading = () => decide(startedState(), { type: 'change-plan', plan: 'basis', acceptTerms: true }, new Date('2027-02-15T10:00:00Z')).state;
  const cancelled = () => decide(startedState(), cancelEvent(new Date('2027-02-15T10:00:00Z')), new Date('2027-02-15T10:00:00Z')).state;

  const cancelledBasis = () =>
    decide(startedState({ plan: 'basis', seats: 1 }), cancelEvent(new Date('2027-02-15T10:00:00Z')), new Date('2027-02-15T10:00:00Z')).state;
  const endedBasis = () =>
    applyAll(startedState({ plan: 'basis', seats: 1 }), [
      [cancelEvent(new Date('2027-03-31T08:00:00Z')), new Date('2027-03-31T08:00:00Z')],
      [DEADLINE, new Date('2027-07-01T08:00:00Z')],
    ]);

  it.each<[string, string, () => ContractState, PlanId, boolean]>([
    ['a downgrade without accepting the terms', 'TERMS_NOT_ACCEPTED', () => startedState(), 'basis', false],
    ['plus → plus', 'SAME_PLAN', () => startedState(), 'plus', true],
    ['basis → basis', 'SAME_PLAN', () => startedState({ plan: 'basis', seats: 1 }), 'basis', true],
    ['a second downgrade while one is pending', 'PLAN_CHANGE_PENDING', downgrading, 'basis', true],
    ['an upgrade while a downgrade is pending', 'PLAN_CHANGE_PENDING', downgrading, 'plus', true],
    ['a downgrade during the trial', 'PLAN_CHANGE_BLOCKED', trialState, 'basis', true],
    ['a downgrade while a cancellation is pending', 'PLAN_CHANGE_BLOCKED', cancelled, 'basis', true],
    ['an upgrade while a cancellation is pending', 'PLAN_CHANGE_BLOCKED', cancelledBasis, 'plus', true],
    ['a downgrade after the end', 'CONTRACT_ENDED', endedState, 'basis', true],
    ['an upgrade after the end', 'CONTRACT_ENDED', endedBasis, 'plus', true],
  ])('%s → %s', (_label, code, build, plan, acceptTerms) => {
    expect(domainErrorOf(() => decide(build(), { type: 'change-plan', plan, acceptTerms }, new Date('2027-08-01T10:00:00Z')))).toBe(code);
  });
});

describe('revoke-plan-change', () => {
  // Requested 15.02.2027 → effectiveOn 01.07.2027 (00:00 CEST = 30.06. 22:00 UTC).
  const downgrading = () => decide(startedState(), { type: 'change-plan', plan: 'basis', acceptTerms: true }, new Date('2027-02-15T10:00:00Z')).state;

  it.each([
    ['the next day', '2027-02-16T10:00:00Z', '2027-02-16'],
    ['the day before effectiveOn, 23:59:59 CEST', '2027-06-30T21:59:59Z', '2027-06-30'],
  ])('is allowed %s', (_label, at, today) => {
    const state = downgrading();
    const decision = decide(state, { type: 'revoke-plan-change' }, new Date(at));

    expect(decision.state).toEqual({ ...state, pendingPlanChange: null, revision: 3 });
    expect(decision.commands).toEqual([
      { type: 'notify', step: 'r3/plan-change-revoked', notice: { template: 'plan-change-revoked', context: { plan: 'plus' } } },
      { type: 'record', step: 'r3/fact/plan-change-revoked', fact: { type: 'plan-change-revoked', effectiveOn: today, data: { plan: 'basis', effectiveOn: '2027-07-01' } } },
    ]);
    expect(nextDeadline(decision.state)).toBeNull();
  });

  it.each([
    ['nothing is pending', 'NOTHING_TO_REVOKE', () => startedState(), '2027-03-01T10:00:00Z'],
    ['on effectiveOn, 00:00 CEST', 'NOTICE_PERIOD_OVER', downgrading, '2027-06-30T22:00:00Z'],
    ['a week after effectiveOn (switch not yet applied)', 'NOTICE_PERIOD_OVER', downgrading, '2027-07-08T10:00:00Z'],
    ['the switch was applied', 'NOTHING_TO_REVOKE', () => decide(downgrading(), DEADLINE, new Date('2027-06-30T22:00:00Z')).state, '2027-07-01T10:00:00Z'],
  ])('when %s → %s', (_label, code, build, at) => {
    expect(domainErrorOf(() => decide(build(), { type: 'revoke-plan-change' }, new Date(at)))).toBe(code);
  });
});

describe('convert-trial', () => {
  it.each([
    ['basis', 'sepa', '2027-01-20T09:00:00Z'],
    ['plus', 'card', '2027-02-08T22:59:59Z'], // the last trial day, 23:59:59 CET
    ['plus', 'transfer', '2027-01-10T09:00:01Z'], // the first trial day
  ] as const)('to %s by %s at %s: paid from the day after the trial (09.02.2027)', (plan, paymentMethod, at) => {
    const state = trialState({ seats: 3 });
    const decision = decide(state, { type: 'convert-trial', plan, paymentMethod }, new Date(at));

    expect(decision.state).toEqual({
      ...state,
      paidFrom: '2027-02-09',
      conversion: { plan, paymentMethod, convertedAt: new Date(at).toISOString() },
      revision: 2,
    });
    expect(decision.state).toMatchObject({ status: 'trial', plan: 'plus', seats: 3 }); // the trial runs on until its end
    expect(decision.commands).toEqual([
      { type: 'notify', step: 'r2/trial-converted', notice: { template: 'trial-converted', context: { plan, paidFrom: '2027-02-09' } } },
      { type: 'record', step: 'r2/fact/trial-converted', fact: { type: 'trial-converted', effectiveOn: '2027-02-09', data: { plan, paymentMethod } } },
    ]);
  });

  it.each([
    ['a paid contract', 'NOT_IN_TRIAL', () => startedState()],
    ['a converted trial', 'ALREADY_CONVERTED', () => decide(trialState(), { type: 'convert-trial', plan: 'basis', paymentMethod: 'sepa' }, new Date('2027-01-20T09:00:00Z')).state],
    ['an ended trial', 'CONTRACT_ENDED', () => decide(trialState(), DEADLINE, new Date('2027-02-09T09:00:00Z')).state],
  ])('converting %s → %s', (_label, code, build) => {
    expect(domainErrorOf(() => decide(build(), { type: 'convert-trial', plan: 'plus', paymentMethod: 'card' }, new Date('2027-01-25T09:00:00Z')))).toBe(code);
  });

  it.each([
    ['08.02. 23:59:59 CET, the last trial day', '2027-02-08T22:59:59Z', 'no error'],
    ['09.02. 00:00:01 CET, before the trial-end timer ran', '2027-02-08T23:00:01Z', 'NOT_IN_TRIAL'],
  ])('converting on %s → %s', (_label, at, code) => {
    expect(domainErrorOf(() => decide(trialState(), { type: 'convert-trial', plan: 'plus', paymentMethod: 'card' }, new Date(at)))).toBe(code);
  });
});

describe('pause and resume', () => {
  it.each([
    ['2027-03-31T22:30:00Z', '2027-04-01'], // 01.04. 00:30 CEST
    ['2027-03-31T21:30:00Z', '2027-03-31'], // 31.03. 23:30 CEST
    ['2027-12-31T23:00:00Z', '2028-01-01'], // 01.01. 00:00 CET
  ])('pausing at %s → paused since the local date %s; resuming makes it active again', (at, pausedSince) => {
    const state = startedState();
    const paused = decide(state, { type: 'pause' }, new Date(at));

    expect(paused.state).toEqual({ ...state, status: 'paused', pausedSince, revision: 2 });
    expect(paused.commands).toEqual([
      { type: 'notify', step: 'r2/contract-paused', notice: { template: 'contract-paused', context: { pausedSince, pauseFeeCents: 500 } } },
      { type: 'record', step: 'r2/fact/paused', fact: { type: 'paused', effectiveOn: pausedSince, data: { pauseFeeCents: 500 } } },
    ]);

    const resumed = decide(paused.state, { type: 'resume' }, new Date('2028-02-10T10:00:00Z'));
    expect(resumed.state).toEqual({ ...state, revision: 3 });
    expect(resumed.commands).toEqual([
      { type: 'notify', step: 'r3/contract-resumed', notice: { template: 'contract-resumed', context: { resumedOn: '2028-02-10', plan: 'plus' } } },
      { type: 'record', step: 'r3/fact/resumed', fact: { type: 'resumed', effectiveOn: '2028-02-10', data: { pausedSince } } },
    ]);
  });

  const paused = () => decide(startedState(), { type: 'pause' }, new Date('2027-03-01T10:00:00Z')).state;
  it.each<[string, string, () => ContractState, ContractEvent]>([
    ['pausing a trial', 'NOT_ACTIVE', trialState, { type: 'pause' }],
    ['pausing twice', 'ALREADY_PAUSED', paused, { type: 'pause' }],
    ['resuming an active contract', 'NOT_PAUSED', () => startedState(), { type: 'resume' }],
    ['resuming a trial', 'NOT_PAUSED', trialState, { type: 'resume' }],
    ['pausing an ended contract', 'CONTRACT_ENDED', endedState, { type: 'pause' }],
    ['resuming an ended contract', 'CONTRACT_ENDED', endedState, { type: 'resume' }],
  ])('%s → %s', (_label, code, build, event) => {
    expect(domainErrorOf(() => decide(build(), event, new Date('2027-08-01T10:00:00Z')))).toBe(code);
  });

  it('takes the pause fee from the policy', () => {
    const decision = decide(startedState(), { type: 'pause' }, new Date('2027-03-01T10:00:00Z'), { ...policy, pauseFeeCents: 700 });
    expect(decision.commands[0]).toMatchObject({ notice: { context: { pauseFeeCents: 700 } } });
  });
});

describe('change-seats', () => {
  it.each([
    ['plus', 3, 5, 3],
    ['plus', 3, 1, 1],
    ['plus', 3, 100, 1], // plus has no seat limit
  ] as const)('%s: %i → %i seats with %i users', (plan, from, seats, userCount) => {
    const state = startedState({ plan, seats: from });
    const decision = decide(state, { type: 'change-seats', seats, userCount }, new Date('2027-03-31T22:30:00Z')); // 01.04. 00:30 CEST

    expect(decision.changed).toBe(true);
    expect(decision.state).toEqual({ ...state, seats, revision: 2 });
    expect(decision.commands).toEqual([
      { type: 'notify', step: 'r2/seats-changed', notice: { template: 'seats-changed', context: { seats, effectiveOn: '2027-04-01' } } },
      { type: 'record', step: 'r2/fact/seats-changed', fact: { type: 'seats-changed', effectiveOn: '2027-04-01', data: { from, to: seats } } },
    ]);
  });

  it.each<[string, string, PlanId, number, number, number]>([
    ['basis: 2 seats', 'SEAT_LIMIT_REACHED', 'basis', 1, 2, 1],
    ['basis: 10 seats', 'SEAT_LIMIT_REACHED', 'basis', 1, 10, 1],
    ['plus: 2 seats for 3 users', 'SEATS_BELOW_USERS', 'plus', 3, 2, 3],
    ['plus: 4 seats for 5 users', 'SEATS_BELOW_USERS', 'plus', 5, 4, 5],
  ])('%s → %s', (_label, code, plan, from, seats, userCount) => {
    expect(domainErrorOf(() => decide(startedState({ plan, seats: from }), { type: 'change-seats', seats, userCount }, new Date('2027-03-01T10:00:00Z')))).toBe(code);
  });

  it.each<[PlanId, number, number]>([
    ['plus', 3, 2],
    ['plus', 3, 3],
    ['basis', 1, 1],
  ])('%s: unchanged %i seats (%i users) is a no-op: same state, no commands', (plan, seats, userCount) => {
    const state = startedState({ plan, seats });
    const decision = decide(state, { type: 'change-seats', seats, userCount }, new Date('2027-03-01T10:00:00Z'));
    expect(decision).toEqual({ state, commands: [], changed: false });
    expect(decision.state).toBe(state);
  });

  it('on an ended contract → CONTRACT_ENDED', () => {
    expect(domainErrorOf(() => decide(endedState(), { type: 'change-seats', seats: 4, userCount: 1 }, new Date('2027-08-01T10:00:00Z')))).toBe('CONTRACT_ENDED');
  });
});

describe('revisions and idempotency steps', () => {
  it.each<[string, number, () => ContractState, ContractEvent, string]>([
    ['cancel', 1, () => startedState(), cancelEvent(new Date('2027-03-01T10:00:00Z')), '2027-03-01T10:00:00Z'],
    ['change-plan (upgrade)', 1, () => startedState({ plan: 'basis', seats: 1 }), { type: 'change-plan', plan: 'plus', acceptTerms: false }, '2027-03-01T10:00:00Z'],
    ['change-plan (downgrade)', 1, () => startedState(), { type: 'change-plan', plan: 'basis', acceptTerms: true }, '2027-03-01T10:00:00Z'],
    ['convert-trial', 1, trialState, { type: 'convert-trial', plan: 'plus', paymentMethod: 'card' }, '2027-01-20T10:00:00Z'],
    ['pause', 1, () => startedState(), { type: 'pause' }, '2027-03-01T10:00:00Z'],
    ['change-seats', 1, () => startedState(), { type: 'change-seats', seats: 7, userCount: 1 }, '2027-03-01T10:00:00Z'],
    // Two transitions in one decision: each gets its own revision, so their steps differ.
    ['cancel during the trial (cancelled, then ended)', 2, trialState, cancelEvent(new Date('2027-01-20T10:00:00Z')), '2027-01-20T10:00:00Z'],
  ])('%s raises the revision by %i', (_label, delta, build, event, at) => {
    const state = build();
    const decision = decide(state, event, new Date(at));
    expect(decision.state.revision - state.revision).toBe(delta);
    // Every step is named after the revision of the transition that produced it.
    for (const step of stepsOf(decision)) {
      const revision = Number(/^r(\d+)\//.exec(step)?.[1]);
      expect(revision).toBeGreaterThan(state.revision);
      expect(revision).toBeLessThanOrEqual(decision.state.revision);
    }
  });

  describe('decide never mutates its input', () => {
    const downgrading = () => decide(startedState(), { type: 'change-plan', plan: 'basis', acceptTerms: true }, new Date('2027-02-15T10:00:00Z')).state;
    const paused = () => decide(startedState(), { type: 'pause' }, new Date('2027-03-01T10:00:00Z')).state;
    it.each<[string, () => ContractState, ContractEvent, string]>([
      ['cancel', () => startedState(), cancelEvent(new Date('2027-03-01T10:00:00Z'), { deleteData: true }), '2027-03-01T10:00:00Z'],
      ['cancel dropping a downgrade', downgrading, cancelEvent(new Date('2027-03-01T10:00:00Z')), '2027-03-01T10:00:00Z'],
      ['cancel in the trial', trialState, cancelEvent(new Date('2027-01-20T10:00:00Z')), '2027-01-20T10:00:00Z'],
      ['revoke-cancellation', () => decide(startedState(), cancelEvent(new Date('2027-03-01T10:00:00Z')), new Date('2027-03-01T10:00:00Z')).state, { type: 'revoke-cancellation' }, '2027-03-02T10:00:00Z'],
      ['change-plan', () => startedState(), { type: 'change-plan', plan: 'basis', acceptTerms: true }, '2027-03-01T10:00:00Z'],
      ['revoke-plan-change', downgrading, { type: 'revoke-plan-change' }, '2027-03-01T10:00:00Z'],
      ['convert-trial', trialState, { type: 'convert-trial', plan: 'basis', paymentMethod: 'sepa' }, '2027-01-20T10:00:00Z'],
      ['pause', () => startedState(), { type: 'pause' }, '2027-03-01T10:00:00Z'],
      ['resume', paused, { type: 'resume' }, '2027-03-02T10:00:00Z'],
      ['change-seats', () => startedState(), { type: 'change-seats', seats: 5, userCount: 2 }, '2027-03-01T10:00:00Z'],
      ['deadline-reached (trial reminder and end)', trialState, DEADLINE, '2027-03-01T10:00:00Z'],
      ['deadline-reached (plan switch)', downgrading, DEADLINE, '2027-07-01T10:00:00Z'],
      ['deadline-reached (end, notice, deletion)', () => decide(startedState(), cancelEvent(new Date('2027-03-01T10:00:00Z')), new Date('2027-03-01T10:00:00Z')).state, DEADLINE, '2028-01-01T10:00:00Z'],
    ])('%s', (_label, build, event, at) => {
      const state = build();
      const snapshot = structuredClone(state);
      deepFreeze(state);
      deepFreeze(event);

      const decision = decide(state, event, new Date(at));

      expect(decision.changed).toBe(true);
      expect(decision.state).not.toEqual(snapshot);
      expect(state).toEqual(snapshot);
    });
  });

  describe('over a long, generated life of events', () => {
    /** mulberry32: a tiny seeded PRNG, so a failure reproduces. */
    function random(seed: number): () => number {
      let a = seed >>> 0;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    const DAY = 86_400_000;
    /** Customer events with weights: cancelling is rare, so a life lasts long enough to matter. */
    const customerEvents = (next: () => number, now: Date, state: ContractState): Array<[number, ContractEvent]> => [
      [1, cancelEvent(new Date(now.getTime() - Math.floor(next() * 16) * DAY), { deleteData: next() < 0.3, channel: next() < 0.5 ? 'online' : 'letter' })],
      [4, { type: 'revoke-cancellation' }],
      [3, { type: 'change-plan', plan: next() < 0.5 ? 'basis' : 'plus', acceptTerms: next() < 0.9 }],
      [2, { type: 'revoke-plan-change' }],
      [1, { type: 'convert-trial', plan: next() < 0.5 ? 'basis' : 'plus', paymentMethod: 'sepa' }],
      [2, { type: 'pause' }],
      [2, { type: 'resume' }],
      [3, { type: 'change-seats', seats: 1 + Math.floor(next() * 4), userCount: 1 + Math.floor(next() * Math.max(1, state.seats)) }],
    ];
    function pick(next: () => number, weighted: Array<[number, ContractEvent]>): ContractEvent {
      let ticket = next() * weighted.reduce((sum, [weight]) => sum + weight, 0);
      for (const [weight, event] of weighted) {
        ticket -= weight;
        if (ticket < 0) return event;
      }
      return weighted[weighted.length - 1][1];
    }

    /**
     * One generated contract life: random customer events at random times, each due deadline
     * applied first (as the workflow does), then every remaining deadline until nothing is ahead.
     * Checks every decision on the way; returns what the life produced.
     */
    function live(seed: number): { steps: string[]; templates: Set<string>; transitions: number } {
      const next = random(seed);
      const customerType: CustomerType = next() < 0.5 ? 'business' : 'consumer';
      let now = new Date(Date.UTC(2027, 0, 1 + Math.floor(next() * 365), Math.floor(next() * 24)));
      const started = startContract(newContract({ customerType, trial: seed % 2 === 1, timeZone: seed % 3 === 0 ? VIENNA : BERLIN }), now);
      let state = started.state;
      const steps = stepsOf(started);
      const templates = new Set<string>(['contract-started']);

      const apply = (event: ContractEvent, at: Date): void => {
        const snapshot = structuredClone(state);
        let decision: Decision;
        try {
          decision = decide(deepFreeze(state), deepFreeze(event), at);
        } catch (error) {
          if (error instanceof DomainError) return;
          throw error;
        }
        expect(state).toEqual(snapshot); // never mutated
        const delta = decision.state.revision - state.revision;
        if (!decision.changed) {
          expect(decision.state).toBe(state);
          expect(decision.commands).toEqual([]);
          expect(delta).toBe(0);
        } else if (event.type === 'deadline-reached') {
          expect(delta).toBeGreaterThanOrEqual(1); // one per deadline applied
        } else {
          expect(delta).toBe(event.type === 'cancel' && state.status === 'trial' ? 2 : 1);
        }
        for (const command of decision.commands) {
          const revision = Number(/^r(\d+)\//.exec(command.step)?.[1]);
          expect(revision).toBeGreaterThan(state.revision);
          expect(revision).toBeLessThanOrEqual(decision.state.revision);
          if (command.type === 'notify') templates.add(command.notice.template);
        }
        steps.push(...stepsOf(decision));
        state = decision.state;
      };

      for (let i = 0; i < 400 && !state.dataDeleted; i += 1) {
        now = new Date(now.getTime() + Math.floor(next() * 3 * DAY) + Math.floor(next() * DAY));
        const due = nextDeadline(state);
        const candidate = pick(next, customerEvents(next, now, state));
        apply(due && due.getTime() <= now.getTime() ? DEADLINE : candidate, now);
      }
      // End the life if the customer never did (a pending cancellation stays as it is).
      if (state.status !== 'ended') apply(cancelEvent(now), now);
      for (let due = nextDeadline(state); due; due = nextDeadline(state)) {
        const before = state.revision;
        apply(DEADLINE, due);
        expect(state.revision).toBeGreaterThan(before); // a deadline at its own instant always applies
      }
      expect(state).toMatchObject({ status: 'ended', dataDeleted: true });
      return { steps, templates, transitions: state.revision - 1 };
    }

    const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    it.each(SEEDS)('seed %i: every step of the life is unique', (seed) => {
      const { steps } = live(seed);
      expect(new Set(steps).size).toBe(steps.length);
    });

    it('the generated lives are long and reach every notice template', () => {
      const lives = SEEDS.map(live);
      const templates = new Set(lives.flatMap((life) => [...life.templates]));
      expect([...templates].sort()).toEqual([
        'cancellation-confirmed',
        'cancellation-revoked',
        'contract-ended',
        'contract-paused',
        'contract-resumed',
        'contract-started',
        'data-deletion-notice',
        'plan-change-revoked',
        'plan-change-scheduled',
        'plan-downgraded',
        'plan-upgraded',
        'seats-changed',
        'trial-converted',
        'trial-reminder',
      ]);
      expect(lives.reduce((sum, life) => sum + life.transitions, 0)).toBeGreaterThan(500);
      expect(Math.max(...lives.map((life) => life.transitions))).toBeGreaterThan(100);
    });

    it('a scripted life through every kind of event names every step once', () => {
      const life: Array<readonly [ContractEvent, string]> = [
        [{ type: 'change-seats', seats: 2, userCount: 1 }, '2027-02-01T10:00:00Z'],
        [{ type: 'change-plan', plan: 'basis', acceptTerms: true }, '2027-02-02T10:00:00Z'],
        [{ type: 'revoke-plan-change' }, '2027-02-03T10:00:00Z'],
        [{ type: 'change-plan', plan: 'basis', acceptTerms: true }, '2027-02-04T10:00:00Z'],
        [DEADLINE, '2027-07-01T10:00:00Z'],
        [{ type: 'change-plan', plan: 'plus', acceptTerms: false }, '2027-07-02T10:00:00Z'],
        [{ type: 'pause' }, '2027-07-03T10:00:00Z'],
        [{ type: 'resume' }, '2027-07-04T10:00:00Z'],
        [{ type: 'pause' }, '2027-07-05T10:00:00Z'],
        [{ type: 'resume' }, '2027-07-06T10:00:00Z'],
        [cancelEvent(new Date('2027-07-07T10:00:00Z')), '2027-07-07T10:00:00Z'],
        [{ type: 'revoke-cancellation' }, '2027-07-08T10:00:00Z'],
        [cancelEvent(new Date('2027-07-09T10:00:00Z')), '2027-07-09T10:00:00Z'],
        [{ type: 'revoke-cancellation' }, '2027-07-10T10:00:00Z'],
        [cancelEvent(new Date('2027-07-11T10:00:00Z')), '2027-07-11T10:00:00Z'],
        [DEADLINE, '2028-01-01T10:00:00Z'], // ended 31.12.2027
        [DEADLINE, '2028-05-01T10:00:00Z'], // deletion notice 16.04.2028, deletion 30.04.2028
      ];
      const start = startContract(newContract(), new Date('2027-01-04T09:00:00Z'));
      let state = start.state;
      const steps = stepsOf(start);
      for (const [event, at] of life) {
        const decision = decide(state, event, new Date(at));
        expect(decision.state.revision).toBeGreaterThan(state.revision);
        steps.push(...stepsOf(decision));
        state = decision.state;
      }
      expect(state).toMatchObject({ status: 'ended', endedOn: '2027-12-31', dataDeleted: true });
      expect(steps.filter((step) => step.endsWith('/cancellation-confirmed'))).toEqual(['r12/cancellation-confirmed', 'r14/cancellation-confirmed', 'r16/cancellation-confirmed']);
      expect(steps.filter((step) => step.endsWith('/contract-paused'))).toEqual(['r8/contract-paused', 'r10/contract-paused']);
      expect(new Set(steps).size).toBe(steps.length);
      expect(steps).toHaveLength(38);
    });
  });
});
