/**
 * Contract lifecycle stories on the time-skipping server (issue "contract lifecycle"): trial,
 * plan changes, interplay with cancellation, pause, deletion, and a two-year contract that
 * continues as new. Each story lives in its own years so the shared clock only moves forward.
 */
import {
  cancelUpdate,
  changePlanUpdate,
  changeSeatsUpdate,
  convertTrialUpdate,
  pauseUpdate,
  resumeUpdate,
  revokePlanChangeUpdate,
  stateQuery,
} from '../../workflows/messages';
import { DEFAULT_CONTRACT_POLICY } from '../../src/domain/contract';
import type { StoryWorld } from '../helpers/workflow-story';
import { berlin, createStoryWorld, newContract } from '../helpers/workflow-story';

let world: StoryWorld;
beforeAll(async () => {
  world = await createStoryWorld('story-lifecycle');
});
afterEach(async () => {
  await world?.retire();
});
afterAll(async () => {
  await world?.teardown();
});

const rejectsWith = (promise: Promise<unknown>, type: string) => expect(promise).rejects.toMatchObject({ cause: { type } });

test('trial started 10.01.2027: reminder on 02.02., unconverted ends on 09.02.; converted on day 20 is paid plus from 09.02.', async () => {
  // Day 0: 10.01.2027 09:00.
  await world.skipTo(berlin('2027-01-10', '09:00'));
  const unconverted = await world.start(newContract({ trial: true, plan: 'basis', seats: 2 }));
  const converted = await world.start(newContract({ trial: true, plan: 'basis', seats: 2 }));
  const state0 = await unconverted.query(stateQuery);
  expect(state0).toMatchObject({ status: 'trial', plan: 'plus', trialEndsOn: '2027-02-08', paidFrom: null });

  // Day 20 (29.01.): the second trial converts to plus with a payment method.
  await world.skipTo(berlin('2027-01-29', '12:00'));
  const afterConversion = await converted.executeUpdate(convertTrialUpdate, { args: [{ plan: 'plus', paymentMethod: 'transfer' }] });
  expect(afterConversion).toMatchObject({ status: 'trial', paidFrom: '2027-02-09', conversion: { plan: 'plus' } });
  await rejectsWith(converted.executeUpdate(convertTrialUpdate, { args: [{ plan: 'plus', paymentMethod: 'card' }] }), 'ALREADY_CONVERTED');
  await rejectsWith(converted.executeUpdate(changePlanUpdate, { args: [{ plan: 'basis', acceptTerms: true }] }), 'PLAN_CHANGE_BLOCKED');

  // 01.02. 23:59: no reminder yet; 02.02. 00:00: reminder for the unconverted trial only.
  await world.skipTo(berlin('2027-02-01', '23:59'));
  expect(world.activities.templates(state0.id)).not.toContain('trial-reminder');
  await world.skipTo(berlin('2027-02-02', '00:00'));
  expect(world.activities.templates(state0.id)).toContain('trial-reminder');
  const convertedId = afterConversion.id;
  expect(world.activities.templates(convertedId)).not.toContain('trial-reminder');
  const reminder = world.activities.notices.find((n) => n.contractId === state0.id && n.notice.template === 'trial-reminder');
  expect(reminder?.notice.context).toEqual({ trialEndsOn: '2027-02-08', paidFrom: '2027-02-09' });

  // 08.02. 23:59: both still in trial; 09.02.: one ended, one active plus.
  await world.skipTo(berlin('2027-02-08', '23:59'));
  expect((await unconverted.query(stateQuery)).status).toBe('trial');
  await world.skipTo(berlin('2027-02-09', '00:00'));
  expect(await unconverted.query(stateQuery)).toMatchObject({ status: 'ended', endedOn: '2027-02-08' });
  expect(await converted.query(stateQuery)).toMatchObject({ status: 'active', plan: 'plus', paidFrom: '2027-02-09' });
  expect(world.activities.templates(convertedId)).toEqual(['contract-started', 'trial-converted']);
  await world.recordHistory(converted.workflowId, 'trial-converted');
  await world.recordHistory(unconverted.workflowId, 'trial-unconverted');
});

test('cancelling during a trial ends it at once', async () => {
  await world.skipTo(berlin('2027-03-01', '10:00'));
  const handle = await world.start(newContract({ trial: true }));
  const state = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
  expect(state).toMatchObject({ status: 'ended', endedOn: '2027-03-01' });
});

test('downgrade 15.02. → effective 01.07.; revoked 01.05.; requested again 01.05. → 01.10.; another contract switches on 01.07.', async () => {
  await world.skipTo(berlin('2028-02-15', '10:00'));
  const first = await world.start(newContract());
  const second = await world.start(newContract());
  await rejectsWith(first.executeUpdate(changePlanUpdate, { args: [{ plan: 'basis', acceptTerms: false }] }), 'TERMS_NOT_ACCEPTED');
  const scheduled = await first.executeUpdate(changePlanUpdate, { args: [{ plan: 'basis', acceptTerms: true }] });
  expect(scheduled).toMatchObject({ plan: 'plus', pendingPlanChange: { plan: 'basis', effectiveOn: '2028-07-01' } });
  await second.executeUpdate(changePlanUpdate, { args: [{ plan: 'basis', acceptTerms: true }] });
  await rejectsWith(first.executeUpdate(changePlanUpdate, { args: [{ plan: 'basis', acceptTerms: true }] }), 'PLAN_CHANGE_PENDING');

  // 01.05.: revoked → stays plus; requested again → the notice restarts: 01.05. + 3 months → 30.09. → effective 01.10.
  await world.skipTo(berlin('2028-05-01', '09:00'));
  expect((await first.executeUpdate(revokePlanChangeUpdate)).pendingPlanChange).toBeNull();
  await rejectsWith(first.executeUpdate(revokePlanChangeUpdate), 'NOTHING_TO_REVOKE');
  const again = await first.executeUpdate(changePlanUpdate, { args: [{ plan: 'basis', acceptTerms: true }] });
  expect(again.pendingPlanChange?.effectiveOn).toBe('2028-10-01');

  // 30.06. 23:59: the second contract still has plus; 01.07.: switched to basis, seats 1, account cleaned up.
  await world.skipTo(berlin('2028-06-30', '23:59'));
  expect((await second.query(stateQuery)).plan).toBe('plus');
  await world.skipTo(berlin('2028-07-01', '00:00'));
  const switched = await second.query(stateQuery);
  expect(switched).toMatchObject({ plan: 'basis', seats: 1, pendingPlanChange: null, status: 'active' });
  expect(world.activities.downgrades).toContain(switched.id);
  expect(world.activities.templates(switched.id)).toEqual(['contract-started', 'plan-change-scheduled', 'plan-downgraded']);
  expect((await first.query(stateQuery)).plan).toBe('plus');
  const firstId = (await first.query(stateQuery)).id;
  expect(world.activities.downgrades).not.toContain(firstId);
  await world.recordHistory(second.workflowId, 'downgrade-switch');

  // Upgrade back: immediate, prorated by days (01.07.–31.07. = 31 of 31 days... on 15.07.: 17 of 31).
  await world.skipTo(berlin('2028-07-15', '10:00'));
  const upgraded = await second.executeUpdate(changePlanUpdate, { args: [{ plan: 'plus', acceptTerms: false }] });
  expect(upgraded.plan).toBe('plus');
  await world.settle();
  const upgradeFact = world.activities.facts.find((f) => f.contractId === switched.id && f.fact.type === 'plan-upgraded');
  expect(upgradeFact?.fact).toMatchObject({ effectiveOn: '2028-07-15', data: { proratedDays: 17, daysInMonth: 31 } });
});

test('cancel while a downgrade is pending drops it; a plan change while cancelled is PLAN_CHANGE_BLOCKED', async () => {
  await world.skipTo(berlin('2029-01-10', '10:00'));
  const handle = await world.start(newContract());
  await handle.executeUpdate(changePlanUpdate, { args: [{ plan: 'basis', acceptTerms: true }] });
  const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
  expect(cancelled.pendingPlanChange).toBeNull();
  expect(cancelled.cancellation?.endsOn).toBe('2029-06-30');
  await world.settle();
  const confirmation = world.activities.notices.find((n) => n.contractId === cancelled.id && n.notice.template === 'cancellation-confirmed');
  expect(confirmation?.notice.context).toMatchObject({ droppedPlanChange: true });
  await rejectsWith(handle.executeUpdate(changePlanUpdate, { args: [{ plan: 'basis', acceptTerms: true }] }), 'PLAN_CHANGE_BLOCKED');
  await rejectsWith(handle.executeUpdate(revokePlanChangeUpdate), 'NOTHING_TO_REVOKE');
});

test('pause and resume; bad commands change nothing', async () => {
  await world.skipTo(berlin('2029-08-01', '10:00'));
  const handle = await world.start(newContract({ seats: 3 }));
  const paused = await handle.executeUpdate(pauseUpdate);
  expect(paused).toMatchObject({ status: 'paused', pausedSince: '2029-08-01' });
  await rejectsWith(handle.executeUpdate(pauseUpdate), 'ALREADY_PAUSED');
  await world.skipTo(berlin('2029-09-15', '10:00'));
  expect(await handle.executeUpdate(resumeUpdate)).toMatchObject({ status: 'active', pausedSince: null });
  await rejectsWith(handle.executeUpdate(resumeUpdate), 'NOT_PAUSED');
  await rejectsWith(handle.executeUpdate(changeSeatsUpdate, { args: [{ seats: 1, userCount: 2 }] }), 'SEATS_BELOW_USERS');
  const before = await handle.query(stateQuery);
  expect(before.seats).toBe(3);
  await world.settle();
  expect(world.activities.factTypes(before.id)).toEqual(['contract-started', 'paused', 'resumed']);
  await world.recordHistory(handle.workflowId, 'pause-resume');
});

test('cancel with deleteData: data deleted the day after endsOn; without: still there on day 119, gone on day 121', async () => {
  await world.skipTo(berlin('2030-03-31', '10:00'));
  const withDeletion = await world.start(newContract());
  const keep = await world.start(newContract());
  await withDeletion.executeUpdate(cancelUpdate, { args: [{ deleteData: true, channel: 'online', reason: null }] });
  await keep.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
  const deleteId = (await withDeletion.query(stateQuery)).id;
  const keepId = (await keep.query(stateQuery)).id;

  await world.skipTo(berlin('2030-06-30', '23:59'));
  expect(world.activities.deletions).not.toContain(deleteId);
  await world.skipTo(berlin('2030-07-01', '00:00'));
  expect(world.activities.deletions).toContain(deleteId);
  expect(world.activities.templates(deleteId).slice(-1)).toEqual(['contract-ended']);
  expect(await keep.query(stateQuery)).toMatchObject({ status: 'ended', dataDeletionDueOn: '2030-10-29' });
  await rejectsWith(keep.executeUpdate(pauseUpdate), 'CONTRACT_ENDED');

  // Day 119 after endsOn (27.10.): still there, notice sent 14 days before; day 121 (29.10.): gone.
  await world.skipTo(berlin('2030-10-27', '12:00'));
  expect(world.activities.deletions).not.toContain(keepId);
  const notice = world.activities.notices.find((n) => n.contractId === keepId && n.notice.template === 'data-deletion-notice');
  expect(notice?.notice.context).toEqual({ endedOn: '2030-06-30', deletionOn: '2030-10-29' });
  await world.skipTo(berlin('2030-10-29', '00:00'));
  expect(world.activities.deletions).toContain(keepId);
  await world.recordHistory(keep.workflowId, 'end-and-deletion');
});

test('a contract running two simulated years continues as new and still answers queries and updates', async () => {
  await world.skipTo(berlin('2031-01-01', '10:00'));
  // A small history limit makes continue-as-new happen within the story (the server suggests it at a far larger size).
  const handle = await world.start(newContract(), { ...DEFAULT_CONTRACT_POLICY, maxHistoryEvents: 40 });
  const firstRun = (await handle.describe()).runId;
  let pauses = 0;
  for (let month = 1; month <= 24; month++) {
    const date = new Date(Date.UTC(2031, month, 1, 9));
    await world.skipTo(date);
    await handle.executeUpdate(month % 2 === 1 ? pauseUpdate : resumeUpdate);
    pauses += month % 2;
  }
  // NOTE: the last update may make the run continue as new right away; a query that reaches the
  // time-skipping server in that moment is never answered, so give the new run a moment to start.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const description = await handle.describe();
  expect(description.runId).not.toBe(firstRun);
  expect(description.status.name).toBe('RUNNING');
  const state = await handle.query(stateQuery);
  expect(state.status).toBe('active');
  await world.settle();
  expect(world.activities.factTypes(state.id).filter((t) => t === 'paused')).toHaveLength(pauses);
  // Deadlines are re-armed in the new run: a cancellation still ends the contract on time.
  const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
  expect(cancelled.cancellation?.endsOn).toBe('2033-06-30');
  await world.skipTo(berlin('2033-07-01', '00:00'));
  expect((await handle.query(stateQuery)).status).toBe('ended');
  // The latest run's history: it starts from a continued state.
  await world.recordHistory(handle.workflowId, 'continued-as-new');
});
