// The offline Prisma toolchain: scripts/prisma.mjs with the wasm schema-engine stand-in must
// deploy the migrations to a fresh database, report a clean status, and work against the
// embedded PostgreSQL 17 that `npm start` uses when DATABASE_URL is unset.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

import { applyMigrations, findRepoRoot } from '../../scripts/migrate';
import { createTestDatabase, testAdminUrl, databaseUrl, type TestDatabase } from '../helpers/database';
import { startEmbeddedPostgresChild, type EmbeddedPostgresChild } from '../helpers/embedded-postgres-child';
import { freePort } from '../helpers/ports';

const root = findRepoRoot(__dirname);
/** Every table the schema declares (`@@map`), plus Prisma's own: the migrations must create exactly these. */
const EXPECTED_TABLES = [
  '_prisma_migrations',
  ...[...fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8').matchAll(/@@map\("([a-z_]+)"\)/g)].map((m) => m[1]),
].sort();

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs scripts/prisma.mjs (or the stand-in itself) with `env` added to the environment. */
function run(script: string, args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function publicTables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    return rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}


describe('schema-engine stand-in', () => {
  it('answers --version like the native binary', async () => {
    const { code, output } = await run('schema-engine-wasm.mjs', ['--version']);
    expect(code).toBe(0);
    expect(output).toMatch(/^schema-engine-cli [0-9a-f]{40}\n$/);
  });

  it('reports a missing database as P1003 in the CLI-mode JSON log format', async () => {
    const url = databaseUrl(testAdminUrl(), 'vw_does_not_exist');
    const { code, output } = await run('schema-engine-wasm.mjs', [
      '--datasource',
      JSON.stringify({ url }),
      'cli',
      'can-connect-to-database',
    ]);
    expect(code).toBe(1);
    const lines = output.trim().split('\n').slice(1).map((l) => JSON.parse(l) as { level: string; fields: Record<string, string> });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'ERROR', fields: expect.objectContaining({ error_code: 'P1003' }) }),
    );
  });

  it('is what scripts/prisma.mjs uses when no native engine is configured', async () => {
    const { code, output } = await run('prisma.mjs', ['version'], { PRISMA_SCHEMA_ENGINE_BINARY: undefined });
    expect(code).toBe(0);
    expect(output).toMatch(/Schema Engine\s*: schema-engine-cli [0-9a-f]{40} \(at (scripts\/schema-engine-wasm\.mjs|.*@prisma\/engines)/);
  });
});

describe('migrations on a fresh PostgreSQL database', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    const started = Date.now();
    db = await createTestDatabase({ strategy: 'deploy' });
    console.log(`createTestDatabase({ strategy: 'deploy' }) took ${((Date.now() - started) / 1000).toFixed(2)} s`);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('creates all tables', async () => {
    expect(await publicTables(db.url)).toEqual(EXPECTED_TABLES);
  });

  it('reports a clean `migrate status`', async () => {
    const { code, output } = await run('prisma.mjs', ['migrate', 'status'], { DATABASE_URL: db.url });
    expect(output).toContain('Database schema is up to date!');
    expect(code).toBe(0);
  });

  it('is idempotent: a second `migrate deploy` applies nothing', async () => {
    const { code, output } = await run('prisma.mjs', ['migrate', 'deploy'], { DATABASE_URL: db.url });
    expect(output).toContain('No pending migrations to apply.');
    expect(code).toBe(0);
  });

  it('finds no drift between schema.prisma and the migrated database', async () => {
    const { code, output } = await run(
      'prisma.mjs',
      ['migrate', 'diff', '--from-config-datasource', '--to-schema', 'prisma/schema.prisma', '--exit-code'],
      { DATABASE_URL: db.url },
    );
    expect(output).toContain('No difference detected.');
    expect(code).toBe(0);
  });
});

describe('createTestDatabase (template copy)', () => {
  it('gives a migrated database quickly, and drop() removes it', async () => {
    const started = Date.now();
    const db = await createTestDatabase();
    const seconds = (Date.now() - started) / 1000;
    console.log(`createTestDatabase() from template took ${seconds.toFixed(2)} s`);
    try {
      expect(await publicTables(db.url)).toEqual(EXPECTED_TABLES);
      const { code, output } = await run('prisma.mjs', ['migrate', 'status'], { DATABASE_URL: db.url });
      expect(output).toContain('Database schema is up to date!');
      expect(code).toBe(0);
    } finally {
      await db.drop();
    }
    const admin = new Client({ connectionString: testAdminUrl() });
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
    await admin.end();
    expect(rowCount).toBe(0);
  });
});

describe('applyMigrations on the embedded PostgreSQL 17 (the npm start default)', () => {
  // A cluster of its own (not the harness's server, which may be another PostgreSQL version).
  const dataDir = path.join(root, 'var', 'test', `migrations-pg-${process.pid}`);
  let server: EmbeddedPostgresChild | undefined;

  beforeAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    server = await startEmbeddedPostgresChild({ dataDir, durable: false });
  });
  afterAll(async () => {
    await server?.stop();
    for (const file of [dataDir, `${dataDir}.log`]) fs.rmSync(file, { recursive: true, force: true });
  });

  it('applies the migrations, and again as a no-op', async () => {
    const url = server!.url;
    let started = Date.now();
    await applyMigrations(url);
    console.log(`applyMigrations on embedded PostgreSQL 17 took ${((Date.now() - started) / 1000).toFixed(2)} s`);
    expect(await publicTables(url)).toEqual(EXPECTED_TABLES);

    started = Date.now();
    const lines: string[] = [];
    await applyMigrations(url, { log: (line) => lines.push(line) });
    console.log(`applyMigrations (no-op) on embedded PostgreSQL 17 took ${((Date.now() - started) / 1000).toFixed(2)} s`);
    expect(lines.join('\n')).toContain('No pending migrations to apply.');
  });

  it('rejects with the CLI output when the database is unreachable', async () => {
    const port = await freePort();
    await expect(applyMigrations(`postgresql://postgres@127.0.0.1:${port}/postgres`)).rejects.toThrow(/P1001/);
  });
});
