/**
 * The invoice run inside each contract workflow, told as stories on the time-skipping server.
 * Activities are in-memory recorders (numbering per year, usage per contract); the API tier runs
 * the same paths against PostgreSQL, SMTP and the documents.
 */
import { randomUUID } from 'node:crypto';
import { billingOffsetMinutes } from '../../src/domain/billing-run';
import { billingQuery, cancelUpdate, changePlanUpdate, pauseUpdate, resumeUpdate, stateQuery } from '../../workflows/messages';
import type { StoryWorld } from '../helpers/workflow-story';
import { berlin, createStoryWorld, newContract } from '../helpers/workflow-story';

let world: StoryWorld;
beforeAll(async () => {
  world = await createStoryWorld('story-billing');
});
afterEach(async () => {
  await world?.retire();
});
afterAll(async () => {
  await world?.teardown();
});

/** Net, VAT and gross of each invoice of a contract, in cents. */
function totals(contractId: string) {
  return world.activities.invoicesOf(contractId).map((i) => [i.number, i.draft.netCents, i.draft.vatCents, i.draft.grossCents]);
}

test('DOMAIN.md worked example: 15.01. → 31.26 / 5.94 / 37.20; 01.02. → 69.00 / 13.11 / 82.11, numbers consecutive', async () => {
  // Day 0: 15.01.2027 10:00 Berlin — plus, 3 seats, German business.
  await world.skipTo(berlin('2027-01-15', '10:00'));
  const contract = newContract({ plan: 'plus', seats: 3 });
  const handle = await world.start(contract);
  await world.settle();
  expect(totals(contract.id)).toEqual([['2027-000001', 3126, 594, 3720]]);
  const [first] = world.activities.invoicesOf(contract.id);
  expect(first.draft).toMatchObject({ issuedOn: '2027-01-15', dueOn: '2027-01-29', servicePeriod: { from: '2027-01-15', to: '2027-01-31' } });
  expect(first.idempotencyKey).toBe(`${handle.workflowId}/bill/2027-01-15`);
  expect(world.activities.deliveries.map((d) => d.idempotencyKey)).toContain(`${handle.workflowId}/bill/2027-01-15/delivery`);

  // Day 5: 120 SMS invitations.
  world.activities.usage.set(contract.id, [{ on: '2027-01-20', quantity: 120, billed: false }]);

  // Day 17: 01.02., after the run's slot (00:00 + the contract's offset, within 4 hours).
  const runAt = new Date(berlin('2027-02-01').getTime() + billingOffsetMinutes(contract.id) * 60_000);
  await world.skipTo(new Date(runAt.getTime() - 60_000));
  expect(world.activities.invoicesOf(contract.id)).toHaveLength(1); // not yet: the legal day, but its slot is later
  await world.skipTo(berlin('2027-02-01', '04:00'));
  expect(totals(contract.id)).toEqual([
    ['2027-000001', 3126, 594, 3720],
    ['2027-000002', 6900, 1311, 8211],
  ]);
  const second = world.activities.invoicesOf(contract.id)[1];
  expect(second.draft.lines.map((l) => [l.kind, l.quantity, l.netCents])).toEqual([
    ['base-fee', 3, 5700],
    ['usage', 120, 1200],
  ]);
  expect(second.usageThrough).toBe('2027-01-31');
  expect(world.activities.usage.get(contract.id)?.[0].billed).toBe(true);
  expect((await handle.query(billingQuery)).lastRunOn).toBe('2027-02-01');
  await world.recordHistory(handle.workflowId, 'billing-two-invoices');
});

test('a pause that arrives before the start-day run: the run bills the active start, the pause fee goes on the next invoice', async () => {
  // Day 0: 15.03.2027 10:00 Berlin; the pause is sent the moment the workflow starts, while its
  // first steps (mirror, welcome mail) still run and the start-day run is not queued yet.
  await world.skipTo(berlin('2027-03-15', '10:00'));
  const contract = newContract({ plan: 'plus', seats: 3 });
  const handle = await world.start(contract);
  await handle.executeUpdate(pauseUpdate, { args: [] });
  await handle.executeUpdate(resumeUpdate, { args: [] });
  await world.settle();
  // 15.–31.03.: 3 × 19.00 × 17/31 = 31.26; 01.04.: 57.00 + the pause fee of 15.–31.03. (5.00 × 17/31 = 2.74).
  expect(world.activities.invoicesOf(contract.id).map((i) => [i.draft.issuedOn, i.draft.netCents])).toEqual([['2027-03-15', 3126]]);
  await world.skipTo(berlin('2027-04-01', '06:00'));
  expect(world.activities.invoicesOf(contract.id).map((i) => [i.draft.issuedOn, i.draft.netCents])).toEqual([
    ['2027-03-15', 3126],
    ['2027-04-01', 5974],
  ]);
  // The patched branch (bill-due-runs-before-changes) for the replay tier.
  await world.recordHistory(handle.workflowId, 'pause-before-start-run');
});

test('AT consumer at 20 %, reverse charge for an AT business with VAT ID, and a basis contract with no invoice', async () => {
  await world.skipTo(berlin('2027-03-01', '06:00'));
  const consumer = newContract({ customerType: 'consumer', timeZone: 'Europe/Vienna', seats: 1 });
  const business = newContract({ timeZone: 'Europe/Vienna', seats: 2 });
  const basis = newContract({ plan: 'basis', seats: 1 });
  world.activities.taxProfiles.set(consumer.id, { issuerCountry: 'DE', customerCountry: 'AT', customerType: 'consumer', customerVatId: null });
  world.activities.taxProfiles.set(business.id, { issuerCountry: 'DE', customerCountry: 'AT', customerType: 'business', customerVatId: 'ATU12345678' });
  await world.start(consumer);
  await world.start(business);
  await world.start(basis);
  await world.settle();
  expect(world.activities.invoicesOf(consumer.id).map((i) => [i.draft.netCents, i.draft.vatCents, i.draft.grossCents, i.draft.vatGroups[0].ratePercent])).toEqual([[1900, 380, 2280, 20]]);
  expect(world.activities.invoicesOf(business.id).map((i) => [i.draft.netCents, i.draft.vatCents, i.draft.reverseCharge, i.draft.vatGroups[0].category])).toEqual([[3800, 0, true, 'AE']]);
  await world.skipTo(berlin('2027-05-01', '06:00'));
  expect(world.activities.invoicesOf(basis.id)).toEqual([]);
  expect((await world.env.client.workflow.getHandle(`contract-${basis.id}`).query(billingQuery)).lastRunOn).toBe('2027-05-01');
});

test('an upgrade mid-month is prorated on the next invoice', async () => {
  await world.skipTo(berlin('2027-06-01', '06:00'));
  const contract = newContract({ plan: 'basis', seats: 1 });
  const handle = await world.start(contract);
  await world.skipTo(berlin('2027-06-10', '09:00'));
  await handle.executeUpdate(changePlanUpdate, { args: [{ plan: 'plus', acceptTerms: false }] });
  await world.skipTo(berlin('2027-07-01', '06:00'));
  const [july] = world.activities.invoicesOf(contract.id);
  // 19.00 × 21/30 = 13.30 for 10.–30.06., then July in advance.
  expect(july.draft.lines.map((l) => [l.kind, l.quantity, l.netCents, l.servicePeriod.from])).toEqual([
    ['proration', 1, 1330, '2027-06-10'],
    ['base-fee', 1, 1900, '2027-07-01'],
  ]);
  expect(july.draft.grossCents).toBe(3230 + 614);
});

test('cancel and delete data: the final invoice (usage of the last month) is issued before the personal data is deleted', async () => {
  await world.skipTo(berlin('2027-09-30', '10:00'));
  const contract = newContract({ seats: 1 });
  const handle = await world.start(contract);
  await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: true, channel: 'online', reason: null }] });
  await world.skipTo(berlin('2027-12-10', '12:00'));
  world.activities.usage.set(contract.id, [{ on: '2027-12-10', quantity: 7, billed: false }]);
  // 01.01.2028 00:00: ended; personal data is deleted at once — but the final invoice goes first.
  await world.skipTo(berlin('2028-01-01', '00:00'));
  await world.settle();
  expect((await handle.query(stateQuery)).status).toBe('ended');
  const invoices = world.activities.invoicesOf(contract.id);
  expect(invoices.map((i) => i.draft.issuedOn)).toEqual(['2027-09-30', '2027-10-01', '2027-11-01', '2027-12-01', '2028-01-01']);
  expect(invoices.at(-1)?.draft.lines.map((l) => [l.kind, l.quantity])).toEqual([['usage', 7]]);
  // A new year starts a new number series.
  expect(invoices.at(-1)?.number).toBe('2028-000001');
  const order = world.activities.calls.filter((c) => c.endsWith(contract.id));
  expect(order.indexOf(`issueInvoice ${contract.id}`, order.lastIndexOf(`issueInvoice ${contract.id}`))).toBeLessThan(order.indexOf(`deletePersonalData ${contract.id}`));
  expect((await handle.query(billingQuery)).finalRunDone).toBe(true);
});

test('an issue retried after it took its number finds its invoice: no second number', async () => {
  await world.skipTo(berlin('2028-02-01', '06:00'));
  const contract = newContract({ id: randomUUID(), seats: 2 });
  const issue = world.activities.issueInvoice.bind(world.activities);
  let failOnce = true;
  world.activities.issueInvoice = async (input) => {
    const result = await issue(input);
    if (failOnce && input.contractId === contract.id) {
      failOnce = false;
      throw new Error('worker lost its connection after the commit'); // retryable: Temporal runs it again
    }
    return result;
  };
  try {
    await world.start(contract);
    await world.settle();
    const mine = world.activities.invoicesOf(contract.id);
    expect(mine).toHaveLength(1);
    const numbers = world.activities.invoices.filter((i) => i.number.startsWith('2028-')).map((i) => Number(i.number.slice(5)));
    expect(numbers).toEqual(numbers.map((_, index) => index + 1)); // contiguous across all contracts of the year
    expect(world.activities.deliveries.filter((d) => d.invoiceId === mine[0].invoiceId)).toHaveLength(1);
  } finally {
    world.activities.issueInvoice = issue;
  }
});
