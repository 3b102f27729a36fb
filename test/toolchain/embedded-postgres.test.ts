// scripts/embedded-postgres.ts: the real PostgreSQL 17 behind `npm start` and the jest harness.
// The module runs in child processes here (see test/helpers/embedded-postgres-child.ts).
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';

import { findRepoRoot } from '../../scripts/migrate';
import { startEmbeddedPostgresChild, type EmbeddedPostgresChild } from '../helpers/embedded-postgres-child';

const root = findRepoRoot(__dirname);
const dataDir = path.join(root, 'var', 'test', `embedded-pg-test-${process.pid}`);
const files = [dataDir, `${dataDir}.log`, `${dataDir}.lock`];

/** Whether `pid` runs (a zombie, exited but not yet reaped by init, does not). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const pool = new Pool({ connectionString: url });
  try {
    return (await pool.query<T>(sql)).rows;
  } finally {
    await pool.end();
  }
}

describe('startEmbeddedPostgres', () => {
  const running: EmbeddedPostgresChild[] = [];
  const start = async (options: Parameters<typeof startEmbeddedPostgresChild>[0] = { dataDir, durable: false }) => {
    const server = await startEmbeddedPostgresChild(options);
    running.push(server);
    return server;
  };

  beforeAll(() => files.forEach((f) => fs.rmSync(f, { recursive: true, force: true })));
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  afterAll(() => files.forEach((f) => fs.rmSync(f, { recursive: true, force: true })));

  it('initialises a PostgreSQL 17 cluster and serves concurrent clients', async () => {
    const server = await start();
    expect(server.initialised).toBe(true);
    expect(server.url).toBe(`postgresql://postgres:postgres@127.0.0.1:${server.port}/postgres`);
    // The package's exit hooks (process.exit() on SIGINT, ...) were removed again.
    expect(server.addedListeners).toEqual({ SIGINT: 0, SIGTERM: 0, SIGHUP: 0, beforeExit: 0, exit: 0 });

    const pool = new Pool({ connectionString: server.url, max: 10 });
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => pool.query<{ i: number; version: string }>("SELECT $1::int AS i, current_setting('server_version_num') AS version", [i])),
      );
      expect(results.map((r) => r.rows[0]!.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(results[0]!.rows[0]!.version.slice(0, 2)).toBe('17');
    } finally {
      await pool.end();
    }
    // Throw-away cluster: no fsync. UTF-8 with Unicode-aware case mapping (built-in C.UTF-8).
    expect(await query(server.url, "SELECT current_setting('fsync') AS fsync, lower('ÄÖÜ') AS lower")).toEqual([{ fsync: 'off', lower: 'äöü' }]);
    expect(fs.readFileSync(server.logFile, 'utf8')).toContain('database system is ready to accept connections');
  });

  it('reuses the cluster and its port, refuses a second owner, and stops', async () => {
    const first = await start();
    expect(first.initialised).toBe(false);
    await expect(startEmbeddedPostgresChild({ dataDir })).rejects.toMatchObject({ name: 'EmbeddedPostgresBusyError' });
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);
    const second = await start({ dataDir, durable: true });
    expect(second.port).toBe(first.port);
    expect(await query(second.url, "SELECT current_setting('fsync') AS fsync")).toEqual([{ fsync: 'on' }]);
  });

  it('starts after a kill -9: stops a server orphaned by its owner, ignores a stale postmaster.pid', async () => {
    // The owner killed: its (detached) server goes on running without it.
    const orphaned = await startEmbeddedPostgresChild({ dataDir, durable: false, detached: true });
    orphaned.owner.kill('SIGKILL');
    await orphaned.stop();
    expect(isAlive(orphaned.pid)).toBe(true);
    const next = await start();
    expect(next.log.join('\n')).toContain(`stopping a PostgreSQL (pid ${orphaned.pid}) left running`);
    expect(isAlive(orphaned.pid)).toBe(false);

    // The server killed: postmaster.pid stays behind; here it names a live process that is
    // not PostgreSQL (a pid reused after a restart), which PostgreSQL itself would refuse.
    process.kill(next.pid, 'SIGKILL');
    await waitUntilGone(next.pid);
    await next.stop();
    fs.writeFileSync(path.join(dataDir, 'postmaster.pid'), `1\n${dataDir}\n`);
    const after = await start();
    expect(await query(after.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
