/**
 * camt.053 import throughput, shared by test/payments/exactly-once.test.ts and
 * bench/statement-import.ts: `contracts` contracts with one invoice each (issued through
 * `issueInvoice`), one statement of `entries` credit transfers spread round-robin over them
 * (each naming its contract's invoice), imported twice through `PaymentsService.importStatement`.
 * Next to it, a baseline on the same database in the same run: as many single-row INSERTs into a
 * scratch table, one statement (one autocommit transaction) each, through the same Prisma client.
 * The ratio (import time ÷ baseline time) is what one booking costs in round trips, independent
 * of the machine.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createBillingActivities } from '../../activities/billing.activity';
import { systemClock } from '../../src/app/clock';
import { loadConfig } from '../../src/config/config';
import type { PrismaClient } from '../../src/database/prisma-client';
import { PaymentsService } from '../../src/payments/payments.service';
import { createPspRef } from '../../src/payments/psp-ref';
import { camt053Xml, type Camt053FixtureEntry } from '../helpers/camt053-fixture';
import { RecordingSignals } from './recording-signals';
import { issueInvoice, seedContracts } from './seed';

/** Every entry pays 0.60: 100 entries per contract leave 67.83 − 60.00 = 7.83 open. */
export const ENTRY_CENTS = 60;
export const STATEMENT_IBAN = 'DE02120300000000202051';
const BOOKED_ON = '2027-02-10';

export interface ImportPass {
  readonly seconds: number;
  readonly matched: number;
  readonly duplicates: number;
  readonly unmatched: number;
  /** Signals sent to workflows by this pass. */
  readonly signals: number;
}

export interface StatementImportMeasurement {
  readonly contracts: number;
  readonly entries: number;
  readonly statementBytes: number;
  readonly first: ImportPass;
  readonly second: ImportPass;
  readonly baselineSeconds: number;
  /** Every invoice with its open amount after both passes. */
  readonly invoices: readonly { contractId: string; number: string; openCents: number }[];
}

/** `n` single-row INSERTs, one after another, each its own statement: the round-trip floor of one booking. */
export async function measureBaseline(prisma: PrismaClient, n: number): Promise<number> {
  await prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS bench_scratch (id uuid PRIMARY KEY, key text NOT NULL UNIQUE, amount_cents integer NOT NULL)');
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    await prisma.$executeRaw`INSERT INTO bench_scratch (id, key, amount_cents) VALUES (${randomUUID()}::uuid, ${`scratch/${i}/${randomUUID()}`}, ${ENTRY_CENTS})`;
  }
  return (performance.now() - started) / 1000;
}

/** Seeds the contracts and invoices, imports the statement twice, measures the baseline. */
export async function measureStatementImport(prisma: PrismaClient, options: { contracts: number; entries: number }): Promise<StatementImportMeasurement> {
  const config = loadConfig({});
  const billing = createBillingActivities({ prisma, issuer: config.issuer, newId: randomUUID });
  const contracts = await seedContracts(prisma, options.contracts);
  const invoices: { contractId: string; number: string }[] = [];
  for (const contract of contracts) {
    const issued = await issueInvoice(billing, contract, '2027-02-01');
    invoices.push({ contractId: contract.contractId, number: issued.number });
  }
  const entries: Camt053FixtureEntry[] = Array.from({ length: options.entries }, (_, k) => {
    const invoice = invoices[k % invoices.length];
    return {
      amount: `0.${ENTRY_CENTS}`,
      direction: 'credit',
      bookedOn: BOOKED_ON,
      accountServicerReference: `BANK-${k + 1}`,
      transactions: [{ remittance: [`Rechnung ${invoice.number} Teilzahlung ${k + 1}`], debtor: { name: 'Praxis Dr. Muster', iban: 'DE89370400440532013000' } }],
    };
  });
  const statement = Buffer.from(camt053Xml({ version: '001.08', statementId: `STMT-${randomUUID().slice(0, 8)}`, iban: STATEMENT_IBAN, entries }));
  const signals = new RecordingSignals();
  const service = new PaymentsService(prisma, systemClock, config, createPspRef(), signals);

  const pass = async (): Promise<ImportPass> => {
    const before = signals.changedCalls.length;
    const started = performance.now();
    const summary = await service.importStatement(statement, 'application/xml');
    const seconds = (performance.now() - started) / 1000;
    return { seconds, matched: summary.matched, duplicates: summary.duplicates, unmatched: summary.unmatched.length, signals: signals.changedCalls.length - before };
  };
  const first = await pass();
  const second = await pass();
  const baselineSeconds = await measureBaseline(prisma, options.entries);
  const rows = await prisma.invoice.findMany({ where: { contractId: { in: contracts.map((c) => c.contractId) } }, select: { contractId: true, number: true, openCents: true } });
  return { contracts: options.contracts, entries: options.entries, statementBytes: statement.length, first, second, baselineSeconds, invoices: rows };
}

/** The report printed by the test and the bench. */
export function describeMeasurement(m: StatementImportMeasurement, machine: string): string {
  const rate = (n: number, seconds: number) => (n / seconds).toFixed(0);
  const perEntryMs = (seconds: number) => ((seconds * 1000) / m.entries).toFixed(2);
  return [
    `camt.053 import, ${m.entries} credit entries over ${m.contracts} contracts (${(m.statementBytes / 1024 / 1024).toFixed(1)} MiB), ${machine}:`,
    `  first pass:  ${m.first.seconds.toFixed(1)} s, ${rate(m.entries, m.first.seconds)} entries/s, ${rate(m.first.matched, m.first.seconds)} bookings/s (${perEntryMs(m.first.seconds)} ms/entry), ${m.first.matched} matched, ${m.first.signals} signals`,
    `  second pass: ${m.second.seconds.toFixed(1)} s, ${rate(m.second.duplicates, m.second.seconds)} duplicates/s (${perEntryMs(m.second.seconds)} ms/entry), ${m.second.matched} matched, ${m.second.duplicates} duplicates, ${m.second.signals} signals`,
    `  baseline:    ${m.baselineSeconds.toFixed(1)} s for ${m.entries} single-row INSERTs (${rate(m.entries, m.baselineSeconds)}/s, ${perEntryMs(m.baselineSeconds)} ms each)`,
    `  ratio:       first pass ${(m.first.seconds / m.baselineSeconds).toFixed(1)}× baseline, second pass ${(m.second.seconds / m.baselineSeconds).toFixed(1)}× baseline`,
  ].join('\n');
}
