/**
 * The contract lifecycle through the REST API alone, in sandbox mode (real HTTP, PostgreSQL,
 * time-skipping Temporal, SMTP sink): trial, plan changes, interplay, deletion, bad input.
 * One shared clock: the stories are told in date order.
 */
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';

const { api, newCustomer, advance: advanceTo, settle } = sandboxSuite();

async function newContract(body: Record<string, unknown>) {
  const customer = await newCustomer({ phone: '+49 30 123', dateOfBirth: '1980-05-17' });
  const res = await api('POST', '/v1/contracts', { token: customer.token, body });
  expect(res.status).toBe(201);
  return { ...customer, contractId: res.body.id as string };
}

/** Berlin wall time as an ISO instant with offset. */
const berlin = (date: string, time = '00:00') => {
  const month = Number(date.slice(5, 7));
  const summer = month > 3 && month < 11; // good enough for the dates used here (not near the switch days)
  return `${date}T${time}:00${summer ? '+02:00' : '+01:00'}`;
};

const get = (c: { contractId: string; token: string }) => api('GET', `/v1/contracts/${c.contractId}`, { token: c.token });
const templates = async (c: { contractId: string; token: string }) =>
  (await api('GET', `/v1/contracts/${c.contractId}/communications`, { token: OPERATOR_TOKEN })).body.items.map((i: { template: string }) => i.template);

test('the lifecycle, told through the API from January to October 2027', async () => {
  // --- Trial: started 10.01.2027 ---
  await advanceTo(berlin('2027-01-10', '09:00'));
  const trial = await newContract({ plan: 'plus', trial: true });
  const trialToConvert = await newContract({ plan: 'plus', trial: true });
  expect((await get(trial)).body).toMatchObject({ status: 'trial', plan: 'plus', trialEndsOn: '2027-02-08', paidFrom: null });

  // Day 19 (29.01.): conversion with a SEPA mandate; a bad IBAN is a 400.
  await advanceTo(berlin('2027-01-29', '12:00'));
  const badIban = await api('POST', `/v1/contracts/${trialToConvert.contractId}/conversion`, {
    token: trialToConvert.token,
    body: { plan: 'plus', paymentMethod: { type: 'sepa', iban: 'DE89370400440532013001', accountHolder: 'Kunde', signedOn: '2027-01-29' } },
  });
  expect(badIban.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  const converted = await api('POST', `/v1/contracts/${trialToConvert.contractId}/conversion`, {
    token: trialToConvert.token,
    body: { plan: 'plus', paymentMethod: { type: 'sepa', iban: 'DE89 3704 0044 0532 0130 00', accountHolder: 'Kunde', signedOn: '2027-01-29' } },
  });
  expect(converted.status).toBe(200);
  expect(converted.body.paidFrom).toBe('2027-02-09');

  await advanceTo(berlin('2027-02-02', '00:00'));
  expect(await templates(trial)).toContain('trial-reminder');
  expect(await templates(trialToConvert)).not.toContain('trial-reminder');

  await advanceTo(berlin('2027-02-09', '00:00'));
  expect((await get(trial)).body).toMatchObject({ status: 'ended', endedOn: '2027-02-08' });
  expect((await get(trialToConvert)).body).toMatchObject({ status: 'active', plan: 'plus', paidFrom: '2027-02-09' });

  // --- Plan changes: 15.02.2027 ---
  await advanceTo(berlin('2027-02-15', '10:00'));
  const a = await newContract({ plan: 'plus', seats: 3 });
  const b = await newContract({ plan: 'plus', seats: 3 });
  const c = await newContract({ plan: 'plus', seats: 2 });
  for (const n of [1, 2]) {
    expect((await api('POST', `/v1/contracts/${b.contractId}/users`, { token: b.token, body: { name: `Member ${n}`, email: `m${n}@b.example` } })).status).toBe(201);
  }
  const conference = await api('POST', `/v1/contracts/${b.contractId}/appointments`, { token: b.token, body: { startsAt: '2027-09-01T10:00:00+02:00', participants: 4 } });
  expect(conference.status).toBe(201);
  const call = await api('POST', `/v1/contracts/${b.contractId}/appointments`, { token: b.token, body: { startsAt: '2027-09-02T10:00:00+02:00', participants: 2 } });
  expect(call.status).toBe(201);

  // Bad input changes nothing.
  const noTerms = await api('POST', `/v1/contracts/${a.contractId}/plan-change`, { token: a.token, body: { plan: 'basis' } });
  expect(noTerms.body).toMatchObject({ status: 422, code: 'TERMS_NOT_ACCEPTED' });
  const seatsBelow = await api('PUT', `/v1/contracts/${b.contractId}/seats`, { token: b.token, body: { seats: 2 } });
  expect(seatsBelow.body).toMatchObject({ status: 422, code: 'SEATS_BELOW_USERS' });
  const future = await api('POST', `/v1/contracts/${a.contractId}/cancellation`, {
    token: OPERATOR_TOKEN,
    body: { confirm: true, channel: 'phone', reason: 'Anruf', receivedAt: berlin('2027-02-16', '10:00') },
  });
  expect(future.body).toMatchObject({ status: 422, code: 'RECEIVED_IN_FUTURE' });
  expect((await get(a)).body).toMatchObject({ cancellation: null, pendingPlanChange: null, plan: 'plus' });
  expect((await get(b)).body.seats).toBe(3);

  const scheduled = await api('POST', `/v1/contracts/${a.contractId}/plan-change`, { token: a.token, body: { plan: 'basis', acceptTerms: true } });
  expect(scheduled.status).toBe(200);
  expect(scheduled.body.pendingPlanChange).toMatchObject({ plan: 'basis', effectiveOn: '2027-07-01' });
  expect((await api('POST', `/v1/contracts/${b.contractId}/plan-change`, { token: b.token, body: { plan: 'basis', acceptTerms: true } })).status).toBe(200);
  await api('POST', `/v1/contracts/${c.contractId}/plan-change`, { token: c.token, body: { plan: 'basis', acceptTerms: true } });

  // Cancel while a downgrade is pending → the downgrade is gone; a plan change while cancelled → 409.
  const cancelC = await api('POST', `/v1/contracts/${c.contractId}/cancellation`, { token: c.token, body: { confirm: true } });
  expect(cancelC.body).toMatchObject({ pendingPlanChange: null, cancellation: { endsOn: '2027-06-30' } });
  const blocked = await api('POST', `/v1/contracts/${c.contractId}/plan-change`, { token: c.token, body: { plan: 'basis', acceptTerms: true } });
  expect(blocked.body).toMatchObject({ status: 409, code: 'PLAN_CHANGE_BLOCKED' });

  // --- Deletion: two cancellations on 31.03.2027 ---
  await advanceTo(berlin('2027-03-31', '10:00'));
  const d = await newContract({ plan: 'basis' });
  const e = await newContract({ plan: 'basis' });
  expect((await api('POST', `/v1/contracts/${d.contractId}/cancellation`, { token: d.token, body: { confirm: true, deleteData: true } })).status).toBe(200);
  expect((await api('POST', `/v1/contracts/${e.contractId}/cancellation`, { token: e.token, body: { confirm: true } })).status).toBe(200);

  // --- 01.05.: A revokes and requests again: the notice restarts ---
  await advanceTo(berlin('2027-05-01', '09:00'));
  const revoked = await api('DELETE', `/v1/contracts/${a.contractId}/plan-change`, { token: a.token });
  expect(revoked.body.pendingPlanChange).toBeNull();
  expect(revoked.body.plan).toBe('plus');
  const again = await api('POST', `/v1/contracts/${a.contractId}/plan-change`, { token: a.token, body: { plan: 'basis', acceptTerms: true } });
  expect(again.body.pendingPlanChange.effectiveOn).toBe('2027-10-01');

  // --- 01.07.: B switches to basis; D's data is deleted; E's is kept ---
  await advanceTo(berlin('2027-06-30', '23:59'));
  expect((await api('GET', `/v1/contracts/${b.contractId}/users`, { token: b.token })).body.items).toHaveLength(3);
  await advanceTo(berlin('2027-07-01', '00:00'));
  expect((await get(b)).body).toMatchObject({ plan: 'basis', seats: 1, pendingPlanChange: null });
  const users = (await api('GET', `/v1/contracts/${b.contractId}/users`, { token: b.token })).body.items;
  expect(users.map((u: { role: string }) => u.role)).toEqual(['main']);
  const appointments = (await api('GET', `/v1/contracts/${b.contractId}/appointments`, { token: b.token })).body.items;
  expect(appointments.find((x: { id: string }) => x.id === conference.body.id).status).toBe('cancelled');
  expect(appointments.find((x: { id: string }) => x.id === call.body.id).status).toBe('scheduled');
  expect(await templates(b)).toContain('plan-downgraded');
  expect((await get(a)).body.plan).toBe('plus');
  expect((await get(c)).body).toMatchObject({ status: 'ended', endedOn: '2027-06-30' });

  expect((await api('GET', `/v1/customers/${d.id}`, { token: OPERATOR_TOKEN })).status).toBe(404);
  expect((await get(d)).status).toBe(401); // its token is gone with the profile
  const dRow = await api('GET', `/v1/contracts/${d.contractId}`, { token: OPERATOR_TOKEN });
  expect(dRow.body).toMatchObject({ status: 'ended', dataDeleted: true });
  expect((await api('GET', `/v1/contracts/${d.contractId}/users`, { token: OPERATOR_TOKEN })).body.items).toEqual([]);
  expect((await api('GET', `/v1/customers/${e.id}`, { token: OPERATOR_TOKEN })).status).toBe(200);
  const pauseEnded = await api('POST', `/v1/contracts/${e.contractId}/pause`, { token: e.token });
  expect(pauseEnded.body).toMatchObject({ status: 409, code: 'CONTRACT_ENDED' });

  // --- Day 119 after E's end (27.10.): still there; day 121 (29.10.): gone ---
  await advanceTo(berlin('2027-10-27', '12:00'));
  expect((await api('GET', `/v1/customers/${e.id}`, { token: OPERATOR_TOKEN })).status).toBe(200);
  expect(await templates(e)).toContain('data-deletion-notice');
  await advanceTo(berlin('2027-10-29', '00:00'));
  expect((await api('GET', `/v1/customers/${e.id}`, { token: OPERATOR_TOKEN })).status).toBe(404);
  expect((await api('GET', `/v1/contracts/${e.contractId}/users`, { token: OPERATOR_TOKEN })).body.items).toEqual([]);
  // Communications are billing records: they stay (retention is its own rule).
  expect(await templates(e)).toEqual(['contract-started', 'cancellation-confirmed', 'contract-ended', 'data-deletion-notice']);
  await settle();
});

test('pause and resume through the API; a paused contract is read-only', async () => {
  const f = await newContract({ plan: 'plus', seats: 2 });
  const paused = await api('POST', `/v1/contracts/${f.contractId}/pause`, { token: f.token });
  expect(paused.body).toMatchObject({ status: 'paused', readOnly: true });
  const addUser = await api('POST', `/v1/contracts/${f.contractId}/users`, { token: f.token, body: { name: 'X', email: 'x@f.example' } });
  expect(addUser.body).toMatchObject({ status: 409, code: 'CONTRACT_READ_ONLY' });
  expect((await api('POST', `/v1/contracts/${f.contractId}/pause`, { token: f.token })).body.code).toBe('ALREADY_PAUSED');
  const resumed = await api('DELETE', `/v1/contracts/${f.contractId}/pause`, { token: f.token });
  expect(resumed.body).toMatchObject({ status: 'active', readOnly: false, pausedSince: null });
  await settle();
  expect(await templates(f)).toEqual(['contract-started', 'contract-paused', 'contract-resumed']);
  const events = await api('GET', `/v1/contracts/${f.contractId}/events`, { token: OPERATOR_TOKEN });
  expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(['contract-started', 'paused', 'resumed']);
  expect(events.body.items[1]).toMatchObject({ data: { pauseFeeCents: 500 } });
});
