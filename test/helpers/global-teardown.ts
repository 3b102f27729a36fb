// jest globalTeardown: drops the test databases of this run that tests did not drop themselves
// (a test that crashed before its afterAll). Test databases are named
// `vw_test_<run id>_<random>` (see test/helpers/database.ts), so databases of a concurrent run
// are never touched. The migrated template database is kept on purpose (the next run reuses it).
// Then it stops the embedded PostgreSQL the global setup started, if it started one.
import { rmSync } from 'node:fs';
import { Client } from 'pg';

import { dropDatabase, testAdminUrl } from './database';
import { takeEmbeddedTestPostgres } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  try {
    await dropLeftovers();
  } finally {
    await stopEmbedded();
  }
}

async function stopEmbedded(): Promise<void> {
  const embedded = takeEmbeddedTestPostgres();
  if (!embedded) return;
  const started = Date.now();
  await embedded.server.stop();
  if (embedded.removeDataDir) rmSync(embedded.server.dataDir, { recursive: true, force: true });
  process.stderr.write(`[global-teardown] embedded PostgreSQL stopped (${Date.now() - started} ms)\n`);
}

async function dropLeftovers(): Promise<void> {
  const runId = process.env.TEST_RUN_ID;
  if (!runId || !/^[0-9a-f]+$/.test(runId)) return;
  const adminUrl = testAdminUrl();
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  let leftovers: string[] = [];
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'vw\\_test\\_' || $1 || '\\_%'",
      [runId],
    );
    leftovers = rows.map((r) => r.datname);
  } catch {
    return; // the server is gone; nothing to clean
  } finally {
    await client.end().catch(() => undefined);
  }
  for (const name of leftovers) {
    await dropDatabase(name, adminUrl).catch(() => undefined);
  }
  if (leftovers.length > 0) {
    process.stderr.write(`[global-teardown] dropped ${leftovers.length} test database(s) left behind by tests\n`);
  }
}
