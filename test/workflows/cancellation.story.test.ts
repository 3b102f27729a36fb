/**
 * Contract workflow stories on Temporal's time-skipping server. Activities are in-memory
 * recorders here: this tier checks the workflow's timing and decisions; the API tier runs the
 * same paths against PostgreSQL and SMTP. NOTE: `handle.result()` is avoided: it unlocks time
 * skipping, and the idle test server then jumps years ahead; stories query state instead.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { ContractActivities, NotifyCustomerInput } from '../../activities/contract-activities';
import type { ContractState, NewContract } from '../../src/domain/contract';
import { startOfLocalDay } from '../../src/domain/calendar';
import { contractWorkflow } from '../../workflows/contract.workflow';
import { cancelUpdate, isSettledAt, revokeCancellationUpdate, settledQuery, stateQuery } from '../../workflows/messages';
import { historyToObject } from '../helpers/histories';
import { createTimeSkippingEnv, skipTo as skipClock, workflowBundleOption } from '../helpers/temporal-env';

const ZONE = 'Europe/Berlin';
/** An instant given as Berlin wall-clock time. */
const berlin = (date: string, time = '00:00') => {
  const midnight = startOfLocalDay(date, ZONE);
  const [h, m] = time.split(':').map(Number);
  return new Date(midnight.getTime() + (h * 60 + m) * 60_000);
};

class RecordingActivities implements ContractActivities {
  readonly notices: NotifyCustomerInput[] = [];
  readonly saved: ContractState[] = [];
  async saveContract(state: ContractState) {
    this.saved.push(state);
    return { applied: true };
  }
  async notifyCustomer(input: NotifyCustomerInput) {
    // A retried activity must carry the same key: duplicates would show up here.
    if (this.notices.some((n) => n.idempotencyKey === input.idempotencyKey)) return { communicationId: 'dup', status: 'skipped' };
    this.notices.push(input);
    return { communicationId: randomUUID(), status: 'sent' };
  }
  templates(contractId: string) {
    return this.notices.filter((n) => n.contractId === contractId).map((n) => n.notice.template);
  }
}

let env: TestWorkflowEnvironment;
const running = new Set<string>();

/** Skips the clock, then waits until every contract workflow of this file has done its work. */
async function skipTo(_env: TestWorkflowEnvironment, to: Date): Promise<void> {
  await skipClock(env, to);
  for (const workflowId of running) {
    const handle = env.client.workflow.getHandle(workflowId);
    const isSettled = async () => isSettledAt(await handle.query(settledQuery), to);
    for (let i = 0; i < 200 && !(await isSettled()); i++) await new Promise((r) => setTimeout(r, 25));
  }
}
let activities: RecordingActivities;
let worker: Worker;
let workerRun: Promise<void>;
const taskQueue = 'story-cancellation';

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  activities = new RecordingActivities();
  // Activities are registered by own properties: bind the recorder's methods.
  const registered: ContractActivities = {
    saveContract: (state) => activities.saveContract(state),
    notifyCustomer: (input) => activities.notifyCustomer(input),
  };
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, activities: registered, ...workflowBundleOption() });
  workerRun = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await env?.teardown();
});

/** With RECORD_HISTORIES=1, writes a finished story's history to test/histories/ for the replay tier. */
async function recordHistory(workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  fs.writeFileSync(path.join(__dirname, '../histories', `${name}.json`), JSON.stringify(historyToObject(history), null, 1));
}

/** Runs a story while the file's worker polls (a worker runs once, so it is shared). */
const story = (fn: () => Promise<void>) => fn;

function newContract(customerType: 'business' | 'consumer' = 'business'): NewContract {
  return { id: randomUUID(), customerId: randomUUID(), customerType, plan: 'plus', seats: 3, timeZone: ZONE, trial: false, billingMode: 'postpaid' };
}

async function startContract(contract: NewContract) {
  const requestedAt = new Date(await env.currentTimeMs()).toISOString();
  running.add(`contract-${contract.id}`);
  return env.client.workflow.start(contractWorkflow, {
    workflowId: `contract-${contract.id}`,
    taskQueue,
    args: [{ kind: 'new', contract, requestedAt, searchAttributes: false }],
  });
}


test('business notice received 31.03. ends 30.06.; in force through 30.06., ended on 01.07.', async () => {
  await story(async () => {
    // Day 0: 31.03.2027 10:00 Berlin.
    await skipTo(env, berlin('2027-03-31', '10:00'));
    const contract = newContract();
    const handle = await startContract(contract);
    const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
    expect(cancelled.cancellation?.endsOn).toBe('2027-06-30');
    expect(cancelled.cancellation?.receivedOn).toBe('2027-03-31');

    // Day 91: 30.06. 23:59 — still in force.
    await skipTo(env, berlin('2027-06-30', '23:59'));
    expect((await handle.query(stateQuery)).status).toBe('active');

    // Day 92: 01.07. 00:00 local — ended.
    await skipTo(env, berlin('2027-07-01', '00:01'));
    const final = await handle.query(stateQuery);
    expect(final.status).toBe('ended');
    expect(final.endedOn).toBe('2027-06-30');
    expect(activities.templates(contract.id)).toEqual(['contract-started', 'cancellation-confirmed', 'contract-ended']);
    // The database mirror received the final state.
    expect(activities.saved.filter((s) => s.id === contract.id).at(-1)?.status).toBe('ended');
    await recordHistory(handle.workflowId, 'contract-cancel-end');
  })();
});

test('revoked cancellation: a later notice counts from its own receipt date', async () => {
  await story(async () => {
    await skipTo(env, berlin('2027-08-02', '09:00'));
    const contract = newContract();
    const handle = await startContract(contract);
    const first = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: true, channel: 'online', reason: null }] });
    expect(first.cancellation?.endsOn).toBe('2027-12-31');

    // Nothing pending after revocation; a second revocation is a conflict.
    await skipTo(env, berlin('2027-09-15', '12:00'));
    const revoked = await handle.executeUpdate(revokeCancellationUpdate);
    expect(revoked.cancellation).toBeNull();
    await expect(handle.executeUpdate(revokeCancellationUpdate)).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(handle.executeUpdate(revokeCancellationUpdate)).rejects.toMatchObject({ cause: { type: 'NOTHING_TO_REVOKE' } });

    // New notice on 01.10.2027: 01.10. + 3 months = 01.01.2028 → ends 31.03.2028.
    await skipTo(env, berlin('2027-10-01', '08:00'));
    const again = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
    expect(again.cancellation?.endsOn).toBe('2028-03-31');
    // Cancelling twice is a conflict.
    await expect(handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] })).rejects.toMatchObject({
      cause: { type: 'ALREADY_CANCELLED' },
    });
    const settled = await handle.query(settledQuery);
    expect(settled.nextDeadline).toBe(berlin('2028-04-01').toISOString());

    await skipTo(env, berlin('2028-04-01', '00:00'));
    const final = await handle.query(stateQuery);
    expect(final.endedOn).toBe('2028-03-31');
    expect(activities.templates(contract.id)).toEqual([
      'contract-started',
      'cancellation-confirmed',
      'cancellation-revoked',
      'cancellation-confirmed',
      'contract-ended',
    ]);
    const keys = activities.notices.filter((n) => n.contractId === contract.id).map((n) => n.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    await recordHistory(handle.workflowId, 'contract-revoke-recancel');
  })();
});

test('consumer notice: one month, no anchor (31.01.2032 → 29.02.2032, leap year)', async () => {
  await story(async () => {
    await skipTo(env, berlin('2032-01-31', '18:00'));
    const handle = await startContract(newContract('consumer'));
    const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ deleteData: false, channel: 'online', reason: null }] });
    expect(cancelled.cancellation?.endsOn).toBe('2032-02-29');
    await skipTo(env, berlin('2032-03-01', '00:00'));
    expect((await handle.query(stateQuery)).endedOn).toBe('2032-02-29');
  })();
});

test('an operator cannot record a notice received in the future', async () => {
  await story(async () => {
    const handle = await startContract(newContract());
    const future = new Date((await env.currentTimeMs()) + 3_600_000).toISOString();
    await expect(
      handle.executeUpdate(cancelUpdate, { args: [{ receivedAt: future, deleteData: false, channel: 'phone', reason: 'call' }] }),
    ).rejects.toMatchObject({ cause: { type: 'RECEIVED_IN_FUTURE' } });
    expect((await handle.query(stateQuery)).cancellation).toBeNull();
    await handle.terminate('test done');
  })();
});
