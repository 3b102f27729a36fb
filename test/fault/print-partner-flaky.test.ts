/**
 * Fault tier (docs/fault-injection.md): the print partner (the Pingen protocol, served by the
 * mock of test/print-partner) fails every second letter request: 503 before creating the letter,
 * 502 after creating it (the answer is lost), or no answer past the client's 20 s timeout (the
 * letter is created anyway). Every postal invoice is still delivered exactly once. Then a
 * permanent 422 for one letter: an attention item operators see at
 * `GET /v1/contracts?needsAttention=true`, nothing posted for it.
 */
import type { LetterFault, MockPingen } from '../print-partner/mock-pingen';
import { CLIENT_ID, CLIENT_SECRET, ORGANISATION_ID, startMockPingen } from '../print-partner/mock-pingen';
import type { FaultStack } from './fault-harness';
import { busyWorkflows, createContract, FAULT_TOKEN, ledger, note, pool, secondsSince, startFaultStack, waitFor } from './fault-harness';

const LETTERS = 8;
/** The client gives up after 20 s (src/print-partner/pingen-client.ts); the mock answers after this. */
const HANG_MS = 21_000;
/** Every second request fails, in this rotation; `hang 0` is a request that goes through. */
const FAILURES: readonly LetterFault[] = [
  { kind: 'before-create', status: 503 },
  { kind: 'after-create', status: 502 },
  { kind: 'hang', ms: HANG_MS },
];
const SUCCESS: LetterFault = { kind: 'hang', ms: 0 };

let mock: MockPingen | undefined;
let stack: FaultStack | undefined;
let requests = 0;
let faulted = 0;

beforeAll(async () => {
  mock = await startMockPingen();
  const m = mock;
  // Half of the letter requests fail: the queue is refilled so that request n fails when n is odd.
  const refill = setInterval(() => {
    while (m.letterFaults.length < 4) {
      const fault = requests % 2 === 0 ? FAILURES[faulted++ % FAILURES.length] : SUCCESS;
      requests++;
      m.letterFaults.push(fault);
    }
  }, 20);
  refill.unref();
  stack = await startFaultStack({
    name: 'print-partner',
    env: {
      PRINT_PARTNER: 'pingen',
      PINGEN_API_URL: m.apiUrl,
      PINGEN_IDENTITY_URL: m.identityUrl,
      PINGEN_CLIENT_ID: CLIENT_ID,
      PINGEN_CLIENT_SECRET: CLIENT_SECRET,
      PINGEN_ORGANISATION_ID: ORGANISATION_ID,
      // Pingen's status webhooks (not sent by the mock; required with PRINT_PARTNER=pingen).
      PINGEN_WEBHOOK_SIGNING_KEY: 'fault-tier-pingen-webhook-signing-key',
    },
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await mock?.close();
}, 60_000);

test(`${LETTERS} postal invoices while the print partner fails half the time (5xx, lost answers, timeouts): each letter delivered exactly once`, async () => {
  const s = stack as FaultStack;
  const m = mock as MockPingen;
  const started = Date.now();
  const contracts = await pool(
    Array.from({ length: LETTERS }, (_, i) => `flaky-${i}`),
    4,
    (label) => createContract(s, label, 'post'),
  );
  const ids = contracts.map((c) => c.workflowId);
  await waitFor(
    'every letter handed over',
    async () => (await ledger(s)).letters.filter((l) => l.partnerLetterId !== null).length === LETTERS && (await busyWorkflows(s, ids)).length === 0,
    4 * 60_000,
    async () => JSON.stringify({ letters: (await ledger(s)).letters, busy: await busyWorkflows(s, ids), mockLetters: m.letters.length }),
    1_000,
  );
  const letterPosts = m.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/deliveries/letters')).length;
  // Faults queued but not taken yet are no failures.
  const failed = faulted - m.letterFaults.filter((f) => f !== SUCCESS).length;
  note('print-partner', `${LETTERS} letters delivered after ${secondsSince(started)} s; ${letterPosts} letter requests, ${failed} of them failed`);

  const l = await ledger(s);
  // The partner has each letter once (one per Idempotency-Key), and it is the one the platform recorded.
  expect(m.letters).toHaveLength(LETTERS);
  expect(new Set(m.letters.map((letter) => letter.idempotencyKey)).size).toBe(LETTERS);
  expect(l.letters.map((letter) => letter.partnerLetterId).sort()).toEqual(m.letters.map((letter) => letter.id).sort());
  expect(l.communications).toMatchObject({ 'invoice/letter/sent': LETTERS, 'contract-started/email/sent': LETTERS });
  expect(l.invoices).toHaveLength(LETTERS);
  expect(m.violations).toEqual([]);
  // The faults did happen, and were retried: more requests than letters.
  expect(failed).toBeGreaterThanOrEqual(LETTERS / 2);
  expect(letterPosts).toBeGreaterThanOrEqual(LETTERS + failed);
  expect(l.attention).toEqual([]);

  // A permanent refusal (422, the address): one attention item, visible to operators; nothing posted.
  m.letterFaults.splice(0, m.letterFaults.length, { kind: 'reject', status: 422 });
  requests = 0; // the refill's next entry (after the reject) lets requests through again
  const refused = await createContract(s, 'refused', 'post');
  const flagged = async () => (await s.api('GET', '/v1/contracts?needsAttention=true', { token: FAULT_TOKEN })).body;
  await waitFor('the refused letter is an attention item', async () => (await flagged()).items?.length === 1, 60_000, async () => JSON.stringify(await flagged()));
  const listed = await flagged();
  expect(listed.items.map((c: { id: string }) => c.id)).toEqual([refused.id]);
  const contract = (await s.api('GET', `/v1/contracts/${refused.id}`, { token: FAULT_TOKEN })).body;
  expect(contract.attention).toEqual([expect.objectContaining({ kind: 'invoice-delivery', error: expect.stringMatching(/422|address/i) })]);
  const after = await ledger(s);
  expect(after.letters.filter((letter) => letter.status === 'failed')).toHaveLength(1);
  expect(m.letters).toHaveLength(LETTERS);
  expect(after.attention.map((a) => a.contractId)).toEqual([refused.id]);
}, 6 * 60_000);
