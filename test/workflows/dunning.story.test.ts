/**
 * Dunning inside the contract workflow, told on the time-skipping server (DOMAIN.md, "Dunning",
 * "Dunning precision"): the default ladder D+7 / D+14 / D+28 / D+42 at 00:00 local (plus the
 * contract's slot), full payment stops it, a dispute hold pauses it and moves the rest, a
 * chargeback restarts it, the handover suspends the contract. Amounts, letters and partners are
 * in the API tier; here the activities are recorders.
 */
import { billingOffsetMinutes } from '../../src/domain/billing-run';
import { disputeUpdate, ledgerChangedSignal, paymentsQuery, stateQuery } from '../../workflows/messages';
import type { StoryWorld } from '../helpers/workflow-story';
import { berlin, createStoryWorld, newContract } from '../helpers/workflow-story';

let world: StoryWorld;
beforeAll(async () => {
  world = await createStoryWorld('story-dunning');
  world.activities.paidOnIssue = false;
});
afterAll(async () => {
  await world?.retire();
  await world?.teardown();
});

/** 04:00 Berlin of `day`: after every contract's slot (00:00 + offset < 4 h). */
const after = (day: string) => berlin(day, '04:00');

test('one timeline from 01.03.2027: unpaid → reminder 22.03., 1st letter 29.03., final 12.04., handover 26.04. (suspended); paid 02.04. → nothing after; disputed 05.04. → no handover; chargeback → restart from the reminder', async () => {
  await world.skipTo(berlin('2027-03-01', '10:00'));
  const unpaid = newContract({ plan: 'plus', seats: 1 });
  const paid = newContract({ plan: 'plus', seats: 1 });
  const disputed = newContract({ plan: 'plus', seats: 1 });
  const chargedBack = newContract({ plan: 'plus', seats: 1 });
  const handles = Object.fromEntries(await Promise.all([unpaid, paid, disputed, chargedBack].map(async (c) => [c.id, await world.start(c)] as const)));
  await world.settle();
  const invoiceOf = (id: string) => world.activities.invoicesOf(id)[0];
  for (const c of [unpaid, paid, disputed, chargedBack]) expect(invoiceOf(c.id).draft).toMatchObject({ issuedOn: '2027-03-01', dueOn: '2027-03-15' });

  // chargedBack pays on 10.03. (on time).
  await world.skipTo(berlin('2027-03-10', '12:00'));
  await handles[chargedBack.id].signal(ledgerChangedSignal, world.activities.pay(chargedBack.id, invoiceOf(chargedBack.id).openCents));

  // 21.03. (D+6): nothing yet; 22.03. (D+7) after the slot: the reminder, once.
  await world.skipTo(after('2027-03-21'));
  expect(world.activities.dunningOf(invoiceOf(unpaid.id).invoiceId)).toEqual([]);
  const reminderAt = new Date(berlin('2027-03-22').getTime() + billingOffsetMinutes(unpaid.id) * 60_000);
  await world.skipTo(new Date(reminderAt.getTime() - 60_000));
  expect(world.activities.dunningOf(invoiceOf(unpaid.id).invoiceId)).toEqual([]);
  await world.skipTo(after('2027-03-22'));
  for (const c of [unpaid, paid, disputed]) expect(world.activities.dunningOf(invoiceOf(c.id).invoiceId)).toEqual([['reminder', '2027-03-22']]);
  expect(world.activities.dunningOf(invoiceOf(chargedBack.id).invoiceId)).toEqual([]);

  await world.skipTo(after('2027-03-29'));
  expect(world.activities.dunningOf(invoiceOf(unpaid.id).invoiceId)).toEqual([['reminder', '2027-03-22'], ['first-letter', '2027-03-29']]);

  // 02.04.: `paid` pays everything (principal and the 5.00 fee).
  await world.skipTo(berlin('2027-04-02', '12:00'));
  await handles[paid.id].signal(ledgerChangedSignal, world.activities.pay(paid.id, invoiceOf(paid.id).openCents));
  // 05.04.: an operator puts `disputed` on hold.
  await world.skipTo(berlin('2027-04-05', '09:00'));
  const held = await handles[disputed.id].executeUpdate(disputeUpdate, { args: [{ invoiceId: invoiceOf(disputed.id).invoiceId, onHold: true, reason: 'Kunde bestreitet Leistung' }] });
  expect(held).toMatchObject({ onHold: true, level: 2, nextStepOn: null });
  // 20.04.: `chargedBack`'s payment is charged back → the ladder starts from the reminder, counted from 20.04.
  await world.skipTo(berlin('2027-04-20', '12:00'));
  await handles[chargedBack.id].signal(ledgerChangedSignal, world.activities.chargeBack(chargedBack.id, invoiceOf(chargedBack.id).invoiceId, 2261, '2027-04-20'));

  await world.skipTo(after('2027-04-26'));
  expect(world.activities.dunningOf(invoiceOf(unpaid.id).invoiceId)).toEqual([
    ['reminder', '2027-03-22'],
    ['first-letter', '2027-03-29'],
    ['final-letter', '2027-04-12'],
    ['handover', '2027-04-26'],
  ]);
  expect(await handles[unpaid.id].query(stateQuery)).toMatchObject({ status: 'suspended', suspensionReason: 'collection', suspendedSince: '2027-04-26' });
  expect(world.activities.dunningOf(invoiceOf(paid.id).invoiceId)).toEqual([['reminder', '2027-03-22'], ['first-letter', '2027-03-29']]);
  expect(world.activities.dunningOf(invoiceOf(disputed.id).invoiceId)).toEqual([['reminder', '2027-03-22'], ['first-letter', '2027-03-29']]);
  expect(world.activities.dunningOf(invoiceOf(chargedBack.id).invoiceId)).toEqual([]);
  expect(world.activities.disputes.map((d) => [d.onHold, d.nextStepOn])).toEqual([[true, null]]);

  // 27.04.: the chargeback's reminder (20.04. + 7). 10.05.: the hold is lifted after 35 days → the
  // final letter moves from 12.04. to 17.05. (the handover would be 31.05., but April's invoice is
  // handed over on 27.05. and takes the March claim, no longer disputed, with it).
  await world.skipTo(after('2027-04-27'));
  expect(world.activities.dunningOf(invoiceOf(chargedBack.id).invoiceId)).toEqual([['reminder', '2027-04-27']]);
  await world.skipTo(berlin('2027-05-10', '09:00'));
  const lifted = await handles[disputed.id].executeUpdate(disputeUpdate, { args: [{ invoiceId: invoiceOf(disputed.id).invoiceId, onHold: false, reason: null }] });
  expect(lifted).toMatchObject({ onHold: false, level: 2, nextStepOn: '2027-05-17' });
  await world.skipTo(after('2027-05-31'));
  expect(world.activities.dunningOf(invoiceOf(disputed.id).invoiceId).slice(2)).toEqual([['final-letter', '2027-05-17']]);
  const april = world.activities.invoicesOf(disputed.id)[1];
  expect(world.activities.dunningOf(april.invoiceId).at(-1)).toEqual(['handover', '2027-05-27']);
  expect(await handles[disputed.id].query(stateQuery)).toMatchObject({ status: 'suspended', suspendedSince: '2027-05-27' });
  // The handed-over claim (and April's invoice, in dunning too) is paid → the contract is active again.
  const owed = world.activities.invoicesOf(unpaid.id).reduce((sum, i) => sum + i.openCents, 0);
  await handles[unpaid.id].signal(ledgerChangedSignal, world.activities.pay(unpaid.id, owed));
  await world.settle();
  expect((await handles[unpaid.id].query(stateQuery)).status).toBe('active');
  expect(world.activities.agencyReports.filter((c) => c === unpaid.id)).toHaveLength(1); // the agency hears of the payment
  expect((await handles[unpaid.id].query(paymentsQuery)).dunning?.invoices[0]).toMatchObject({ level: 4, handedOver: true });
  await world.recordHistory(handles[unpaid.id].workflowId, 'dunning-handover');
});
