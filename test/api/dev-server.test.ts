/**
 * On Temporal's dev server (a real server with the contract search attributes registered):
 * a contract created through the API is found by its search attributes, as an operator would
 * in the Temporal UI or with `temporal workflow list --query ...`.
 */
import type { TestPlatform } from '../helpers/platform';
import { apiClient, OPERATOR_TOKEN, startTestPlatform } from '../helpers/platform';

let p: TestPlatform;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  p = await startTestPlatform('dev');
  api = apiClient(p.url);
});
afterAll(async () => {
  await p?.stop();
});

async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of p.env.client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

/** Visibility is eventually consistent: poll briefly. */
async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await fn();
  for (let i = 0; i < 100 && !ok(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await fn();
  }
  return value;
}

test('a contract is listed by ContractStatus, Plan, CustomerId, PendingPlanChange and EndsOn; sandbox endpoints are 404', async () => {
  const customer = await api('POST', '/v1/customers', {
    token: OPERATOR_TOKEN,
    body: { type: 'business', name: 'Kanzlei Beispiel', email: 'kanzlei@example.org', address: { line1: 'Ring 1', postalCode: '1010', city: 'Wien', country: 'AT' } },
  });
  const created = await api('POST', '/v1/contracts', { token: OPERATOR_TOKEN, body: { plan: 'plus', seats: 2, customerId: customer.body.id } });
  expect(created.status).toBe(201);
  expect(created.body.timeZone).toBe('Europe/Vienna');
  const workflowId = created.body.workflowId as string;

  const active = await eventually(
    () => listIds(`CustomerId = '${customer.body.id}' AND ContractStatus = 'active' AND Plan = 'plus'`),
    (ids) => ids.includes(workflowId),
  );
  expect(active).toEqual([workflowId]);

  // A pending downgrade is visible as PendingPlanChange until the contract is cancelled (which drops it).
  const downgrade = await api('POST', `/v1/contracts/${created.body.id}/plan-change`, { token: OPERATOR_TOKEN, body: { plan: 'basis', acceptTerms: true } });
  expect(downgrade.status).toBe(200);
  const pending = await eventually(() => listIds(`PendingPlanChange = 'basis' AND CustomerId = '${customer.body.id}'`), (ids) => ids.includes(workflowId));
  expect(pending).toEqual([workflowId]);

  const cancelled = await api('POST', `/v1/contracts/${created.body.id}/cancellation`, {
    token: OPERATOR_TOKEN,
    body: { confirm: true, channel: 'phone', reason: 'Anruf der Geschäftsführung', receivedAt: new Date(Date.now() - 60_000).toISOString() },
  });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.cancellation).toMatchObject({ channel: 'phone', reason: 'Anruf der Geschäftsführung' });
  const endsOn = cancelled.body.cancellation.endsOn as string;
  expect(endsOn).toMatch(/-(03-31|06-30|09-30|12-31)$/);
  const byEnd = await eventually(() => listIds(`EndsOn = '${endsOn}' AND CustomerId = '${customer.body.id}'`), (ids) => ids.includes(workflowId));
  expect(byEnd).toEqual([workflowId]);
  const dropped = await eventually(() => listIds(`PendingPlanChange = 'basis' AND CustomerId = '${customer.body.id}'`), (ids) => ids.length === 0);
  expect(dropped).toEqual([]);

  const trial = await api('POST', '/v1/contracts', { token: OPERATOR_TOKEN, body: { plan: 'plus', trial: true, customerId: customer.body.id } });
  const byTrialEnd = await eventually(
    () => listIds(`TrialEndsOn = '${trial.body.trialEndsOn}' AND ContractStatus = 'trial' AND CustomerId = '${customer.body.id}'`),
    (ids) => ids.includes(trial.body.workflowId),
  );
  expect(byTrialEnd).toEqual([trial.body.workflowId]);

  expect((await api('GET', '/v1/sandbox/clock', { token: OPERATOR_TOKEN })).status).toBe(404);
});

test('a pending cancellation is found by CancellationPending; a step that failed for good by NeedsAttention and AttentionSteps', async () => {
  const email = `bounce-${Date.now()}@example.org`;
  const customer = await api('POST', '/v1/customers', {
    token: OPERATOR_TOKEN,
    body: { type: 'business', name: 'Praxis Bounce', email, address: { line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' } },
  });
  // The mailbox is refused (550) from the start: the welcome mail fails for good.
  p.rejectedRecipients.add(email);
  const created = await api('POST', '/v1/contracts', { token: OPERATOR_TOKEN, body: { plan: 'plus', customerId: customer.body.id } });
  const workflowId = created.body.workflowId as string;
  const flagged = await eventually(() => listIds(`NeedsAttention = true AND CustomerId = '${customer.body.id}'`), (ids) => ids.includes(workflowId));
  expect(flagged).toEqual([workflowId]);
  const contract = await eventually(
    async () => (await api('GET', `/v1/contracts/${created.body.id}`, { token: OPERATOR_TOKEN })).body,
    (c) => c.attention.length > 0,
  );
  const step = contract.attention.find((a: { kind: string }) => a.kind === 'mail').step as string;
  expect(await eventually(() => listIds(`AttentionSteps = '${step}'`), (ids) => ids.includes(workflowId))).toEqual([workflowId]);

  await api('POST', `/v1/contracts/${created.body.id}/cancellation`, { token: OPERATOR_TOKEN, body: { confirm: true } });
  expect(await eventually(() => listIds(`CancellationPending = true AND CustomerId = '${customer.body.id}'`), (ids) => ids.includes(workflowId))).toEqual([workflowId]);

  // Fixed and retried: the flag clears.
  p.rejectedRecipients.delete(email);
  for (const item of contract.attention) {
    expect((await api('POST', `/v1/contracts/${created.body.id}/attention/${encodeURIComponent(item.step)}/retry`, { token: OPERATOR_TOKEN })).status).toBe(202);
  }
  expect(await eventually(() => listIds(`NeedsAttention = true AND CustomerId = '${customer.body.id}'`), (ids) => ids.length === 0)).toEqual([]);
});
