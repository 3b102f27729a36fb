/**
 * Retention through the REST API in sandbox mode: the contract's own workflow keeps a DE
 * invoice of 2027 through 31.12.2035 and destroys it on 01.01.2036 (then 410), logs it once,
 * keeps one under legal hold until the hold is lifted, and completes once nothing is left.
 */
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';

const { p, api, newCustomer, advance, settle, eventually } = sandboxSuite({ dunning: true, customerName: 'Praxis Archiv', emailPrefix: 'retention' });

test('DE invoices of 2027: kept through 31.12.2035, destroyed on 01.01.2036 and logged once; a held one survives until its hold is lifted', async () => {
  await advance('2027-03-01T09:00:00Z');
  const customer = await newCustomer();
  const contract = (await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus', seats: 1 } })).body as { id: string };
  await settle();
  // Cancel and delete data (ends 30.06.2027 for a business: 3 months to the end of a quarter).
  const cancelled = await api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: customer.token, body: { confirm: true, deleteData: true } });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.cancellation.endsOn).toBe('2027-06-30');
  // Pay every invoice when it is issued, so no dunning gets in the way.
  for (const month of ['2027-03-02', '2027-04-01', '2027-05-01', '2027-06-01', '2027-07-01']) {
    await advance(`${month}T05:00:00Z`);
    for (const invoice of (await api('GET', `/v1/contracts/${contract.id}/invoices`, { token: OPERATOR_TOKEN })).body.items as any[]) {
      if (invoice.status === 'open') await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: { reference: invoice.number, amount: invoice.openAmount, bookedOn: month }, headers: { 'idempotency-key': `${invoice.id}` } });
    }
  }
  await advance('2027-07-02T12:00:00Z');
  expect((await api('GET', `/v1/contracts/${contract.id}`, { token: OPERATOR_TOKEN })).body).toMatchObject({ status: 'ended', dataDeleted: true });
  const invoices = (await api('GET', `/v1/invoices?contractId=${contract.id}`, { token: OPERATOR_TOKEN })).body.items as any[];
  expect(invoices.length).toBeGreaterThanOrEqual(2);
  expect(invoices.every((i) => i.retainUntil === '2035-12-31')).toBe(true);
  const [kept, held] = invoices;
  const hold = await api('PUT', `/v1/invoices/${held.id}/legal-hold`, { token: OPERATOR_TOKEN, body: { reason: 'Betriebsprüfung 2027' } });
  expect(hold.status).toBe(200);
  expect(hold.body.legalHold).toMatchObject({ reason: 'Betriebsprüfung 2027' });

  await advance('2035-12-31T12:00:00Z');
  expect((await api('GET', `/v1/invoices/${kept.id}`, { token: OPERATOR_TOKEN })).status).toBe(200);
  expect((await api('GET', '/v1/retention/destructions?recordType=invoice', { token: OPERATOR_TOKEN })).body.items).toEqual([]);

  await advance('2036-01-01T06:00:00Z');
  const gone = await api('GET', `/v1/invoices/${kept.id}`, { token: OPERATOR_TOKEN });
  expect(gone.status).toBe(410);
  expect(gone.body.code).toBe('RECORD_DESTROYED');
  expect((await api('GET', `/v1/invoices/${kept.id}/pdf`, { token: OPERATOR_TOKEN })).status).toBe(410);
  expect((await api('GET', `/v1/invoices/${held.id}`, { token: OPERATOR_TOKEN })).status).toBe(200);
  const log = (await api('GET', '/v1/retention/destructions?recordType=invoice', { token: OPERATOR_TOKEN })).body.items as any[];
  const entries = log.filter((e) => e.recordId === kept.id);
  expect(entries).toEqual([expect.objectContaining({ recordType: 'invoice', recordId: kept.id, year: 2027, retainUntil: '2035-12-31' })]);
  expect(JSON.stringify(log)).not.toContain('Praxis Archiv'); // no personal content
  expect(log.some((e) => e.recordId === held.id)).toBe(false);

  // The hold is lifted in 2036: the invoice, past its retention, is destroyed right away.
  await advance('2036-03-01T10:00:00Z');
  expect((await api('DELETE', `/v1/invoices/${held.id}/legal-hold`, { token: OPERATOR_TOKEN })).status).toBe(200);
  await settle();
  await eventually(() => api('GET', `/v1/invoices/${held.id}`, { token: OPERATOR_TOKEN }), (r) => r.status === 410, 'the destruction after the hold');

  // Ledger entries (10 years) go on 01.01.2038; then nothing is left and the workflow completes.
  await advance('2038-01-01T06:00:00Z');
  const handle = p.env.client.workflow.getHandle(`contract-${contract.id}`);
  await eventually(async () => (await handle.describe()).status.name, (s) => s === 'COMPLETED', 'the workflow completes');
  const types = new Set(((await api('GET', '/v1/retention/destructions', { token: OPERATOR_TOKEN })).body.items as any[]).map((e) => e.recordType));
  expect(types).toEqual(expect.objectContaining({}));
  expect([...types]).toEqual(expect.arrayContaining(['invoice', 'ledger-entry', 'payment']));
});
