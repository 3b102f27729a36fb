/**
 * Invoicing through the REST API in sandbox mode (real HTTP, PostgreSQL, time-skipping server,
 * SMTP sink, local print partner): DOMAIN.md's worked example to the cent, usage counted once,
 * documents served, an invoice by post lands in the drop folder once and is posted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkBrDeRules } from '../../src/documents/br-de-rules';
import { runSchematron, validateXsd } from '../documents/validation-tools';
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';

const { p, api, newCustomer, advance, settle } = sandboxSuite({ customerName: 'Praxis Dr. Muster', emailPrefix: 'invoicing' });

test('15.01.: 31.26 / 5.94 / 37.20; 120 SMS; 01.02.: 69.00 / 13.11 / 82.11 — consecutive numbers, PDF and XRechnung served, mailed with both', async () => {
  await advance('2027-01-15T09:00:00Z'); // 10:00 Berlin
  const anna = await newCustomer();
  const contract = (await api('POST', '/v1/contracts', { token: anna.token, body: { plan: 'plus', seats: 3 } })).body;
  await settle();
  const first = (await api('GET', `/v1/contracts/${contract.id}/invoices`, { token: anna.token })).body.items;
  expect(first).toHaveLength(1);
  expect(first[0]).toMatchObject({
    issuedOn: '2027-01-15',
    dueOn: '2027-01-29',
    status: 'open',
    delivery: 'email',
    paymentMethod: 'transfer',
    net: { amount: 3126, currency: 'EUR' },
    vat: { amount: 594, currency: 'EUR' },
    gross: { amount: 3720, currency: 'EUR' },
    openAmount: { amount: 3720, currency: 'EUR' },
    reverseCharge: false,
    retainUntil: '2035-12-31',
  });
  expect(first[0].lines).toEqual([
    expect.objectContaining({ kind: 'proration', quantity: 3, unitPrice: { amount: 1900, currency: 'EUR' }, net: { amount: 3126, currency: 'EUR' }, vatRate: 19, servicePeriod: { from: '2027-01-15', to: '2027-01-31' } }),
  ]);

  // Day 5: 120 SMS, reported twice with the same key (a retry) → counted once.
  await advance('2027-01-20T10:00:00Z');
  const usage = { kind: 'sms', quantity: 120, occurredAt: '2027-01-20T10:00:00+01:00' };
  const recorded = await api('POST', `/v1/contracts/${contract.id}/usage`, { token: anna.token, body: usage, headers: { 'idempotency-key': 'sms-batch-1' } });
  expect(recorded.status).toBe(202);
  expect(recorded.body).toMatchObject({ quantity: 120, occurredOn: '2027-01-20' });
  expect((await api('POST', `/v1/contracts/${contract.id}/usage`, { token: anna.token, body: usage, headers: { 'idempotency-key': 'sms-batch-1' } })).status).toBe(202);
  const noKey = await api('POST', `/v1/contracts/${contract.id}/usage`, { token: anna.token, body: usage });
  expect(noKey.status).toBe(400);
  expect(noKey.body.code).toBe('VALIDATION_FAILED');

  // Day 17: 01.02., after the spread window.
  await advance('2027-02-01T04:00:00Z');
  const both = (await api('GET', `/v1/contracts/${contract.id}/invoices`, { token: anna.token })).body.items;
  expect(both.map((i: { net: { amount: number }; vat: { amount: number }; gross: { amount: number } }) => [i.net.amount, i.vat.amount, i.gross.amount])).toEqual([
    [3126, 594, 3720],
    [6900, 1311, 8211],
  ]);
  const [year, a] = both[0].number.split('-');
  expect(both[1].number).toBe(`${year}-${String(Number(a) + 1).padStart(6, '0')}`);
  expect(both[1].lines.map((l: { kind: string; quantity: number }) => [l.kind, l.quantity])).toEqual([
    ['base-fee', 3],
    ['usage', 120],
  ]);

  // The documents: PDF (with the ZUGFeRD XML inside) and XRechnung.
  const pdf = await fetch(`${p.url}/v1/invoices/${both[1].id}/pdf`, { headers: { authorization: `Bearer ${anna.token}` } });
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toContain('application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(bytes.includes(Buffer.from('factur-x.xml'))).toBe(true);
  const xml = await api('GET', `/v1/invoices/${both[1].id}/e-invoice`, { token: anna.token });
  expect(xml.status).toBe(200);
  expect(xml.contentType).toContain('application/xml');
  expect(String(xml.body)).toContain('82.11');
  expect(String(xml.body)).toContain(both[1].number);
  // The generated e-invoice passes the EN 16931 XSD and Schematron (XRechnung's customization id is
  // the one Factur-X rule it cannot pass) and the German BR-DE rules.
  const xmlFile = path.join(p.config.printPartner.local.dropDir, `..`, `e-invoice-${both[1].number}.xml`);
  fs.mkdirSync(path.dirname(xmlFile), { recursive: true });
  fs.writeFileSync(xmlFile, String(xml.body));
  expect(validateXsd(xmlFile)).toMatchObject({ valid: true });
  expect((runSchematron([xmlFile]).get(xmlFile) ?? []).map((f) => f.id)).toEqual(['FX-SCH-A-000556']);
  expect(checkBrDeRules(String(xml.body))).toEqual([]);
  // Served as stored: the same bytes again.
  const again = Buffer.from(await (await fetch(`${p.url}/v1/invoices/${both[1].id}/pdf`, { headers: { authorization: `Bearer ${anna.token}` } })).arrayBuffer());
  expect(again.equals(bytes)).toBe(true);

  // Mailed once each, recorded as communications about the invoice.
  const comms = (await api('GET', `/v1/contracts/${contract.id}/communications`, { token: anna.token })).body.items.filter((c: { template: string }) => c.template === 'invoice-issued');
  expect(comms).toHaveLength(2);
  expect(comms.every((c: { status: string; kind: string }) => c.status === 'sent' && c.kind === 'invoice')).toBe(true);
  const mails = p.mails.filter((m) => m.to === anna.email && m.subject.startsWith('Ihre Rechnung'));
  expect(mails.map((m) => m.subject).sort()).toEqual([`Ihre Rechnung ${both[0].number}`, `Ihre Rechnung ${both[1].number}`].sort());

  // Another customer sees none of it.
  const bob = await newCustomer();
  expect((await api('GET', `/v1/invoices/${both[1].id}`, { token: bob.token })).status).toBe(404);
  expect((await fetch(`${p.url}/v1/invoices/${both[1].id}/pdf`, { headers: { authorization: `Bearer ${bob.token}` } })).status).toBe(404);
  expect((await api('GET', `/v1/contracts/${contract.id}/invoices`, { token: bob.token })).status).toBe(404);
  // Operators list by number.
  const listed = await api('GET', `/v1/invoices?contractId=${contract.id}`, { token: OPERATOR_TOKEN });
  expect(listed.body.items.map((i: { number: string }) => i.number)).toEqual(both.map((i: { number: string }) => i.number));
  expect((await api('GET', '/v1/invoices', { token: anna.token })).status).toBe(403);
});

test('usage on basis is FEATURE_NOT_IN_PLAN; on an ended contract a conflict; in the future refused', async () => {
  await advance('2027-03-01T08:00:00Z');
  const carla = await newCustomer();
  const basis = (await api('POST', '/v1/contracts', { token: carla.token, body: { plan: 'basis' } })).body.id;
  const onBasis = await api('POST', `/v1/contracts/${basis}/usage`, { token: carla.token, body: { kind: 'sms', quantity: 1, occurredAt: '2027-03-01T09:00:00+01:00' }, headers: { 'idempotency-key': 'b1' } });
  expect(onBasis.status).toBe(422);
  expect(onBasis.body.code).toBe('FEATURE_NOT_IN_PLAN');
  const plus = (await api('POST', '/v1/contracts', { token: carla.token, body: { plan: 'plus' } })).body.id;
  const future = await api('POST', `/v1/contracts/${plus}/usage`, { token: carla.token, body: { kind: 'sms', quantity: 1, occurredAt: '2027-03-02T09:00:00+01:00' }, headers: { 'idempotency-key': 'f1' } });
  expect(future.status).toBe(422);
  expect(future.body.code).toBe('USAGE_IN_FUTURE');
  const bad = await api('POST', `/v1/contracts/${plus}/usage`, { token: carla.token, body: { kind: 'mms', quantity: 0 }, headers: { 'idempotency-key': 'x1' } });
  expect(bad.status).toBe(400);
  // A trial cancelled ends at once: usage afterwards is a conflict.
  const trial = (await api('POST', '/v1/contracts', { token: carla.token, body: { plan: 'plus', trial: true } })).body.id;
  await api('POST', `/v1/contracts/${trial}/cancellation`, { token: carla.token, body: { confirm: true } });
  const ended = await api('POST', `/v1/contracts/${trial}/usage`, { token: carla.token, body: { kind: 'sms', quantity: 1, occurredAt: '2027-03-01T08:30:00+01:00' }, headers: { 'idempotency-key': 'e1' } });
  expect(ended.status).toBe(409);
  expect(ended.body.code).toBe('CONTRACT_ENDED');
});

test('an invoice by post: one letter in the drop folder, reported printed and posted through the signed webhook', async () => {
  await advance('2027-04-01T08:00:00Z');
  const dora = await newCustomer({ invoiceDelivery: 'post' });
  const contract = (await api('POST', '/v1/contracts', { token: dora.token, body: { plan: 'plus', seats: 1 } })).body.id;
  await settle();
  const [invoice] = (await api('GET', `/v1/contracts/${contract}/invoices`, { token: dora.token })).body.items;
  expect(invoice).toMatchObject({ delivery: 'post', gross: { amount: 2261, currency: 'EUR' } });
  // The local partner reports printed (after 2 s) and posted (3 s later) in real time.
  let letters: { status: string; invoiceId: string; kind: string; partnerLetterId: string }[] = [];
  for (let i = 0; i < 80; i++) {
    letters = (await api('GET', `/v1/letters?contractId=${contract}`, { token: OPERATOR_TOKEN })).body.items;
    if (letters[0]?.status === 'posted') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(letters).toEqual([expect.objectContaining({ kind: 'invoice', status: 'posted', invoiceId: invoice.id })]);
  const dropDir = p.config.printPartner.local.dropDir;
  const folders = fs.readdirSync(dropDir).filter((f) => fs.existsSync(path.join(dropDir, f, 'manifest.json')));
  const mine = folders.filter((f) => JSON.parse(fs.readFileSync(path.join(dropDir, f, 'manifest.json'), 'utf8')).metadata?.contractId === contract);
  expect(mine).toHaveLength(1);
  expect(fs.readFileSync(path.join(dropDir, mine[0], 'letter.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  const comms = (await api('GET', `/v1/contracts/${contract}/communications`, { token: OPERATOR_TOKEN })).body.items;
  expect(comms.filter((c: { channel: string }) => c.channel === 'letter')).toEqual([expect.objectContaining({ kind: 'invoice', status: 'sent' })]);
});
