// jest globalTeardown: removes test databases that this run created but did not drop (a test
// that crashed before its afterAll). Only databases named after a time at or after this run's
// start and with no open sessions are dropped, so a concurrent run keeps its databases.
// The migrated template database is kept on purpose (reused by the next run).
import { Client } from 'pg';

import { dropDatabase, testAdminUrl } from './database';

/** Creation time encoded in `vw_test_<base36 ms>_<pid>_<random>` names. */
function createdAt(name: string): number | undefined {
  const match = /^vw_test_([0-9a-z]+)_\d+_[0-9a-f]+$/.exec(name);
  return match ? parseInt(match[1] as string, 36) : undefined;
}

export default async function globalTeardown(): Promise<void> {
  const startedAt = Number(process.env.TEST_RUN_STARTED_AT ?? Date.now());
  const adminUrl = testAdminUrl();
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  let leftovers: string[] = [];
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      `SELECT d.datname FROM pg_database d
        WHERE d.datname LIKE 'vw\\_test\\_%'
          AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
    );
    leftovers = rows.map((r) => r.datname).filter((name) => (createdAt(name) ?? 0) >= startedAt);
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
