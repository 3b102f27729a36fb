/** `Idempotency-Key` on writes: the same key and body give the same result, once. */
import type { TestPlatform } from '../helpers/platform';
import { apiClient, OPERATOR_TOKEN, startTestPlatform } from '../helpers/platform';

let p: TestPlatform;
let api: ReturnType<typeof apiClient>;
let customer: { id: string; token: string };

beforeAll(async () => {
  p = await startTestPlatform('sandbox');
  api = apiClient(p.url);
  const created = await api('POST', '/v1/customers', {
    token: OPERATOR_TOKEN,
    body: { type: 'business', name: 'Idem GmbH', email: 'idem@example.org', address: { line1: 'Weg 1', postalCode: '10115', city: 'Berlin', country: 'DE' } },
  });
  customer = { id: created.body.id, token: (await api('POST', `/v1/customers/${created.body.id}/tokens`, { token: OPERATOR_TOKEN })).body.token };
});
afterAll(async () => {
  await p?.stop();
});

const withKey = (key: string) => ({ 'idempotency-key': key });

test('a retried contract creation returns the first contract and creates no second one', async () => {
  const first = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus', seats: 2 }, headers: withKey('create-1') });
  const retry = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus', seats: 2 }, headers: withKey('create-1') });
  expect(first.status).toBe(201);
  expect(retry.status).toBe(201);
  expect(retry.body).toEqual(first.body);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  const list = await api('GET', '/v1/contracts', { token: customer.token });
  expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([first.body.id]);
});

test('a retried cancellation answers 200 again instead of 409, and sends one confirmation', async () => {
  const contract = (await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'basis' } })).body;
  const first = await api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: customer.token, body: { confirm: true }, headers: withKey('cancel-1') });
  const retry = await api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: customer.token, body: { confirm: true }, headers: withKey('cancel-1') });
  expect(first.status).toBe(200);
  expect(retry.status).toBe(200);
  expect(retry.body.cancellation).toEqual(first.body.cancellation);
  const withoutKey = await api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: customer.token, body: { confirm: true } });
  expect(withoutKey.body.code).toBe('ALREADY_CANCELLED');
  await api('POST', '/v1/sandbox/clock/advance', { token: OPERATOR_TOKEN, body: { by: 'PT0S' } });
  const comms = await api('GET', `/v1/contracts/${contract.id}/communications`, { token: customer.token });
  expect(comms.body.items.filter((c: { template: string }) => c.template === 'cancellation-confirmed')).toHaveLength(1);
});

test('a command whose update reached the workflow but whose answer was lost (the key released, as after a 503): the retry gets that update\'s result, not 409', async () => {
  const contract = (await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'basis' } })).body;
  const first = await api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: customer.token, body: { confirm: true }, headers: withKey('cancel-lost') });
  expect(first.status).toBe(200);
  // The API stored nothing for the key (it gave up waiting, or died before storing the answer).
  await p.prisma.idempotentRequest.deleteMany({ where: { key: `customer:${customer.id}:cancel-lost` } });
  const retry = await api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: customer.token, body: { confirm: true }, headers: withKey('cancel-lost') });
  expect({ status: retry.status, code: retry.body.code }).toEqual({ status: 200, code: undefined });
  expect(retry.body.cancellation).toEqual(first.body.cancellation);
  await api('POST', '/v1/sandbox/clock/advance', { token: OPERATOR_TOKEN, body: { by: 'PT0S' } });
  const comms = await api('GET', `/v1/contracts/${contract.id}/communications`, { token: customer.token });
  expect(comms.body.items.filter((c: { template: string }) => c.template === 'cancellation-confirmed')).toHaveLength(1);
});

test('the same key with another body is 422; a failed request releases its key; keys are per caller', async () => {
  await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'basis' }, headers: withKey('k-2') });
  const reused = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus' }, headers: withKey('k-2') });
  expect(reused.body).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });

  const failed = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'basis', seats: 5 }, headers: withKey('k-3') });
  expect(failed.body.code).toBe('SEATS_EXCEED_PLAN');
  const fixed = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'basis', seats: 5 }, headers: withKey('k-3') });
  expect(fixed.body.code).toBe('SEATS_EXCEED_PLAN'); // evaluated again, not replayed as a stored failure

  const operator = await api('POST', '/v1/contracts', { token: OPERATOR_TOKEN, body: { plan: 'basis', customerId: customer.id }, headers: withKey('k-2') });
  expect(operator.status).toBe(201);
  const bad = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'basis' }, headers: withKey('ä'.repeat(3)) });
  expect(bad.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
});
