/**
 * Fault tier (docs/fault-injection.md): PostgreSQL (an embedded PostgreSQL 17 of this test) is
 * stopped for 30 s right after contracts were created, while their workflows issue, render, mail
 * and post the start-day invoices, and started again on the same data and port. The workflows
 * wait and finish: every invoice, mail and letter exactly once, no attention item for a short
 * outage, and the worker never died.
 */
import path from 'node:path';
import { applyMigrations, findRepoRoot } from '../../scripts/migrate';
import type { EmbeddedPostgresChild } from '../helpers/embedded-postgres-child';
import { startEmbeddedPostgresChild } from '../helpers/embedded-postgres-child';
import type { FaultStack } from './fault-harness';
import { busyWorkflows, createContract, droppedLetters, duplicateMails, invoiceSequences, ledger, note, pool, secondsSince, settle, sleep, startFaultStack } from './fault-harness';

const EMAIL_CONTRACTS = 8;
const POST_CONTRACTS = 4;
const CONTRACTS = EMAIL_CONTRACTS + POST_CONTRACTS;
const OUTAGE_MS = 30_000;

const dataDir = path.join(findRepoRoot(__dirname), 'var', 'test', 'fault', `postgres-${process.pid}-${Date.now().toString(36)}`);
let postgres: EmbeddedPostgresChild | undefined;
let stack: FaultStack | undefined;

beforeAll(async () => {
  postgres = await startEmbeddedPostgresChild({ dataDir, durable: false });
  await applyMigrations(postgres.url);
  stack = await startFaultStack({ name: 'postgres-outage', databaseUrl: postgres.url });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await postgres?.stop();
}, 60_000);

test(`PostgreSQL stopped for ${OUTAGE_MS / 1000} s while ${CONTRACTS} contracts start: workflows wait and finish, everything exactly once, no attention items`, async () => {
  const s = stack as FaultStack;
  const started = Date.now();
  const contracts = await pool(
    Array.from({ length: CONTRACTS }, (_, i) => `pg-${i}`),
    4,
    (label, i) => createContract(s, label, i < EMAIL_CONTRACTS ? 'email' : 'post'),
  );
  const port = (postgres as EmbeddedPostgresChild).port;
  await (postgres as EmbeddedPostgresChild).stop();
  const stoppedAt = Date.now();
  const before = { mails: s.mails.length, busy: (await busyWorkflows(s, contracts.map((c) => c.workflowId))).length };
  note('postgres-outage', `${CONTRACTS} contracts created; PostgreSQL stopped at ${secondsSince(started)} s with ${before.busy} workflows busy, ${before.mails} mails sent`);
  await sleep(OUTAGE_MS - (Date.now() - stoppedAt));
  postgres = await startEmbeddedPostgresChild({ dataDir, port, durable: false });
  note('postgres-outage', `PostgreSQL back after ${secondsSince(stoppedAt)} s`);

  const ids = contracts.map((c) => c.workflowId);
  const expectedMails = CONTRACTS + EMAIL_CONTRACTS;
  await settle(s, ids, { invoices: CONTRACTS, mails: expectedMails, letters: POST_CONTRACTS }, 4 * 60_000);
  note('postgres-outage', `settled after ${secondsSince(started)} s`);

  // Work was under way when the database went: the outage hit it.
  expect(before.busy).toBeGreaterThan(0);
  const l = await ledger(s);
  expect(invoiceSequences(l)).toEqual(Array.from({ length: CONTRACTS }, (_, i) => i + 1));
  expect(l.communications).toEqual({
    'contract-started/email/sent': CONTRACTS,
    'invoice-issued/email/sent': EMAIL_CONTRACTS,
    'invoice/letter/sent': POST_CONTRACTS,
  });
  expect(duplicateMails(l)).toEqual({});
  expect(l.sinkTotal).toBe(expectedMails);
  expect(l.letters).toHaveLength(POST_CONTRACTS);
  expect(droppedLetters(s).sort()).toEqual(l.letters.map((letter) => letter.partnerLetterId).sort());
  expect(l.attention).toEqual([]);
  expect(s.worker.crashes).toEqual([]);
}, 6 * 60_000);
