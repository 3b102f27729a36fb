/**
 * Dunning through the REST API in sandbox mode (real HTTP, PostgreSQL, time-skipping server,
 * SMTP sink, local print partner, local collection agency and credit bureau): a DE business's
 * invoice due 15.03.2027 goes unpaid → reminder 22.03., 1st letter 29.03., final letter 12.04.,
 * handover 26.04.; fees, the 40.00 and the interest from the base-rate table on the statement to
 * the cent; a missing base rate is an attention item an operator resolves; a consumer pays no
 * 40.00 and base rate + 5 points; full payment stops the ladder; a dispute keeps the claim out of
 * the handover and the report; exactly DOMAIN.md's data set goes to the agency.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';

const { p, api, newCustomer, advance, settle, eventually } = sandboxSuite({ dunning: true, customerName: 'Praxis Mahnung', emailPrefix: 'dunning' });
const eur = (amount: number) => ({ amount, currency: 'EUR' });

async function invoicesOf(contractId: string, token: string) {
  return (await api('GET', `/v1/contracts/${contractId}/invoices`, { token })).body.items as any[];
}
async function entriesOf(contractId: string, invoiceId: string) {
  const statement = (await api('GET', `/v1/contracts/${contractId}/statement`, { token: OPERATOR_TOKEN })).body;
  return (statement.entries as any[]).filter((e) => e.invoiceId === invoiceId).map((e) => [e.type, e.bookedOn, e.amount.amount]);
}
async function communicationsOf(contractId: string) {
  return ((await api('GET', `/v1/contracts/${contractId}/communications`, { token: OPERATOR_TOKEN })).body.items as any[]).map((c) => [c.kind, c.channel]);
}

test('unpaid DE business invoice due 15.03.2027: reminder, letters (with a missing base rate resolved by an operator), handover with the exact data set, credit report; a consumer, a payment and a dispute beside it', async () => {
  await advance('2027-03-01T09:00:00Z');
  // Interest needs the Basiszinssatz of 2027-H1: it is not in the table yet (the 2026 values are seeded).
  expect((await api('GET', '/v1/base-rates', { token: OPERATOR_TOKEN })).body.items.at(-1)).toEqual({ validFrom: '2026-01-01', basisPoints: 127 });
  const business = await newCustomer({ birthName: 'Muster', phone: '+49 30 1234567', dateOfBirth: '1980-05-17', occupation: 'Ärztin' });
  const consumer = await newCustomer({ type: 'consumer' });
  const payer = await newCustomer();
  const disputer = await newCustomer();
  const contracts = await Promise.all(
    [business, consumer, payer, disputer].map(async (c) => (await api('POST', '/v1/contracts', { token: c.token, body: { plan: 'plus', seats: 1 } })).body as { id: string }),
  );
  await settle();
  const [b, c, pay, d] = contracts;
  const march = async (contractId: string, token: string) => (await invoicesOf(contractId, token)).find((i) => i.issuedOn === '2027-03-01');
  const invoice = await march(b.id, business.token);
  expect(invoice).toMatchObject({ dueOn: '2027-03-15', gross: eur(2261), status: 'open', dunning: { level: 0, onHold: false } });

  // 22.03.: the reminder (mail only, no fee).
  await advance('2027-03-22T04:00:00Z');
  expect((await api('GET', `/v1/invoices/${invoice.id}`, { token: business.token })).body.dunning).toMatchObject({ level: 1, nextStepOn: '2027-03-29' });
  expect(await communicationsOf(b.id)).toContainEqual(['payment_reminder', 'email']);
  expect(await entriesOf(b.id, invoice.id)).toEqual([['invoice', '2027-03-01', 2261]]);

  // 29.03.: the 1st letter cannot compute its interest: an attention item, nothing booked or sent.
  await advance('2027-03-29T04:00:00Z');
  const waiting = (await api('GET', `/v1/contracts/${b.id}`, { token: OPERATOR_TOKEN })).body;
  const item = waiting.attention.find((a: any) => a.kind === 'dunning');
  expect(item).toMatchObject({ error: expect.stringContaining('BASE_RATE_MISSING') });
  expect(await entriesOf(b.id, invoice.id)).toEqual([['invoice', '2027-03-01', 2261]]);
  // The operator adds the half-year's rate (1.27 %) and retries the step.
  expect((await api('POST', '/v1/base-rates', { token: OPERATOR_TOKEN, body: { validFrom: '2027-01-01', basisPoints: 127 } })).status).toBe(201);
  for (const contract of [b, c, pay, d]) {
    const open = (await api('GET', `/v1/contracts/${contract.id}`, { token: OPERATOR_TOKEN })).body.attention as any[];
    for (const a of open) expect((await api('POST', `/v1/contracts/${contract.id}/attention/${encodeURIComponent(a.step)}/retry`, { token: OPERATOR_TOKEN })).status).toBe(202);
  }
  await settle();
  await eventually(() => entriesOf(b.id, invoice.id), (e) => e.length === 4, 'the 1st letter bookings');
  // 22.61 × (1.27 + 9) % × 14 days (16.–29.03.) ÷ 365 = 0.0891 → 0.09; fee 5.00; flat 40.00 (business, once).
  expect(await entriesOf(b.id, invoice.id)).toEqual([
    ['invoice', '2027-03-01', 2261],
    ['interest', '2027-03-29', 9],
    ['fee', '2027-03-29', 500],
    ['fee', '2027-03-29', 4000],
  ]);
  const consumerInvoice = await march(c.id, consumer.token);
  // A consumer: 22.61 × (1.27 + 5) % × 14 ÷ 365 = 0.0544 → 0.05; no 40.00.
  expect(await entriesOf(c.id, consumerInvoice.id)).toEqual([
    ['invoice', '2027-03-01', 2261],
    ['interest', '2027-03-29', 5],
    ['fee', '2027-03-29', 500],
  ]);

  // 02.04.: `payer` pays everything (principal, fee, flat fee, interest) → nothing after.
  const payerInvoice = await march(pay.id, payer.token);
  const claim = (await api('GET', `/v1/invoices/${payerInvoice.id}`, { token: payer.token })).body.claim;
  expect(claim).toEqual(eur(2261 + 9 + 500 + 4000));
  await advance('2027-04-02T10:00:00Z');
  expect((await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: { reference: payerInvoice.number, amount: claim, bookedOn: '2027-04-02' } })).status).toBe(201);
  // 05.04.: `disputer`'s invoice is disputed.
  await advance('2027-04-05T08:00:00Z');
  const disputedInvoice = await march(d.id, disputer.token);
  const disputed = await api('PUT', `/v1/invoices/${disputedInvoice.id}/dispute`, { token: OPERATOR_TOKEN, body: { reason: 'Leistung bestritten' } });
  expect(disputed.status).toBe(200);
  expect(disputed.body.dunning).toMatchObject({ onHold: true, level: 2 });
  expect((await api('PUT', `/v1/invoices/${disputedInvoice.id}/dispute`, { token: disputer.token, body: { reason: 'x' } })).status).toBe(403);

  // 12.04.: the final letter (interest 30.03.–12.04. = 14 days → 0.09, fee 5.00).
  await advance('2027-04-12T04:00:00Z');
  // 26.04.: the handover (interest 13.–26.04. → 0.09); contract suspended; credit report sent (1st letter 28 days before).
  await advance('2027-04-26T04:00:00Z');
  expect(await entriesOf(b.id, invoice.id)).toEqual([
    ['invoice', '2027-03-01', 2261],
    ['interest', '2027-03-29', 9],
    ['fee', '2027-03-29', 500],
    ['fee', '2027-03-29', 4000],
    ['interest', '2027-04-12', 9],
    ['fee', '2027-04-12', 500],
    ['interest', '2027-04-26', 9],
  ]);
  const suspended = (await api('GET', `/v1/contracts/${b.id}`, { token: business.token })).body;
  expect(suspended).toMatchObject({ status: 'suspended', dunning: { level: 4, onHold: false } });
  const handovers = (await api('GET', `/v1/collection-handovers?contractId=${b.id}`, { token: OPERATOR_TOKEN })).body.items;
  expect(handovers).toHaveLength(1);
  expect(handovers[0]).toMatchObject({ handedOverOn: '2027-04-26' });
  expect(Object.keys(handovers[0].debtor).sort()).toEqual(['address', 'birthName', 'contractDate', 'dateOfBirth', 'email', 'name', 'occupation', 'phone']);
  expect(handovers[0].debtor).toMatchObject({ birthName: 'Muster', dateOfBirth: '1980-05-17', occupation: 'Ärztin', phone: '+49 30 1234567', contractDate: '2027-03-01' });
  const marchClaim = handovers[0].claims.find((x: any) => x.invoiceNumber === invoice.number);
  expect(marchClaim).toEqual({ invoiceNumber: invoice.number, issuedOn: '2027-03-01', dueOn: '2027-03-15', openAmount: eur(2261), fees: eur(5000), interest: eur(27) });
  const reports = (await api('GET', `/v1/credit-reports?contractId=${b.id}`, { token: OPERATOR_TOKEN })).body.items;
  expect(reports).toEqual([expect.objectContaining({ invoiceId: invoice.id, decision: 'sent', decidedOn: '2027-04-26' })]);

  // The drop folders: two letters for the March invoice; the agency's export with the statement.
  const letters = (await api('GET', `/v1/letters?contractId=${b.id}`, { token: OPERATOR_TOKEN })).body.items as any[];
  const marchLetters = letters.filter((l) => l.invoiceId === invoice.id);
  expect(marchLetters.map((l) => l.kind)).toEqual(['dunning_letter_1', 'dunning_letter_final']);
  for (const letter of marchLetters) expect(fs.existsSync(path.join(p.config.printPartner.local.dropDir, letter.partnerLetterId ?? letter.id, 'letter.pdf'))).toBe(true);
  const agencyDir = p.config.dunning.agency.kind === 'local' ? p.config.dunning.agency.dropDir : '';
  // Two handovers: the business and the consumer (both unpaid); the business's folder holds its claims.
  const exported = fs.readdirSync(agencyDir).map((dir) => ({ dir, file: JSON.parse(fs.readFileSync(path.join(agencyDir, dir, 'handover.json'), 'utf8')) }));
  expect(exported).toHaveLength(2);
  const mine = exported.find((e) => e.file.claims.some((x: any) => x.invoiceNumber === invoice.number)) as (typeof exported)[number];
  expect(Object.keys(mine.file.debtor).sort()).toEqual(['address', 'birthName', 'contractDate', 'dateOfBirth', 'email', 'name', 'occupation', 'phone']);
  expect(mine.file.claimTotal).toEqual(handovers[0].claimTotal);
  expect(fs.readFileSync(path.join(agencyDir, mine.dir, 'statement.pdf')).subarray(0, 5).toString()).toBe('%PDF-');

  // `payer`: no letter after 02.04.; `disputer`: no handover and no report while on hold.
  expect((await communicationsOf(pay.id)).filter(([kind]) => kind === 'dunning_letter_final')).toEqual([]);
  expect((await api('GET', `/v1/invoices/${payerInvoice.id}`, { token: payer.token })).body).toMatchObject({ status: 'paid', claim: eur(0) });
  expect((await api('GET', `/v1/collection-handovers?contractId=${d.id}`, { token: OPERATOR_TOKEN })).body.items).toEqual([]);
  expect((await api('GET', `/v1/credit-reports?contractId=${d.id}`, { token: OPERATOR_TOKEN })).body.items).toEqual([]);
  expect((await api('GET', `/v1/contracts/${d.id}`, { token: disputer.token })).body.status).not.toBe('suspended');

  // A payment of the handed-over claim restores the contract.
  const owed = (await api('GET', `/v1/contracts/${b.id}/statement`, { token: OPERATOR_TOKEN })).body.balance;
  await advance('2027-04-28T10:00:00Z');
  expect((await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: { reference: invoice.number, amount: owed, bookedOn: '2027-04-28' } })).status).toBe(201);
  await eventually(() => api('GET', `/v1/contracts/${b.id}`, { token: business.token }), (r) => r.body.status === 'active', 'the restore after payment');
  // The agency hears of the payment (payments/<id>.json in the handover's folder), with nothing left owed.
  const reported = await eventually(
    async () => (fs.existsSync(path.join(agencyDir, mine.dir, 'payments')) ? fs.readdirSync(path.join(agencyDir, mine.dir, 'payments')) : []),
    (files) => files.length === 1,
    'the payment report to the agency',
  );
  const report = JSON.parse(fs.readFileSync(path.join(agencyDir, mine.dir, 'payments', reported[0]), 'utf8'));
  expect(report).toMatchObject({ amount: owed, remainingClaim: eur(0), invoiceNumber: invoice.number });
});
