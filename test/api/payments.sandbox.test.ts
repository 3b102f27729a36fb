/**
 * Payments through the REST API in sandbox mode (real HTTP, PostgreSQL, time-skipping server,
 * the local PSP reporting through its signed webhook): transfers (full, partial, unmatched),
 * camt.053 imported twice, card tok_ok paid through the webhook and charged back, forged and
 * stale webhooks, a SEPA collection with a schema-valid pain.008 and its return, prepaid
 * suspension and its end, and customer isolation (DOMAIN.md "Billing", issue "Payments").
 */
import { createHmac, randomUUID } from 'node:crypto';
import { camt053Xml } from '../helpers/camt053-fixture';
import { validatePaymentXml } from '../documents/validation-tools';
import { OPERATOR_TOKEN } from '../helpers/platform';
import { sandboxSuite } from '../helpers/sandbox-suite';
import { DEV_PSP_WEBHOOK_SECRET } from '../../src/config/config';

const { p, api, newCustomer, advance, settle, eventually } = sandboxSuite({ customerName: 'Praxis Zahlung', emailPrefix: 'payments' });

const eur = (amount: number) => ({ amount, currency: 'EUR' });
async function invoicesOf(contractId: string, token: string) {
  return (await api('GET', `/v1/contracts/${contractId}/invoices`, { token })).body.items as any[];
}
async function statementOf(contractId: string, token: string) {
  return (await api('GET', `/v1/contracts/${contractId}/statement`, { token })).body;
}
async function contractWith(token: string, body: Record<string, unknown> = { plan: 'plus', seats: 1 }) {
  const created = await api('POST', '/v1/contracts', { token, body });
  expect(created.status).toBe(201);
  await settle();
  return created.body as { id: string };
}

test('transfers: partial lowers openAmount, the rest pays it (balance 0), an overpayment stays credit for the next invoice; unknown reference → 422 kept for operators', async () => {
  await advance('2027-01-15T09:00:00Z');
  const anna = await newCustomer();
  const contract = await contractWith(anna.token, { plan: 'plus', seats: 3 });
  const [invoice] = await invoicesOf(contract.id, anna.token);
  expect(invoice).toMatchObject({ number: expect.stringMatching(/^2027-\d{6}$/), gross: eur(3720), openAmount: eur(3720), status: 'open' });

  const partial = await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: { reference: `Rechnung ${invoice.number}`, amount: eur(1000), bookedOn: '2027-01-20' }, headers: { 'idempotency-key': `t-${randomUUID()}` } });
  expect(partial.status).toBe(201);
  expect(partial.body).toMatchObject({ invoiceId: invoice.id, applied: [{ invoiceId: invoice.id, invoiceNumber: invoice.number, component: 'principal', amount: eur(1000) }], credit: eur(0) });
  expect((await api('GET', `/v1/invoices/${invoice.id}`, { token: anna.token })).body).toMatchObject({ status: 'open', openAmount: eur(2720), claim: eur(2720) });

  const key = `t-${randomUUID()}`;
  const rest = { reference: invoice.number, amount: eur(2720), bookedOn: '2027-01-22', payerName: 'Praxis' };
  const paid = await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: rest, headers: { 'idempotency-key': key } });
  expect(paid.status).toBe(201);
  const again = await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: rest, headers: { 'idempotency-key': key } });
  expect(again.body.paymentId).toBe(paid.body.paymentId); // the same key books once
  expect((await api('GET', `/v1/invoices/${invoice.id}`, { token: anna.token })).body).toMatchObject({ status: 'paid', openAmount: eur(0) });
  const statement = await statementOf(contract.id, anna.token);
  expect(statement.balance).toEqual(eur(0));
  expect(statement.entries.map((e: any) => [e.type, e.amount.amount])).toEqual([
    ['invoice', 3720],
    ['payment', -1000],
    ['payment', -2720],
  ]);
  // The workflow knows: nothing open.
  await eventually(async () => (await p.env.client.workflow.getHandle(`contract-${contract.id}`).query('payments')) as any, (s) => s.receivables.openInvoices.length === 0, 'the ledger signal');

  // 10.00 too much on the next invoice's reference → credit, used by the invoice of 01.02.
  const over = await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: { reference: invoice.number, amount: eur(1000), bookedOn: '2027-01-25' } });
  expect(over.body.credit).toEqual(eur(1000));
  await advance('2027-02-01T05:00:00Z');
  const february = (await invoicesOf(contract.id, anna.token)).find((i) => i.issuedOn === '2027-02-01');
  expect(february).toMatchObject({ gross: eur(6783), openAmount: eur(5783) }); // 3 × 19.00 + 19 % = 67.83, 10.00 credit applied
  expect((await statementOf(contract.id, anna.token)).balance).toEqual(eur(5783));

  const unmatched = await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: { reference: 'Miete Januar', amount: eur(5000), bookedOn: '2027-02-02' } });
  expect(unmatched.status).toBe(422);
  expect(unmatched.contentType).toContain('application/problem+json');
  expect(unmatched.body.code).toBe('UNMATCHED_TRANSFER');
  const listed = (await api('GET', '/v1/bank-transfers/unmatched', { token: OPERATOR_TOKEN })).body.items;
  expect(listed[0]).toMatchObject({ id: unmatched.body.unmatchedId, reference: 'Miete Januar', amount: eur(5000) });
  expect((await api('POST', '/v1/bank-transfers', { token: anna.token, body: rest })).status).toBe(403);
  expect((await api('POST', '/v1/bank-transfers', { token: OPERATOR_TOKEN, body: { ...rest, amount: eur(0) } })).status).toBe(400);
});

test('camt.053 (.001.08 and .001.02): credits matched by the invoice number, the same statement twice books nothing twice; malformed XML → 400', async () => {
  await advance('2027-03-01T06:00:00Z');
  const ben = await newCustomer();
  const contract = await contractWith(ben.token, { plan: 'plus', seats: 1 });
  const [invoice] = await invoicesOf(contract.id, ben.token);
  const xml = camt053Xml({
    version: '001.08',
    statementId: `STMT-${invoice.number}`,
    iban: 'DE89370400440532013000',
    entries: [
      { amount: (invoice.gross.amount / 100).toFixed(2), direction: 'credit', bookedOn: '2027-03-05', accountServicerReference: `REF-${invoice.number}`, transactions: [{ remittance: [`Rechnung ${invoice.number}`], debtor: { name: 'Praxis Zahlung' } }] },
      { amount: '12.34', direction: 'credit', bookedOn: '2027-03-05', accountServicerReference: `REF-X-${invoice.number}`, transactions: [{ remittance: ['Spende'] }] },
    ],
  });
  const first = await api('POST', '/v1/bank-statements', { token: OPERATOR_TOKEN, rawBody: xml, headers: { 'content-type': 'application/xml' } });
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ imported: 2, matched: 1, duplicates: 0, unmatched: [expect.objectContaining({ amount: eur(1234) })] });
  const second = await api('POST', '/v1/bank-statements', { token: OPERATOR_TOKEN, rawBody: xml, headers: { 'content-type': 'application/xml' } });
  expect(second.body).toMatchObject({ imported: 2, matched: 0, duplicates: 1 });
  const statement = await statementOf(contract.id, ben.token);
  expect(statement.entries.filter((e: any) => e.type === 'payment')).toHaveLength(1);
  expect(statement.balance).toEqual(eur(0));
  expect((await api('GET', `/v1/invoices/${invoice.id}`, { token: ben.token })).body.status).toBe('paid');

  const bad = await api('POST', '/v1/bank-statements', { token: OPERATOR_TOKEN, rawBody: '<Document><BkToCstmrStmt>', headers: { 'content-type': 'application/xml' } });
  expect(bad.status).toBe(400);
  expect(bad.body.code).toMatch(/^(MALFORMED_STATEMENT|UNSUPPORTED_STATEMENT_VERSION)$/);
});

/** Signs a PSP event as the PSP would (X-Signature over the raw body). */
function signed(event: Record<string, unknown>, secret = DEV_PSP_WEBHOOK_SECRET) {
  const raw = JSON.stringify(event);
  return { rawBody: raw, headers: { 'x-signature': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` } };
}

test('card tok_ok: charged on the issue date and paid through the signed webhook; chargeback → open again; forged and stale webhooks → 401; a replayed event books nothing', async () => {
  await advance('2027-04-01T06:00:00Z');
  const cara = await newCustomer();
  // The contract starts on transfer; the card is set before the next run.
  const contract = await contractWith(cara.token, { plan: 'plus', seats: 1 });
  expect((await api('PUT', `/v1/contracts/${contract.id}/payment-method`, { token: cara.token, body: { type: 'card', pspToken: 'tok_ok' } })).status).toBe(200);
  await advance('2027-05-01T05:00:00Z');
  const may = (await invoicesOf(contract.id, cara.token)).find((i) => i.issuedOn === '2027-05-01');
  expect(may.paymentMethod).toBe('card');
  const paid = await eventually(() => api('GET', `/v1/invoices/${may.id}`, { token: cara.token }), (r) => r.body.status === 'paid', 'the card payment');
  expect(paid.body.openAmount).toEqual(eur(0));
  const payment = (await statementOf(contract.id, cara.token)).entries.find((e: any) => e.type === 'payment');
  expect(payment).toMatchObject({ amount: eur(-may.gross.amount), invoiceId: may.id, reference: expect.stringMatching(/^pay_/) });

  // Forged (wrong secret) and stale (10 minutes old) events → 401; nothing booked.
  const now = (await api('GET', '/v1/sandbox/clock', { token: OPERATOR_TOKEN })).body.now as string;
  const event = { eventId: `evt_${randomUUID()}`, createdAt: now, type: 'chargeback', paymentId: payment.reference, reference: may.number, amount: may.gross };
  const forged = await api('POST', '/v1/webhooks/psp', signed(event, 'not-the-secret-at-all'));
  expect(forged.status).toBe(401);
  expect(forged.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');
  const stale = await api('POST', '/v1/webhooks/psp', signed({ ...event, createdAt: new Date(Date.parse(now) - 10 * 60_000).toISOString() }));
  expect(stale.status).toBe(401);
  expect(stale.body.code).toBe('WEBHOOK_EVENT_STALE');
  expect((await api('GET', `/v1/invoices/${may.id}`, { token: cara.token })).body.status).toBe('paid');

  // The chargeback (the local PSP reports it, as the card holder's bank disputes the charge).
  expect((await api('POST', '/v1/sandbox/psp/chargebacks', { token: OPERATOR_TOKEN, body: { paymentId: payment.reference } })).status).toBe(202);
  const reopened = await eventually(() => api('GET', `/v1/invoices/${may.id}`, { token: cara.token }), (r) => r.body.status === 'open', 'the chargeback');
  expect(reopened.body.openAmount).toEqual(may.gross);
  // The same chargeback sent again by hand (a replayed event id) books nothing.
  const signedAgain = await api('POST', '/v1/webhooks/psp', signed(event));
  expect(signedAgain.status).toBe(200);
  const replay = await api('POST', '/v1/webhooks/psp', signed(event));
  expect(replay.body).toMatchObject({ result: 'duplicate' });
  const entries = (await statementOf(contract.id, cara.token)).entries.map((e: any) => e.type);
  expect(entries.filter((t: string) => t === 'chargeback')).toHaveLength(1);
  const april = (await invoicesOf(contract.id, cara.token)).find((i) => i.issuedOn === '2027-04-01');
  expect((await statementOf(contract.id, cara.token)).balance).toEqual(eur(april.gross.amount + may.gross.amount)); // April by transfer, still open
});

test('SEPA: mandate → collected on the due date into a collection with a schema-valid pain.008; a return in camt.053 reopens the invoice with the 3.00 fee', async () => {
  await advance('2027-06-01T06:00:00Z');
  const dora = await newCustomer();
  const contract = await contractWith(dora.token, { plan: 'plus', seats: 2 });
  const mandate = await api('PUT', `/v1/contracts/${contract.id}/payment-method`, {
    token: dora.token,
    body: { type: 'sepa', iban: 'DE02 1203 0000 0000 2020 51', accountHolder: 'Dora Beispiel', signedOn: '2027-06-01' },
  });
  expect(mandate.status).toBe(200);
  await advance('2027-07-01T05:00:00Z');
  const july = (await invoicesOf(contract.id, dora.token)).find((i) => i.issuedOn === '2027-07-01');
  expect(july).toMatchObject({ paymentMethod: 'sepa', dueOn: '2027-07-15', status: 'open' });
  expect((await api('GET', '/v1/sepa/collections?dueOn=2027-07-15', { token: OPERATOR_TOKEN })).body.items).toEqual([]);

  await advance('2027-07-15T05:00:00Z');
  const collections = (await api('GET', '/v1/sepa/collections?dueOn=2027-07-15', { token: OPERATOR_TOKEN })).body.items;
  expect(collections).toHaveLength(1);
  expect(collections[0]).toMatchObject({ dueOn: '2027-07-15', debits: 1, total: july.gross });
  const pain = await api('GET', `/v1/sepa/collections/${collections[0].id}/pain.008`, { token: OPERATOR_TOKEN });
  expect(pain.status).toBe(200);
  expect(pain.contentType).toContain('application/xml');
  const xml = pain.body as string;
  expect(validatePaymentXml(xml, 'pain.008.001.08')).toMatchObject({ valid: true });
  expect(xml).toContain(`<EndToEndId>E2E-${july.number}</EndToEndId>`);
  expect(xml).toContain('<SeqTp>FRST</SeqTp>');
  expect(xml).toContain(`<InstdAmt Ccy="EUR">${(july.gross.amount / 100).toFixed(2)}</InstdAmt>`);
  expect((await api('GET', `/v1/invoices/${july.id}`, { token: dora.token })).body.status).toBe('paid');
  expect((await api('GET', `/v1/sepa/collections/${collections[0].id}/pain.008`, { token: dora.token })).status).toBe(403);

  // The debtor's bank returns the debit (MD06): camt.053 with the return, imported twice.
  const returned = camt053Xml({
    version: '001.02',
    statementId: `RET-${july.number}`,
    iban: 'DE89370400440532013000',
    entries: [
      {
        amount: (july.gross.amount / 100).toFixed(2),
        direction: 'debit',
        bookedOn: '2027-07-20',
        accountServicerReference: `RET-${july.number}`,
        bankTransactionCode: { domain: 'PMNT', family: 'IDDT', subFamily: 'UPDD' },
        transactions: [{ endToEndId: `E2E-${july.number}`, returnReason: 'MD06' }],
      },
    ],
  });
  for (let i = 0; i < 2; i++) {
    const imported = await api('POST', '/v1/bank-statements', { token: OPERATOR_TOKEN, rawBody: returned, headers: { 'content-type': 'application/xml' } });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject(i === 0 ? { returns: 1 } : { returns: 0, duplicates: 1 });
  }
  const invoice = (await api('GET', `/v1/invoices/${july.id}`, { token: dora.token })).body;
  expect(invoice).toMatchObject({ status: 'open', openAmount: july.gross, claim: eur(july.gross.amount + 300) });
  const types = (await statementOf(contract.id, dora.token)).entries.map((e: any) => [e.type, e.amount.amount]);
  expect(types.slice(-3)).toEqual([
    ['payment', -july.gross.amount],
    ['chargeback', july.gross.amount],
    ['fee', 300],
  ]);
});

test('prepaid without card: suspended on the invoice day, restored by a prepayment on day 30; the next charge unpaid → ended after day 90', async () => {
  await advance('2027-08-10T08:00:00Z');
  const emil = await newCustomer();
  const contract = await contractWith(emil.token, { plan: 'plus', seats: 1, billingMode: 'prepaid' });
  const suspended = await eventually(() => api('GET', `/v1/contracts/${contract.id}`, { token: emil.token }), (r) => r.body.status === 'suspended', 'the suspension');
  expect(suspended.body.readOnly).toBe(true);
  const usage = await api('POST', `/v1/contracts/${contract.id}/usage`, { token: emil.token, body: { kind: 'sms', quantity: 1, occurredAt: '2027-08-10T10:00:00+02:00' }, headers: { 'idempotency-key': 'u1' } });
  expect(usage.status).toBe(409);
  expect((await api('POST', `/v1/contracts/${contract.id}/prepayments`, { token: emil.token, body: { amount: eur(5000) } })).body.code).toBe('NO_CARD_ON_FILE');

  // Day 30: a card and a prepayment of 50.00 → the open 16.04 (19.00 × 22/31 = 13.48 + 19 %) is paid, 33.96 stay as balance.
  await advance('2027-09-08T10:00:00Z');
  expect((await api('PUT', `/v1/contracts/${contract.id}/payment-method`, { token: emil.token, body: { type: 'card', pspToken: 'tok_ok' } })).status).toBe(200);
  const prepayment = await api('POST', `/v1/contracts/${contract.id}/prepayments`, { token: emil.token, body: { amount: eur(5000) }, headers: { 'idempotency-key': 'top-1' } });
  expect(prepayment.status).toBe(201);
  expect(prepayment.body).toMatchObject({ status: 'pending', amount: eur(5000) });
  const restored = await eventually(() => api('GET', `/v1/contracts/${contract.id}`, { token: emil.token }), (r) => r.body.status === 'active', 'the restore');
  expect(restored.body.readOnly).toBe(false);
  const afterTopUp = await statementOf(contract.id, emil.token);
  expect(afterTopUp.entries.map((e: any) => e.type)).toContain('prepayment');
  expect((await invoicesOf(contract.id, emil.token))[0].gross).toEqual(eur(1604));
  expect(afterTopUp.credit).toEqual(eur(5000 - 1604));

  // The card is removed. 01.10.: 19.00 for October plus the restored days 08.–30.09. (19.00 × 23/30 = 14.57;
  // suspended days are not billed) = 33.57 net, 39.95 gross > the balance left → no card → suspended again.
  expect((await api('DELETE', `/v1/contracts/${contract.id}/payment-method`, { token: emil.token })).status).toBe(200);
  await advance('2027-10-01T05:00:00Z');
  const october = (await invoicesOf(contract.id, emil.token)).find((i) => i.issuedOn === '2027-10-01');
  expect(october).toMatchObject({ net: eur(3357), gross: eur(3995), openAmount: eur(3995 - afterTopUp.credit.amount) });
  const again = await eventually(() => api('GET', `/v1/contracts/${contract.id}`, { token: emil.token }), (r) => r.body.status === 'suspended', 'the second suspension');
  expect(again.body.status).toBe('suspended');
  // Nothing paid: day 90 (29.12.) is the last day in force, ended from 30.12. 00:00 CET.
  await advance('2027-12-29T12:00:00Z');
  expect((await api('GET', `/v1/contracts/${contract.id}`, { token: emil.token })).body.status).toBe('suspended');
  await advance('2027-12-30T06:00:00Z');
  const ended = await api('GET', `/v1/contracts/${contract.id}`, { token: emil.token });
  expect(ended.body).toMatchObject({ status: 'ended', endedOn: '2027-12-29' });
  const kinds = (await api('GET', `/v1/contracts/${contract.id}/communications`, { token: emil.token })).body.items.map((c: any) => c.template);
  expect(kinds).toEqual(expect.arrayContaining(['contract-suspended', 'contract-restored', 'contract-ended-unpaid']));
});

test('customer A cannot read B’s statement, statement PDF, invoices or invoice PDFs (404); B’s own statement PDF is served', async () => {
  const a = await newCustomer();
  const b = await newCustomer();
  const contractB = await contractWith(b.token, { plan: 'plus', seats: 1 });
  const [invoiceB] = await invoicesOf(contractB.id, b.token);
  for (const path of [`/v1/contracts/${contractB.id}/statement`, `/v1/contracts/${contractB.id}/statement/pdf`, `/v1/contracts/${contractB.id}/invoices`, `/v1/invoices/${invoiceB.id}`, `/v1/invoices/${invoiceB.id}/pdf`, `/v1/invoices/${invoiceB.id}/e-invoice`]) {
    const response = await api('GET', path, { token: a.token });
    expect([path, response.status]).toEqual([path, 404]);
  }
  expect((await api('POST', `/v1/contracts/${contractB.id}/prepayments`, { token: a.token, body: { amount: eur(100) } })).status).toBe(404);
  const pdf = await fetch(`${p.url}/v1/contracts/${contractB.id}/statement/pdf`, { headers: { authorization: `Bearer ${b.token}` } });
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toContain('application/pdf');
  expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
});

test('prepaid with a card on file: the next charge the balance cannot cover is topped up from the card (a prepayment through the PSP), the contract stays active', async () => {
  await advance('2028-02-10T09:00:00Z');
  const fritz = await newCustomer();
  const contract = await contractWith(fritz.token, { plan: 'plus', seats: 1, billingMode: 'prepaid' });
  await eventually(() => api('GET', `/v1/contracts/${contract.id}`, { token: fritz.token }), (r) => r.body.status === 'suspended', 'the suspension without a card');
  // A card and a prepayment of exactly what is open: restored, no balance left.
  expect((await api('PUT', `/v1/contracts/${contract.id}/payment-method`, { token: fritz.token, body: { type: 'card', pspToken: 'tok_ok' } })).status).toBe(200);
  const [first] = await invoicesOf(contract.id, fritz.token);
  expect((await api('POST', `/v1/contracts/${contract.id}/prepayments`, { token: fritz.token, body: { amount: first.gross }, headers: { 'idempotency-key': 'exact' } })).status).toBe(201);
  await eventually(() => api('GET', `/v1/contracts/${contract.id}`, { token: fritz.token }), (r) => r.body.status === 'active', 'the restore');
  expect((await statementOf(contract.id, fritz.token)).balance).toEqual(eur(0));

  // 01.03.: 22.61 is due and nothing is on the balance → topped up from the card → paid, active.
  await advance('2028-03-01T05:00:00Z');
  const march = (await invoicesOf(contract.id, fritz.token)).find((i) => i.issuedOn === '2028-03-01');
  // The February days were billed on the start day (before the suspension): March is one month, 19.00 + 19 %.
  expect(march).toMatchObject({ paymentMethod: 'prepaid', gross: eur(2261) });
  await eventually(() => api('GET', `/v1/invoices/${march.id}`, { token: fritz.token }), (r) => r.body.status === 'paid', 'the top-up');
  expect((await api('GET', `/v1/contracts/${contract.id}`, { token: fritz.token })).body.status).toBe('active');
  const prepayments = (await statementOf(contract.id, fritz.token)).entries.filter((e: any) => e.type === 'prepayment').map((e: any) => e.amount.amount);
  expect(prepayments).toEqual([-first.gross.amount, -march.gross.amount]);
});
