/**
 * Fault tier (docs/fault-injection.md): the Temporal dev server (persistent SQLite) is SIGKILLed
 * while a cohort of contracts is starting (start-day invoices being issued, mailed, posted) and
 * started again on the same file and port; the cohort is then cancelled. Every contract reaches
 * the same end state as the cohort that ran the same story undisturbed before, and that
 * cohort's state is unchanged by the restart.
 */
import type { FaultStack } from './fault-harness';
import { busyWorkflows, createContract, duplicateMails, FAULT_TOKEN, invoiceSequences, ledger, note, pool, retryUnavailable, secondsSince, sleep, faultSuite, waitFor } from './fault-harness';

const EMAIL_CONTRACTS = 4;
const POST_CONTRACTS = 2;
const COHORT = EMAIL_CONTRACTS + POST_CONTRACTS;
const DOWN_MS = 5_000;

const stack = faultSuite({ name: 'temporal-restart' });

type Contract = Awaited<ReturnType<typeof createContract>> & { delivery: 'email' | 'post' };

async function createCohort(s: FaultStack, name: string): Promise<Contract[]> {
  return pool(Array.from({ length: COHORT }, (_, i) => i), 3, async (i) => {
    const delivery = i < EMAIL_CONTRACTS ? 'email' : 'post';
    return { ...(await createContract(s, `${name}-${i}`, delivery)), delivery };
  });
}

async function cancelCohort(s: FaultStack, cohort: readonly Contract[]): Promise<void> {
  await pool(cohort, 3, async (contract) => {
    // 5xx while the API's Temporal connection comes back are retried with the same key.
    const res = await retryUnavailable(async () => {
      const r = await s.api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: FAULT_TOKEN, body: { confirm: true }, headers: { 'idempotency-key': `cancel-${contract.id}` } });
      return r.status >= 500 ? { ...r, status: 503 } : r;
    });
    expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ status: 200, body: 'ok' });
  });
}

async function settle(s: FaultStack, cohort: readonly Contract[], expectedInvoices: number): Promise<void> {
  const ids = cohort.map((c) => c.workflowId);
  await waitFor(
    'the cohort settled',
    async () => {
      const l = await ledger(s);
      const comms = cohort.reduce((n, c) => n + Object.keys(l.perContract[c.id] ?? {}).length, 0);
      return l.invoices.length >= expectedInvoices && comms >= COHORT * 3 && (await busyWorkflows(s, ids)).length === 0;
    },
    4 * 60_000,
    async () => JSON.stringify({ ledger: await ledger(s), busy: await busyWorkflows(s, ids) }),
    1_000,
  );
}

/** A contract's end state without its ids: what the API shows, its invoices and its communications. */
async function endState(s: FaultStack, contract: Contract): Promise<unknown> {
  const got = (await s.api('GET', `/v1/contracts/${contract.id}`, { token: FAULT_TOKEN })).body;
  const invoices = (await s.api('GET', `/v1/contracts/${contract.id}/invoices`, { token: FAULT_TOKEN })).body;
  const comms = (await s.api('GET', `/v1/contracts/${contract.id}/communications`, { token: FAULT_TOKEN })).body;
  return {
    delivery: contract.delivery,
    status: got.status,
    plan: got.plan,
    seats: got.seats,
    startedOn: got.startedOn,
    endsOn: got.cancellation?.endsOn,
    attention: got.attention,
    invoices: invoices.items.map((i: { issuedOn: string; net: { amount: number }; status: string }) => [i.issuedOn, i.net.amount, i.status]),
    communications: comms.items.map((c: { template: string; channel: string; status: string }) => `${c.template}/${c.channel}/${c.status}`).sort(),
  };
}

test(`the Temporal dev server SIGKILLed and restarted while ${COHORT} contracts start: the same end state as ${COHORT} undisturbed ones`, async () => {
  const s = stack();
  const started = Date.now();
  const undisturbed = await createCohort(s, 'calm');
  await cancelCohort(s, undisturbed);
  await settle(s, undisturbed, COHORT);
  const expected = await Promise.all(undisturbed.map((c) => endState(s, c)));
  note('temporal-restart', `undisturbed cohort settled after ${secondsSince(started)} s`);

  const restartedAt = Date.now();
  const disturbed = await createCohort(s, 'storm');
  const busy = (await busyWorkflows(s, disturbed.map((c) => c.workflowId))).length;
  await s.temporal.kill('SIGKILL');
  await sleep(DOWN_MS);
  await s.temporal.start();
  note('temporal-restart', `dev server killed with ${busy} workflows busy and started again after ${secondsSince(restartedAt)} s`);
  await cancelCohort(s, disturbed);
  await settle(s, disturbed, 2 * COHORT);
  note('temporal-restart', `disturbed cohort settled ${secondsSince(restartedAt)} s after the kill`);

  expect(busy).toBeGreaterThan(0);
  // The same end state, contract by contract (email and post alike).
  expect(await Promise.all(disturbed.map((c) => endState(s, c)))).toEqual(expected);
  // The restart changed nothing for the contracts that had settled before it.
  expect(await Promise.all(undisturbed.map((c) => endState(s, c)))).toEqual(expected);
  // Exactly once across both cohorts: invoices gapless, each mail once at the sink, one letter per postal invoice.
  const l = await ledger(s);
  expect(invoiceSequences(l)).toEqual(Array.from({ length: 2 * COHORT }, (_, i) => i + 1));
  expect(l.communications).toEqual({
    'contract-started/email/sent': 2 * COHORT,
    'cancellation-confirmed/email/sent': 2 * COHORT,
    'invoice-issued/email/sent': 2 * EMAIL_CONTRACTS,
    'invoice/letter/sent': 2 * POST_CONTRACTS,
  });
  expect(duplicateMails(l)).toEqual({});
  expect(l.sinkTotal).toBe(2 * (2 * COHORT + EMAIL_CONTRACTS));
  expect(l.letters).toHaveLength(2 * POST_CONTRACTS);
  expect(l.attention).toEqual([]);
  expect(s.worker.crashes).toEqual([]);
}, 6 * 60_000);
