// Throw-away PostgreSQL databases for tests, on the server named by TEST_PG_ADMIN_URL.
//
// Running `prisma migrate deploy` costs about two seconds (CLI + wasm engine start-up), so the
// migrated schema is built once per set of migrations as a template database
// (`vw_tpl_<hash of prisma/migrations>`, reused across runs) and each test database is a
// `CREATE DATABASE ... TEMPLATE` copy of it, which takes a few tens of milliseconds. The copy
// includes `_prisma_migrations`, so `migrate status` on it is clean.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

import { applyMigrations, findRepoRoot } from '../../scripts/migrate';

/** Admin connection used to create and drop test databases. */
export const DEFAULT_TEST_PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The admin URL from TEST_PG_ADMIN_URL, or the local default. */
export function testAdminUrl(): string {
  return process.env.TEST_PG_ADMIN_URL || DEFAULT_TEST_PG_ADMIN_URL;
}

/** `url` with its database name replaced. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>, adminUrl = testAdminUrl()): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops `name`, terminating sessions still connected to it. */
export async function dropDatabase(name: string, adminUrl = testAdminUrl()): Promise<void> {
  await withAdmin(async (client) => {
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  }, adminUrl);
}

/** Short hash of every file under prisma/migrations, so a changed migration gets a new template. */
export function migrationsHash(root = findRepoRoot(__dirname)): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  };
  walk(path.join(root, 'prisma', 'migrations'));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Id of the current jest run, set by the global setup and inherited by the workers. It is part
 * of every test database name, so that the global teardown of one run can clean up its own
 * leftovers without touching the databases of a run going on at the same time.
 */
export function testRunId(): string {
  return (process.env.TEST_RUN_ID ??= randomBytes(4).toString('hex'));
}

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/**
 * Makes sure the migrated template database exists and returns its name. Built under a
 * temporary name and renamed when complete, so a crashed or concurrent run never leaves a
 * half-migrated template behind.
 */
export async function ensureTemplateDatabase(adminUrl = testAdminUrl()): Promise<string> {
  const name = `vw_tpl_${migrationsHash()}`;
  const exists = await withAdmin(
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
    adminUrl,
  );
  if (exists) return name;
  const building = uniqueName('vw_tpl_build');
  await withAdmin((c) => c.query(`CREATE DATABASE ${quoteIdent(building)}`), adminUrl);
  try {
    await applyMigrations(databaseUrl(adminUrl, building));
    await withAdmin(async (c) => {
      try {
        await c.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
      } catch (error) {
        if ((error as { code?: string }).code !== '42P04') throw error; // another run won the race
      }
    }, adminUrl);
  } finally {
    await dropDatabase(building, adminUrl);
  }
  return name;
}

/** A database created for one test (file). */
export interface TestDatabase {
  /** postgresql:// URL of the new, migrated database. */
  url: string;
  /** Database name. */
  name: string;
  /** Terminates remaining connections and drops the database. */
  drop(): Promise<void>;
}

/** Options of {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /**
   * `template` (default): copy the migrated template database (fast).
   * `deploy`: run `prisma migrate deploy` on an empty database (what production does).
   */
  strategy?: 'template' | 'deploy';
}

/**
 * Creates a fresh, uniquely named database on the TEST_PG_ADMIN_URL server with all
 * migrations applied, and returns its URL plus a `drop()` to call in `afterAll`.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = testAdminUrl();
  const name = `vw_test_${testRunId()}_${randomBytes(6).toString('hex')}`;
  const strategy = options.strategy ?? 'template';
  if (strategy === 'template') {
    const template = await ensureTemplateDatabase(adminUrl);
    await withAdmin((c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`), adminUrl);
  } else {
    await withAdmin((c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`), adminUrl);
  }
  const url = databaseUrl(adminUrl, name);
  const drop = (): Promise<void> => dropDatabase(name, adminUrl);
  if (strategy === 'deploy') {
    try {
      await applyMigrations(url);
    } catch (error) {
      await drop().catch(() => undefined);
      throw error;
    }
  }
  return { url, name, drop };
}
