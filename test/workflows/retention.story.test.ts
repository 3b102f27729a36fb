/**
 * Retention carried out by the contract's own workflow (DOMAIN.md, "Retention and deletion"),
 * on the time-skipping server: after the end and the deletion of personal data it sleeps until
 * the next retainUntil has passed, destroys what is due, keeps what a legal hold covers until
 * the hold is lifted, and completes when nothing is left. (What is destroyed, and the log, are
 * tested on PostgreSQL in test/activities/retention.activity.test.ts.)
 */
import { cancelUpdate, legalHoldUpdate, stateQuery } from '../../workflows/messages';
import type { StoryWorld } from '../helpers/workflow-story';
import { berlin, createStoryWorld, newContract } from '../helpers/workflow-story';

let world: StoryWorld;
beforeAll(async () => {
  world = await createStoryWorld('story-retention');
});
afterAll(async () => {
  await world?.retire();
  await world?.teardown();
});

test('a DE invoice of 2027 exists on 31.12.2035 and is destroyed on 01.01.2036; one under legal hold survives until the hold is lifted; then the workflow completes', async () => {
  await world.skipTo(berlin('2027-03-01', '10:00'));
  const contract = newContract({ plan: 'plus', seats: 1 });
  const handle = await world.start(contract);
  await world.settle();
  await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: true, channel: 'online', reason: null }] });
  world.activities.retained.set(contract.id, [
    { retainUntil: '2035-12-31', held: false, invoiceId: 'i-2027-1' }, // DE invoice of 2027 (8 years)
    { retainUntil: '2037-12-31', held: false, invoiceId: null }, // DE ledger entries of 2027 (10 years)
    { retainUntil: '2035-12-31', held: false, invoiceId: 'i-2027-2' }, // will be held
  ]);
  await world.skipTo(berlin('2027-07-02', '12:00'));
  expect(await handle.query(stateQuery)).toMatchObject({ status: 'ended', dataDeleted: true });
  expect((await handle.describe()).status.name).toBe('RUNNING'); // kept alive by the records

  const held = await handle.executeUpdate(legalHoldUpdate, { args: [{ invoiceId: 'i-2027-2', hold: true, reason: 'Betriebsprüfung 2027' }] });
  expect(held).toEqual({ invoiceId: 'i-2027-2', hold: true });
  await expect(handle.executeUpdate(legalHoldUpdate, { args: [{ invoiceId: 'i-2027-2', hold: true, reason: ' ' }] })).rejects.toThrow();

  await world.skipTo(berlin('2035-12-31', '23:00'));
  expect(world.activities.destructions.filter((d) => d.contractId === contract.id)).toEqual([]);
  await world.skipTo(berlin('2036-01-01', '06:00'));
  expect(world.activities.destructions.map((d) => d.today)).toEqual(['2036-01-01']);
  expect(world.activities.retained.get(contract.id)?.map((r) => r.retainUntil)).toEqual(['2037-12-31', '2035-12-31']);

  await world.skipTo(berlin('2038-01-01', '06:00'));
  expect(world.activities.destructions.map((d) => d.today)).toEqual(['2036-01-01', '2038-01-01']);
  expect(world.activities.retained.get(contract.id)).toEqual([{ retainUntil: '2035-12-31', held: true, invoiceId: 'i-2027-2' }]);
  expect((await handle.describe()).status.name).toBe('RUNNING'); // the held invoice keeps it

  // The hold is lifted in 2039: the invoice (past its retention) is destroyed at once; nothing is left.
  await world.skipTo(berlin('2039-03-01', '10:00'));
  await handle.executeUpdate(legalHoldUpdate, { args: [{ invoiceId: 'i-2027-2', hold: false, reason: null }] });
  await world.settle();
  expect(world.activities.destructions.map((d) => d.today)).toEqual(['2036-01-01', '2038-01-01', '2039-03-01']);
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  expect((await handle.fetchHistory()).events?.length).toBeLessThan(200);
  await world.recordHistory(handle.workflowId, 'retention-legal-hold');
});
