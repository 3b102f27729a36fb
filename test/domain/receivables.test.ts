/** What the workflow does with an issued invoice and a new account snapshot (src/domain/receivables.ts). */
import { startedState } from '../helpers/contract-fixtures';
import { EMPTY_RECEIVABLES, type ReceivablesSnapshot } from '../../src/domain/ledger';
import { afterInvoiceIssued, dueSepaCollections, eventForFailedCharge, eventForReceivables, INITIAL_PAYMENTS, nextSepaCollectionAt } from '../../src/domain/receivables';
import { decide } from '../../src/domain/contract';

const snapshot = (version: number, open: number): ReceivablesSnapshot => ({
  version,
  balanceCents: open,
  creditCents: 0,
  openInvoices: open > 0 ? [{ invoiceId: 'i1', number: '2027-000001', issuedOn: '2027-02-01', dueOn: '2027-02-15', paymentMethod: 'sepa', openCents: open, claimCents: open }] : [],
});
const issued = (paymentMethod: 'transfer' | 'sepa' | 'card' | 'prepaid', openCents: number) => ({ invoiceId: 'i1', number: '2027-000001', paymentMethod, dueOn: '2027-02-15', openCents, receivables: snapshot(3, openCents) });

test.each<[string, 'transfer' | 'sepa' | 'card' | 'prepaid', number, string[], number]>([
  ['transfer: nothing to do', 'transfer', 8211, [], 0],
  ['card: charged on the issue date', 'card', 8211, ['charge-card bill/2027-02-01/charge'], 0],
  ['prepaid shortfall: top-up', 'prepaid', 500, ['top-up bill/2027-02-01/top-up'], 0],
  ['prepaid covered by the balance: nothing', 'prepaid', 0, [], 0],
  ['sepa: the debit waits for its due date', 'sepa', 8211, [], 1],
])('%s', (_name, method, open, commands, sepaDue) => {
  const after = afterInvoiceIssued(INITIAL_PAYMENTS, issued(method, open), 'bill/2027-02-01');
  expect(after.commands.map((c) => `${c.type} ${c.step}`)).toEqual(commands);
  expect(after.payments.sepaDue).toHaveLength(sepaDue);
  expect(after.payments.receivables.version).toBe(3);
});

test('the SEPA debit is due at 00:00 local of the due date plus the contract offset, once', () => {
  const contract = startedState();
  const payments = afterInvoiceIssued(INITIAL_PAYMENTS, issued('sepa', 8211), 'bill/2027-02-01').payments;
  const at = nextSepaCollectionAt(payments, contract, 90) as Date;
  expect(at.toISOString()).toBe('2027-02-15T00:30:00.000Z'); // 00:00 CET = 23:00Z + 90 min
  expect(dueSepaCollections(payments, contract, 90, new Date(at.getTime() - 1)).commands).toEqual([]);
  const due = dueSepaCollections(payments, contract, 90, at);
  expect(due.commands).toEqual([{ type: 'collect-sepa', step: 'sepa/i1', invoiceId: 'i1', number: '2027-000001', dueOn: '2027-02-15' }]);
  expect(dueSepaCollections(due.payments, contract, 90, at).commands).toEqual([]);
});

test('an issue result of a run before payments existed changes nothing', () => {
  const after = afterInvoiceIssued(INITIAL_PAYMENTS, { invoiceId: 'i1', number: 'n', paymentMethod: 'transfer', dueOn: '2027-02-15' } as never, 'bill/x');
  expect(after).toEqual({ payments: INITIAL_PAYMENTS, commands: [] });
  expect(INITIAL_PAYMENTS.receivables).toBe(EMPTY_RECEIVABLES);
});

test('a suspended contract is restored by a snapshot with nothing open; a failed charge suspends only prepaid', () => {
  const suspended = decide(startedState(), { type: 'suspend', reason: 'prepaid-unpaid' }, new Date('2027-02-01T08:00:00Z')).state;
  expect(eventForReceivables(suspended, snapshot(5, 100))).toBeNull();
  expect(eventForReceivables(suspended, snapshot(6, 0))).toEqual({ type: 'restore' });
  expect(eventForReceivables(startedState(), snapshot(6, 0))).toBeNull();
  expect(eventForFailedCharge('prepaid')).toEqual({ type: 'suspend', reason: 'prepaid-unpaid' });
  expect(eventForFailedCharge('postpaid')).toBeNull();
});
