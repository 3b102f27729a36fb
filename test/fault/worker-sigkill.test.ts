/**
 * Fault tier (docs/fault-injection.md): the worker process is SIGKILLed again and again while
 * contracts are created and cancelled (start-day invoices being issued, rendered, mailed and
 * posted; welcome and cancellation mails being sent) and started again each time. Once every
 * workflow has settled, every invoice, communication and letter exists exactly once, and every
 * mail reached the SMTP server — re-sent (same Message-ID) at most once per kill that hit the
 * milliseconds between the server's 250 and storing `sent`, which no SMTP client can close.
 */
import type { FaultStack } from './fault-harness';
import {
  createContract,
  droppedLetters,
  duplicateMails,
  FAULT_TOKEN,
  invoiceSequences,
  ledger,
  note,
  pool,
  retryUnavailable,
  secondsSince,
  sleep,
  settle,
  faultSuite,
} from './fault-harness';

const EMAIL_CONTRACTS = 10;
const POST_CONTRACTS = 6;
const CONTRACTS = EMAIL_CONTRACTS + POST_CONTRACTS;
/** Kills, each after 1.5–4 s of the worker running. */
const KILLS = 5;

const stack = faultSuite({ name: 'worker-sigkill' });

test(`${CONTRACTS} contracts created and cancelled while the worker is SIGKILLed ${KILLS} times: every invoice, communication and letter exactly once, every mail delivered`, async () => {
  const s = stack();
  const started = Date.now();
  let killing = true;
  const kills: string[] = [];
  const killer = (async () => {
    while (killing && kills.length < KILLS) {
      await sleep(1_500 + Math.random() * 2_500);
      if (!killing) break;
      await s.worker.kill();
      kills.push(`${secondsSince(started)} s`);
      await s.worker.start();
    }
  })();

  const labels = Array.from({ length: CONTRACTS }, (_, i) => `sigkill-${i}`);
  let contracts: Awaited<ReturnType<typeof createContract>>[];
  try {
    contracts = await pool(labels, 4, (label, i) => createContract(s, label, i < EMAIL_CONTRACTS ? 'email' : 'post'));
    note('worker-sigkill', `${CONTRACTS} contracts created after ${secondsSince(started)} s`);
    await pool(contracts, 4, async (contract) => {
      const res = await retryUnavailable(() =>
        s.api('POST', `/v1/contracts/${contract.id}/cancellation`, { token: FAULT_TOKEN, body: { confirm: true }, headers: { 'idempotency-key': `cancel-${contract.id}` } }),
      );
      expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ status: 200, body: 'ok' });
    });
    note('worker-sigkill', `${CONTRACTS} contracts cancelled after ${secondsSince(started)} s`);
    await killer;
  } finally {
    killing = false;
  }
  note('worker-sigkill', `worker killed at ${kills.join(', ')}; started ${s.worker.starts} times`);

  const ids = contracts.map((c) => c.workflowId);
  const expectedMails = CONTRACTS * 2 + EMAIL_CONTRACTS;
  await settle(s, ids, { invoices: CONTRACTS, mails: expectedMails, letters: POST_CONTRACTS }, 8 * 60_000);
  note('worker-sigkill', `settled after ${secondsSince(started)} s`);

  const l = await ledger(s);
  // Invoices: one per contract, numbers gapless from 1.
  expect(invoiceSequences(l)).toEqual(Array.from({ length: CONTRACTS }, (_, i) => i + 1));
  expect(new Set(l.invoices.map((i) => i.contractId)).size).toBe(CONTRACTS);
  // Communications: each exactly once per contract, all sent.
  expect(l.communications).toEqual({
    'contract-started/email/sent': CONTRACTS,
    'cancellation-confirmed/email/sent': CONTRACTS,
    'invoice-issued/email/sent': EMAIL_CONTRACTS,
    'invoice/letter/sent': POST_CONTRACTS,
  });
  for (const contract of contracts) expect(Object.values(l.perContract[contract.id]).every((n) => n === 1)).toBe(true);
  // The SMTP sink: every mail arrived (one Message-ID per mail, derived from its idempotency key).
  // SMTP has no exactly-once: a kill after the server's 250 and before `sent` is stored (a few
  // milliseconds) makes the retry send the mail again, with the same Message-ID, by which mail
  // servers and clients drop it. Only a kill can cause that: at most one re-send per kill.
  const resent = duplicateMails(l);
  expect(Object.keys(l.sinkByMessageId)).toHaveLength(expectedMails);
  expect(Object.values(resent).every((n) => n === 2)).toBe(true);
  expect(Object.keys(resent).length).toBeLessThanOrEqual(KILLS);
  expect(l.sinkTotal).toBe(expectedMails + Object.keys(resent).length);
  if (Object.keys(resent).length > 0) note('worker-sigkill', `re-sent after a kill in the SMTP window (same Message-ID): ${Object.keys(resent).join(', ')}`);
  // Letters: one per postal invoice, handed to the partner once (one drop-folder entry each).
  expect(l.letters).toHaveLength(POST_CONTRACTS);
  expect(l.letters.every((letter) => letter.partnerLetterId !== null)).toBe(true);
  expect(droppedLetters(s).sort()).toEqual(l.letters.map((letter) => letter.partnerLetterId).sort());
  // Nothing waits for an operator, and the worker never died on its own.
  expect(l.attention).toEqual([]);
  expect(s.worker.crashes).toEqual([]);
  expect(kills).toHaveLength(KILLS);
}, 10 * 60_000);
