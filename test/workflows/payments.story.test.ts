/**
 * The money side inside each contract workflow, told as stories on the time-skipping server:
 * SEPA debits collected on the due date, card charges on the issue date, prepaid top-ups and
 * suspension (DOMAIN.md, "Billing"). Payment events reach the workflow as `ledgerChanged`
 * signals; the API tier runs the same paths against PostgreSQL, the PSP and camt.053.
 */
import { billingOffsetMinutes } from '../../src/domain/billing-run';
import { chargeFailedSignal, ledgerChangedSignal, paymentsQuery, stateQuery } from '../../workflows/messages';
import type { StoryWorld } from '../helpers/workflow-story';
import { berlin, createStoryWorld, newContract } from '../helpers/workflow-story';

let world: StoryWorld;
beforeAll(async () => {
  world = await createStoryWorld('story-payments');
  world.activities.paidOnIssue = false;
});
afterEach(async () => {
  await world?.retire();
});
afterAll(async () => {
  await world?.teardown();
});

const offsetMs = (contractId: string) => billingOffsetMinutes(contractId) * 60_000;

test('SEPA: the debit of the invoice of 15.01. is collected on its due date 29.01. (after the contract slot), once', async () => {
  await world.skipTo(berlin('2027-01-15', '10:00'));
  const contract = newContract({ plan: 'plus', seats: 3 });
  world.activities.paymentMethods.set(contract.id, 'sepa');
  const handle = await world.start(contract);
  await world.settle();
  const [invoice] = world.activities.invoicesOf(contract.id);
  expect((await handle.query(paymentsQuery)).sepaDue).toEqual([{ invoiceId: invoice.invoiceId, number: '2027-000001', dueOn: '2027-01-29' }]);
  await world.skipTo(new Date(berlin('2027-01-29').getTime() + offsetMs(contract.id) - 60_000));
  expect(world.activities.collections).toEqual([]);
  await world.skipTo(berlin('2027-01-29', '05:00'));
  expect(world.activities.collections.map((c) => [c.invoiceId, c.bookedOn, c.idempotencyKey])).toEqual([[invoice.invoiceId, '2027-01-29', `${handle.workflowId}/sepa/${invoice.invoiceId}`]]);
  const payments = await handle.query(paymentsQuery);
  expect(payments.sepaDue).toEqual([]);
  expect(payments.receivables.openInvoices).toEqual([]);
  await world.recordHistory(handle.workflowId, 'sepa-collection');
});

test('card: the invoice is charged on its issue date; a newer ledger snapshot wins over an older one', async () => {
  await world.skipTo(berlin('2027-02-01', '06:00'));
  const contract = newContract({ plan: 'plus', seats: 1 });
  world.activities.paymentMethods.set(contract.id, 'card');
  world.activities.cards.add(contract.id);
  const handle = await world.start(contract);
  await world.settle();
  expect(world.activities.charges.filter((c) => c.contractId === contract.id).map((c) => [c.kind, c.amountCents])).toEqual([['invoice', 2261]]);
  const older = world.activities.receivablesOf(contract.id);
  const paid = world.activities.pay(contract.id, 2261);
  await handle.signal(ledgerChangedSignal, paid);
  await handle.signal(ledgerChangedSignal, older); // arrives late: ignored
  await world.settle();
  expect((await handle.query(paymentsQuery)).receivables).toEqual(paid);
});

test('prepaid without card: suspended on the invoice day, paid on day 30 → active; the next one unpaid → ended after 90 days', async () => {
  await world.skipTo(berlin('2027-03-15', '10:00'));
  const contract = newContract({ plan: 'plus', seats: 1, billingMode: 'prepaid' });
  world.activities.paymentMethods.set(contract.id, 'prepaid');
  const handle = await world.start(contract);
  await world.settle();
  expect(world.activities.invoicesOf(contract.id).map((i) => i.paymentMethod)).toEqual(['prepaid']);
  expect(await handle.query(stateQuery)).toMatchObject({ status: 'suspended', suspendedSince: '2027-03-15', suspensionReason: 'prepaid-unpaid' });
  expect(world.activities.templates(contract.id)).toContain('contract-suspended');

  // Day 30 (13.04.): the customer pays (a prepayment through the PSP) → restored.
  await world.skipTo(berlin('2027-04-13', '12:00'));
  const open = world.activities.invoicesOf(contract.id).reduce((s, i) => s + i.openCents, 0);
  await handle.signal(ledgerChangedSignal, world.activities.pay(contract.id, open));
  await world.settle();
  expect(await handle.query(stateQuery)).toMatchObject({ status: 'active', suspendedSince: null });
  expect(world.activities.templates(contract.id)).toContain('contract-restored');

  // 01.05.: the next invoice is not covered (no card) → suspended again; nothing paid → ends after 90 days.
  await world.skipTo(berlin('2027-05-01', '06:00'));
  expect(await handle.query(stateQuery)).toMatchObject({ status: 'suspended', suspendedSince: '2027-05-01' });
  await world.skipTo(berlin('2027-07-29', '12:00'));
  expect((await handle.query(stateQuery)).status).toBe('suspended'); // day 90 is the last day in force
  await world.skipTo(berlin('2027-07-30', '01:00'));
  expect(await handle.query(stateQuery)).toMatchObject({ status: 'ended', endedOn: '2027-07-29' });
  expect(world.activities.templates(contract.id)).toContain('contract-ended-unpaid');
  await world.recordHistory(handle.workflowId, 'prepaid-suspension');
});

test('prepaid with a card: the shortfall is topped up from the card; a declined top-up suspends', async () => {
  await world.skipTo(berlin('2027-09-01', '06:00'));
  const contract = newContract({ plan: 'plus', seats: 2, billingMode: 'prepaid' });
  world.activities.paymentMethods.set(contract.id, 'prepaid');
  world.activities.cards.add(contract.id);
  world.activities.credit.set(contract.id, 1000);
  const handle = await world.start(contract);
  await world.settle();
  // 2 × 19.00 + 19 % = 45.22; 10.00 credit applied → 35.22 topped up.
  expect(world.activities.charges.filter((c) => c.contractId === contract.id).map((c) => [c.kind, c.amountCents])).toEqual([['top-up', 3522]]);
  expect((await handle.query(stateQuery)).status).toBe('active');
  await handle.signal(chargeFailedSignal, { invoiceId: world.activities.invoicesOf(contract.id)[0].invoiceId, purpose: 'top-up', reason: 'card_declined' });
  await world.settle();
  expect(await handle.query(stateQuery)).toMatchObject({ status: 'suspended', suspensionReason: 'prepaid-unpaid' });
});
