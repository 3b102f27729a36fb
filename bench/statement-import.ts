/**
 * camt.053 import throughput outside jest (the same measurement as the throughput test of
 * test/payments/exactly-once.test.ts, test/payments/statement-import-measurement.ts): N credit
 * entries over M contracts with one invoice each, imported twice through
 * PaymentsService.importStatement, next to N single-row INSERTs on the same database as the
 * baseline. A fresh database is copied from the migrated template on the server at
 * BENCH_PG_ADMIN_URL / TEST_PG_ADMIN_URL / postgresql://postgres@127.0.0.1:5432/postgres and
 * dropped at the end.
 *
 *   npx tsc -p bench/statement-import.tsconfig.json && node dist/bench-statement-import/bench/statement-import.js
 *   node dist/bench-statement-import/bench/statement-import.js --entries 2000 --contracts 100
 */
import 'reflect-metadata';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { createPrismaClient } from '../src/database/prisma-client';
import { createTestDatabase } from '../test/helpers/database';
import { GROSS_CENTS } from '../test/payments/seed';
import { describeMeasurement, ENTRY_CENTS, measureStatementImport } from '../test/payments/statement-import-measurement';

// A bench tool, like scripts/: its own knob (BENCH_PG_ADMIN_URL), handed to the test database helper.
// eslint-disable-next-line no-restricted-properties
const environment: NodeJS.ProcessEnv = process.env;

const USAGE = 'Usage: node dist/bench-statement-import/bench/statement-import.js [--entries N (default 10000)] [--contracts M (default 100, must divide N)]';

function parseOptions(argv: string[]): { entries: number; contracts: number } {
  const { values } = parseArgs({ args: argv, options: { entries: { type: 'string', default: '10000' }, contracts: { type: 'string', default: '100' } } });
  const entries = Number(values.entries);
  const contracts = Number(values.contracts);
  // Whole entries per contract, and every invoice stays above what its entries pay.
  const valid = Number.isInteger(entries) && Number.isInteger(contracts) && contracts > 0 && entries > 0 && entries % contracts === 0 && (entries / contracts) * ENTRY_CENTS < GROSS_CENTS;
  if (!valid) throw new Error(USAGE);
  return { entries, contracts };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (environment.BENCH_PG_ADMIN_URL) environment.TEST_PG_ADMIN_URL = environment.BENCH_PG_ADMIN_URL;
  // The service logs one line per import; the bench prints its own report.
  Logger.overrideLogger(['warn', 'error']);
  const database = await createTestDatabase();
  const prisma = createPrismaClient(database.url, { maxConnections: 5 });
  try {
    const measurement = await measureStatementImport(prisma, options);
    if (measurement.first.matched !== options.entries || measurement.second.duplicates !== options.entries || measurement.second.matched !== 0) {
      throw new Error(`Expected ${options.entries} matched, then ${options.entries} duplicates; got ${JSON.stringify({ first: measurement.first, second: measurement.second })}`);
    }
    const cpus = os.cpus();
    console.log(describeMeasurement(measurement, `${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), load average ${os.loadavg()[0].toFixed(1)} at the end`));
  } finally {
    await prisma.$disconnect();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
