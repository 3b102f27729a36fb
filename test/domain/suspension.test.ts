/**
 * Suspension (DOMAIN.md, "Billing": prepaid; "Dunning precision": handover): suspended until
 * payment, cancelled after 90 days of non-payment. Suspended on S → in force through S + 89,
 * ended from 00:00 local of S + 90.
 */
import { decide, nextDeadline, type ContractState } from '../../src/domain/contract';
import { DEADLINE, startedState } from '../helpers/contract-fixtures';

const suspendedOn = (at: string): ContractState => decide(startedState(), { type: 'suspend', reason: 'prepaid-unpaid' }, new Date(at)).state;

describe('suspend and restore', () => {
  it('suspends an active contract with a mail and a fact, once', () => {
    const at = new Date('2027-02-01T08:00:00Z');
    const decision = decide(startedState(), { type: 'suspend', reason: 'prepaid-unpaid' }, at);
    expect(decision.state).toMatchObject({ status: 'suspended', suspendedSince: '2027-02-01', suspensionReason: 'prepaid-unpaid' });
    expect(decision.commands.map((c) => (c.type === 'notify' ? c.notice : c.type))).toEqual([
      { template: 'contract-suspended', context: { suspendedSince: '2027-02-01', reason: 'prepaid-unpaid', endsOnUnpaid: '2027-05-01' } },
      'record',
    ]);
    expect(decide(decision.state, { type: 'suspend', reason: 'prepaid-unpaid' }, at).changed).toBe(false);
  });

  it('the 90th day is the last in force: the end is due at 00:00 CEST of 02.05.2027', () => {
    const state = suspendedOn('2027-02-01T08:00:00Z');
    expect(nextDeadline(state)).toEqual(new Date('2027-05-01T22:00:00Z'));
    expect(decide(state, DEADLINE, new Date('2027-05-01T21:59:59.999Z')).changed).toBe(false);
    const ended = decide(state, DEADLINE, new Date('2027-05-01T22:00:00Z'));
    expect(ended.state).toMatchObject({ status: 'ended', endedOn: '2027-05-01', suspendedSince: null, dataDeletionDueOn: '2027-08-30' });
    expect(ended.commands.find((c) => c.type === 'notify')).toMatchObject({ notice: { template: 'contract-ended-unpaid', context: { endedOn: '2027-05-01', suspendedSince: '2027-02-01' } } });
  });

  it('payment on day 30 restores the contract and drops the deadline', () => {
    const restored = decide(suspendedOn('2027-02-01T08:00:00Z'), { type: 'restore' }, new Date('2027-03-02T10:00:00Z'));
    expect(restored.state).toMatchObject({ status: 'active', suspendedSince: null, suspensionReason: null });
    expect(restored.commands.find((c) => c.type === 'notify')).toMatchObject({ notice: { template: 'contract-restored', context: { restoredOn: '2027-03-02' } } });
    expect(nextDeadline(restored.state)).toBeNull();
  });

  it('restore of a contract that is not suspended changes nothing', () => {
    expect(decide(startedState(), { type: 'restore' }, new Date('2027-03-02T10:00:00Z')).changed).toBe(false);
  });
});
