/**
 * Contract workflow stories on Temporal's time-skipping server. Activities are in-memory
 * recorders here: this tier checks the workflow's timing and decisions; the API tier runs the
 * same paths against PostgreSQL and SMTP.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { nextDeadline } from '../../src/domain/contract';
import { cancelUpdate, revokeCancellationUpdate, settledQuery, stateQuery } from '../../workflows/messages';
import type { StoryWorld } from '../helpers/workflow-story';
import { berlin, createStoryWorld, newContract } from '../helpers/workflow-story';

let world: StoryWorld;
beforeAll(async () => {
  world = await createStoryWorld('story-cancellation');
});
afterEach(async () => {
  await world?.retire();
});
afterAll(async () => {
  await world?.teardown();
});

test('business notice received 31.03. ends 30.06.; in force through 30.06., ended on 01.07.', async () => {
  // Day 0: 31.03.2027 10:00 Berlin.
  await world.skipTo(berlin('2027-03-31', '10:00'));
  const contract = newContract();
  const handle = await world.start(contract);
  const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
  expect(cancelled.cancellation?.endsOn).toBe('2027-06-30');
  expect(cancelled.cancellation?.receivedOn).toBe('2027-03-31');

  // Day 91: 30.06. 23:59 — still in force.
  await world.skipTo(berlin('2027-06-30', '23:59'));
  expect((await handle.query(stateQuery)).status).toBe('active');

  // Day 92: 01.07. 00:00 local — ended.
  await world.skipTo(berlin('2027-07-01', '00:01'));
  const final = await handle.query(stateQuery);
  expect(final.status).toBe('ended');
  expect(final.endedOn).toBe('2027-06-30');
  expect(world.activities.templates(contract.id)).toEqual(['contract-started', 'cancellation-confirmed', 'contract-ended']);
  // The database mirror received the final state.
  expect(world.activities.saved.filter((s) => s.id === contract.id).at(-1)?.status).toBe('ended');
  await world.recordHistory(handle.workflowId, 'contract-cancel-end');
});

test('revoked cancellation: a later notice counts from its own receipt date', async () => {
  await world.skipTo(berlin('2027-08-02', '09:00'));
  const contract = newContract();
  const handle = await world.start(contract);
  const first = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: true, channel: 'online', reason: null }] });
  expect(first.cancellation?.endsOn).toBe('2027-12-31');

  // Nothing pending after revocation; a second revocation is a conflict.
  await world.skipTo(berlin('2027-09-15', '12:00'));
  const revoked = await handle.executeUpdate(revokeCancellationUpdate);
  expect(revoked.cancellation).toBeNull();
  await expect(handle.executeUpdate(revokeCancellationUpdate)).rejects.toThrow(WorkflowUpdateFailedError);
  await expect(handle.executeUpdate(revokeCancellationUpdate)).rejects.toMatchObject({ cause: { type: 'NOTHING_TO_REVOKE' } });

  // New notice on 01.10.2027: 01.10. + 3 months = 01.01.2028 → ends 31.03.2028.
  await world.skipTo(berlin('2027-10-01', '08:00'));
  const again = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
  expect(again.cancellation?.endsOn).toBe('2028-03-31');
  // Cancelling twice is a conflict.
  await expect(handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] })).rejects.toMatchObject({
    cause: { type: 'ALREADY_CANCELLED' },
  });
  // The contract's own next deadline is its end; the workflow wakes earlier, for November's invoice run.
  expect(nextDeadline(await handle.query(stateQuery))?.toISOString()).toBe(berlin('2028-04-01').toISOString());
  const settled = await handle.query(settledQuery);
  const wake = Date.parse(settled.nextDeadline as string);
  expect(wake).toBeGreaterThanOrEqual(berlin('2027-11-01').getTime());
  expect(wake).toBeLessThan(berlin('2027-11-01', '04:00').getTime());

  await world.skipTo(berlin('2028-04-01', '00:00'));
  const final = await handle.query(stateQuery);
  expect(final.endedOn).toBe('2028-03-31');
  expect(world.activities.templates(contract.id)).toEqual([
    'contract-started',
    'cancellation-confirmed',
    'cancellation-revoked',
    'cancellation-confirmed',
    'contract-ended',
  ]);
  const keys = world.activities.notices.filter((n) => n.contractId === contract.id).map((n) => n.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  await world.recordHistory(handle.workflowId, 'contract-revoke-recancel');
});

test('consumer notice: one month, no anchor (31.01.2032 → 29.02.2032, leap year)', async () => {
  await world.skipTo(berlin('2032-01-31', '18:00'));
  const handle = await world.start(newContract({ customerType: 'consumer' }));
  const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
  expect(cancelled.cancellation?.endsOn).toBe('2032-02-29');
  await world.skipTo(berlin('2032-03-01', '00:00'));
  expect((await handle.query(stateQuery)).endedOn).toBe('2032-02-29');
});

test('an operator cannot record a notice received in the future', async () => {
  const handle = await world.start(newContract());
  const future = new Date((await world.env.currentTimeMs()) + 3_600_000).toISOString();
  await expect(
    handle.executeUpdate(cancelUpdate, { args: [{ receivedAt: future, deleteData: false, channel: 'phone', reason: 'call' }] }),
  ).rejects.toMatchObject({ cause: { type: 'RECEIVED_IN_FUTURE' } });
  expect((await handle.query(stateQuery)).cancellation).toBeNull();
  await handle.terminate('test done');
});
