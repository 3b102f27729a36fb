/**
 * A contract workflow never fails because a step failed: stories on the time-skipping server
 * where a side effect fails for good. The contract keeps its dates, the step becomes an
 * attention item, and the operator's retry runs it once.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { attentionQuery, cancelUpdate, pauseUpdate, retryStepUpdate, stateQuery } from '../../workflows/messages';
import type { StoryWorld } from '../helpers/workflow-story';
import { berlin, createStoryWorld, newContract } from '../helpers/workflow-story';

let world: StoryWorld;
beforeAll(async () => {
  world = await createStoryWorld('story-attention');
});
afterEach(async () => {
  await world?.retire();
});
afterAll(async () => {
  await world?.teardown();
});

test('end notice rejected for good: ended on time, attention item, the retry sends it once, then the workflow completes', async () => {
  // Day 0: 31.03.2027 10:00 Berlin; the customer cancels with data deletion at the end.
  await world.skipTo(berlin('2027-03-31', '10:00'));
  const contract = newContract();
  world.activities.rejectNotice = (input) => input.contractId === contract.id && input.notice.template === 'contract-ended';
  const handle = await world.start(contract);
  const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: true, channel: 'online', reason: null }] });
  expect(cancelled.cancellation?.endsOn).toBe('2027-06-30');

  // Day 92: 01.07. 00:00 — ended on time although its end notice bounced.
  await world.skipTo(berlin('2027-07-01', '00:01'));
  const ended = await handle.query(stateQuery);
  expect(ended).toMatchObject({ status: 'ended', endedOn: '2027-06-30', dataDeleted: true });
  expect(world.activities.saved.filter((s) => s.id === contract.id).at(-1)?.status).toBe('ended');
  expect(world.activities.deletions).toContain(contract.id);
  const [item, ...more] = await handle.query(attentionQuery);
  expect(more).toHaveLength(0);
  expect(item).toMatchObject({ kind: 'mail', attempts: 1, command: { type: 'notify', notice: { template: 'contract-ended' } } });
  expect(item.step).toMatch(/\/contract-ended$/);
  expect(item.error).toContain('MailPermanentFailure');
  expect(world.activities.attentionRaised).toEqual([expect.objectContaining({ contractId: contract.id, step: item.step, kind: 'mail' })]);
  // Nothing else is held up: the fact log got its entry after the failed mail.
  expect(world.activities.factTypes(contract.id)).toContain('ended');
  // Personal data is deleted, but the workflow waits for the operator instead of completing.
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // The operator retries an unknown step: rejected, nothing queued.
  await expect(handle.executeUpdate(retryStepUpdate, { args: ['r0/no-such-step'] })).rejects.toThrow(WorkflowUpdateFailedError);
  await expect(handle.executeUpdate(retryStepUpdate, { args: ['r0/no-such-step'] })).rejects.toMatchObject({ cause: { type: 'NO_SUCH_ATTENTION_ITEM' } });

  // Day 95: the mailbox works again; the operator retries: the mail goes out once, the item is resolved.
  await world.skipTo(berlin('2027-07-04', '09:00'));
  world.activities.rejectNotice = () => false;
  expect(await handle.executeUpdate(retryStepUpdate, { args: [item.step] })).toEqual({ step: item.step, queued: true });
  await world.settle();
  expect(world.activities.templates(contract.id).filter((t) => t === 'contract-ended')).toHaveLength(1);
  expect(world.activities.mailAttempts.filter((n) => n.contractId === contract.id && n.notice.template === 'contract-ended')).toHaveLength(2);
  expect(world.activities.attentionResolved).toContainEqual({ contractId: contract.id, step: item.step });
  for (let i = 0; i < 100 && (await handle.describe()).status.name === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 50));
  expect((await handle.describe()).status.name).toBe('COMPLETED');
});

test('the database mirror fails for good: the update still answers, the item shows, the next save clears it', async () => {
  await world.skipTo(berlin('2027-09-01', '10:00'));
  const contract = newContract();
  const handle = await world.start(contract);
  await world.settle();
  const save = world.activities.saveContract.bind(world.activities);
  let failing = true;
  world.activities.saveContract = async (state) => {
    if (failing && state.id === contract.id) throw ApplicationFailure.nonRetryable('relation "contracts" does not exist', 'P2021');
    return save(state);
  };
  try {
    // The pause is the workflow's truth even though its mirror could not be written.
    const paused = await handle.executeUpdate(pauseUpdate);
    expect(paused).toMatchObject({ status: 'paused', pausedSince: '2027-09-01' });
    const items = await handle.query(attentionQuery);
    expect(items).toEqual([expect.objectContaining({ step: 'save-contract', kind: 'database-mirror', command: null })]);
    expect(items[0].error).toContain('P2021');

    // The database is back; the operator retries the mirror: the state is saved, the item gone.
    failing = false;
    expect(await handle.executeUpdate(retryStepUpdate, { args: ['save-contract'] })).toEqual({ step: 'save-contract', queued: false });
    expect(await handle.query(attentionQuery)).toEqual([]);
    expect(world.activities.saved.filter((s) => s.id === contract.id).at(-1)).toMatchObject({ status: 'paused' });
  } finally {
    world.activities.saveContract = save;
  }
});
