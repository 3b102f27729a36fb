/**
 * Durability through the REST API in sandbox mode (real HTTP, PostgreSQL, time-skipping server,
 * SMTP sink): a bounced notice becomes an attention item and the contract still ends on time;
 * creation is idempotent; a customer lists only its own contracts; commands answer with their
 * effect.
 */
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';

const { p, api, newCustomer, advance, settle } = sandboxSuite({ customerName: 'Praxis', emailPrefix: 'durability' });

test('end notice bounces (550): ended on time, listed under needsAttention, retried once by an operator', async () => {
  await advance('2027-03-31T08:00:00Z');
  const anna = await newCustomer();
  const contract = (await api('POST', '/v1/contracts', { token: anna.token, body: { plan: 'plus', seats: 2 } })).body;
  expect(contract.attention).toEqual([]);
  const cancelled = await api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: anna.token, body: { confirm: true } });
  expect(cancelled.body.cancellation.endsOn).toBe('2027-06-30');
  await settle();

  // Her mailbox is gone after June's invoice went out: the SMTP server refuses the end notice for good.
  await advance('2027-06-01T06:00:00Z');
  p.rejectedRecipients.add(anna.email);
  await advance('2027-06-30T22:00:00Z');
  const ended = await api('GET', `/v1/contracts/${contract.id}`, { token: anna.token });
  expect(ended.body).toMatchObject({ status: 'ended', endedOn: '2027-06-30' });
  expect(ended.body.attention).toHaveLength(1);
  const [item] = ended.body.attention;
  expect(item).toMatchObject({ kind: 'mail', attempts: 1 });
  expect(item.step).toMatch(/\/contract-ended$/);
  expect(item.error).toMatch(/MailPermanentFailure.*550/);
  expect(Date.parse(item.since)).toBeGreaterThan(0);

  const flagged = await api('GET', '/v1/contracts?needsAttention=true', { token: OPERATOR_TOKEN });
  expect(flagged.body.items.map((c: { id: string }) => c.id)).toEqual([contract.id]);
  const clean = await api('GET', '/v1/contracts?needsAttention=false', { token: OPERATOR_TOKEN });
  expect(clean.body.items.map((c: { id: string }) => c.id)).not.toContain(contract.id);
  const failedMail = (await api('GET', `/v1/contracts/${contract.id}/communications`, { token: OPERATOR_TOKEN })).body.items.find(
    (c: { template: string }) => c.template === 'contract-ended',
  );
  expect(failedMail.status).toBe('failed');

  // Only operators retry; an unknown step is a 404 problem.
  const path = `/v1/contracts/${contract.id}/attention/${encodeURIComponent(item.step)}/retry`;
  expect((await api('POST', path, { token: anna.token })).status).toBe(403);
  const unknown = await api('POST', `/v1/contracts/${contract.id}/attention/${encodeURIComponent('r1/nothing')}/retry`, { token: OPERATOR_TOKEN });
  expect(unknown.status).toBe(404);
  expect(unknown.body.code).toBe('NO_SUCH_ATTENTION_ITEM');
  expect(unknown.contentType).toContain('application/problem+json');

  p.rejectedRecipients.delete(anna.email);
  const retried = await api('POST', path, { token: OPERATOR_TOKEN });
  expect(retried.status).toBe(202);
  expect(retried.body).toEqual({ contractId: contract.id, step: item.step, queued: true });
  await settle();

  const after = await api('GET', `/v1/contracts/${contract.id}`, { token: anna.token });
  expect(after.body.attention).toEqual([]);
  expect((await api('GET', '/v1/contracts?needsAttention=true', { token: OPERATOR_TOKEN })).body.items).toEqual([]);
  const comms = (await api('GET', `/v1/contracts/${contract.id}/communications`, { token: anna.token })).body.items;
  expect(comms.filter((c: { template: string }) => c.template === 'contract-ended')).toEqual([expect.objectContaining({ status: 'sent' })]);
  expect(p.mails.filter((m) => m.to === anna.email && m.subject === 'Ihr Vertrag ist beendet')).toHaveLength(1);
  // A second retry finds nothing to do.
  expect((await api('POST', path, { token: OPERATOR_TOKEN })).status).toBe(404);
});

test('creation with one Idempotency-Key: concurrent and repeated requests create one contract', async () => {
  const bob = await newCustomer();
  const body = { plan: 'plus', seats: 2 };
  const headers = { 'idempotency-key': `create-${Date.now()}` };
  const results = await Promise.all([1, 2, 3].map(() => api('POST', '/v1/contracts', { token: bob.token, body, headers })));
  const created = results.filter((r) => r.status === 201);
  expect(created.length).toBeGreaterThanOrEqual(1);
  // The others either replay the response or are told the first is still running.
  for (const r of results) expect([201, 409]).toContain(r.status);
  for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
  expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
  const again = await api('POST', '/v1/contracts', { token: bob.token, body, headers });
  expect(again.status).toBe(201);
  expect(again.body.id).toBe(created[0].body.id);

  // The key's record is gone (expired, or released after a failure): the derived contract id makes
  // the same request find the existing contract instead of creating a second one.
  await p.prisma.idempotentRequest.deleteMany({});
  const afterRelease = await api('POST', '/v1/contracts', { token: bob.token, body, headers });
  expect(afterRelease.status).toBe(201);
  expect(afterRelease.body.id).toBe(created[0].body.id);
  const mine = await api('GET', '/v1/contracts', { token: bob.token });
  expect(mine.body.items).toHaveLength(1);
  // The workflow's first activity created the row and the main user, once.
  expect(await p.prisma.user.count({ where: { contractId: created[0].body.id, role: 'main' } })).toBe(1);
});

test('a customer token lists only its own contracts, whatever filter it sends', async () => {
  const carla = await newCustomer();
  const dora = await newCustomer();
  const carlas = [
    (await api('POST', '/v1/contracts', { token: carla.token, body: { plan: 'plus' } })).body.id,
    (await api('POST', '/v1/contracts', { token: carla.token, body: { plan: 'basis' } })).body.id,
  ];
  const doras = (await api('POST', '/v1/contracts', { token: dora.token, body: { plan: 'plus' } })).body.id;

  const own = await api('GET', '/v1/contracts', { token: carla.token });
  expect(own.status).toBe(200);
  expect(own.body.items.map((c: { id: string }) => c.id).sort()).toEqual([...carlas].sort());
  expect(own.body.items.every((c: { customerId: string }) => c.customerId === carla.id)).toBe(true);
  const foreign = await api('GET', `/v1/contracts?customerId=${dora.id}`, { token: carla.token });
  expect(foreign.body.items).toEqual([]);
  const filtered = await api('GET', '/v1/contracts?status=active', { token: carla.token });
  expect(filtered.body.items.map((c: { id: string }) => c.id)).not.toContain(doras);
  // Paging with another customer's contract as cursor reveals nothing either.
  const paged = await api('GET', `/v1/contracts?cursor=${doras}&limit=1`, { token: carla.token });
  expect(paged.body.items.every((c: { customerId: string }) => c.customerId === carla.id)).toBe(true);
  // Operators see both.
  const all = (await api('GET', '/v1/contracts?limit=200', { token: OPERATOR_TOKEN })).body.items.map((c: { id: string }) => c.id);
  expect(all).toEqual(expect.arrayContaining([...carlas, doras]));
});

test('every command answers with its effect, and a GET right after shows the same', async () => {
  const eva = await newCustomer();
  const id = (await api('POST', '/v1/contracts', { token: eva.token, body: { plan: 'plus', seats: 3 } })).body.id;
  const steps: [string, string, unknown, (c: any) => void][] = [
    ['POST', 'pause', undefined, (c) => expect(c).toMatchObject({ status: 'paused', readOnly: true })],
    ['DELETE', 'pause', undefined, (c) => expect(c).toMatchObject({ status: 'active', pausedSince: null })],
    ['PUT', 'seats', { seats: 5 }, (c) => expect(c.seats).toBe(5)],
    ['PUT', 'payment-method', { type: 'sepa', iban: 'DE89 3704 0044 0532 0130 00', accountHolder: 'Eva Muster', signedOn: '2027-07-01' }, (c) =>
      expect(c.paymentMethod).toEqual(expect.objectContaining({ type: 'sepa', ibanLast4: '3000', mandateReference: expect.stringMatching(/^VW-/) }))],
    ['POST', 'cancellation', { confirm: true }, (c) => expect(c.cancellation).toMatchObject({ deleteData: false })],
    ['DELETE', 'cancellation', undefined, (c) => expect(c.cancellation).toBeNull()],
  ];
  for (const [method, path, body, check] of steps) {
    const res = await api(method, `/v1/contracts/${id}/${path}`, { token: eva.token, body });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    check(res.body);
    const got = await api('GET', `/v1/contracts/${id}`, { token: eva.token });
    check(got.body);
    expect(got.body).toEqual(res.body);
  }
  // The full IBAN is never shown.
  expect(JSON.stringify((await api('GET', `/v1/contracts/${id}`, { token: eva.token })).body)).not.toContain('DE89370400440532013000');
  const removed = await api('DELETE', `/v1/contracts/${id}/payment-method`, { token: eva.token });
  expect(removed.body.paymentMethod).toEqual({ type: 'transfer' });
});
