// Driver adapter for the wasm schema engine: @prisma/adapter-pg plus the fixes that migrations
// need. adapter-pg is written for the query path; the schema engine uses it for catalogue
// inspection and migration scripts, where three things go wrong:
//  1. Postgres' internal `"char"` type (oid 18, e.g. pg_class.relkind, pg_constraint.contype)
//     is rejected as an unsupported column type (prisma/orm#27403).
//  2. `executeScript` splits scripts on `;`, which breaks `DO $$ ... $$` blocks, functions and
//     string literals in hand-written migrations. Postgres' simple-query protocol runs a whole
//     multi-statement script in one round trip (that is what the native engine does too).
//  3. `connectToShadowDb` spreads `database` into a config that only holds a
//     `connectionString`; pg lets the connection string win, so the "shadow" pool talks to the
//     main database, and the shadow database is dropped while its pool is still connected.
// Shadow databases are therefore created and dropped here, with a URL that really points at them.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { PrismaPg } = require('@prisma/adapter-pg');
// Resolved next to adapter-pg so that the binder matches the adapter's own version.
const { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } = createRequire(
  require.resolve('@prisma/adapter-pg'),
)('@prisma/driver-adapter-utils');

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * Splits a Prisma-style Postgres URL into what `pg` understands and the Prisma-only `schema`
 * parameter (adapter-pg takes the schema as an option).
 * @param {string} url
 */
export function splitDatabaseUrl(url) {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  for (const key of ['schema', 'connection_limit', 'pool_timeout', 'pgbouncer', 'statement_cache_size']) {
    parsed.searchParams.delete(key);
  }
  return { connectionString: parsed.toString(), schema };
}

/**
 * Same server and credentials as `url`, other database.
 * @param {string} url
 * @param {string} database
 */
export function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Patches one adapter-pg queryable (adapter or transaction) in place. */
function patchQueryable(queryable) {
  const performIO = queryable.performIO.bind(queryable);
  const charColumns = new WeakMap();
  // Report `"char"` columns as text to adapter-pg's type mapper, remember where they were...
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    const indexes = [];
    result.fields.forEach((field, i) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        field.dataTypeID = PG_TEXT_OID;
        indexes.push(i);
      }
    });
    if (indexes.length > 0) charColumns.set(result.rows, indexes);
    return result;
  };
  // ...and hand them to the engine as `Character`, which is what the native engine's
  // tokio-postgres path produces for them.
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    const indexes = charColumns.get(resultSet.rows);
    if (indexes) for (const i of indexes) resultSet.columnTypes[i] = ColumnTypeEnum.Character;
    return resultSet;
  };
  return queryable;
}

/** Patches an adapter-pg adapter (not a transaction) in place. */
function patchAdapter(adapter) {
  patchQueryable(adapter);
  adapter.executeScript = async (script) => {
    try {
      await adapter.client.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => patchQueryable(await startTransaction(isolationLevel));
  return adapter;
}

function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Runs `fn` with a single client connected to `url`. */
async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: splitDatabaseUrl(url).connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Drops a database even if sessions are still connected (PG 13+ `WITH (FORCE)`; older servers
 * get their sessions terminated first).
 * @param {string} adminUrl a URL of another database on the same server
 * @param {string} database
 */
export async function dropDatabase(adminUrl, database) {
  await withClient(adminUrl, async (client) => {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    } catch {
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
    }
  });
}

/**
 * Creates the migration-aware adapter factory the wasm engine expects (already bound with
 * `bindMigrationAwareSqlAdapterFactory`, i.e. methods return Result objects).
 * @param {{ url?: string, shadowDatabaseUrl?: string }} datasource
 */
export function createAdapterFactory(datasource) {
  const { url, shadowDatabaseUrl } = datasource;

  const make = (targetUrl) => {
    const { connectionString, schema } = splitDatabaseUrl(targetUrl);
    return new PrismaPg({ connectionString }, schema ? { schema } : undefined);
  };

  const factory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect() {
      if (!url) throw new Error('No datasource URL was given to the schema engine (set DATABASE_URL).');
      return patchAdapter(await make(url).connect());
    },
    async connectToShadowDb() {
      if (shadowDatabaseUrl) {
        // Like the native engine: an external shadow database is used as is (the engine
        // resets it itself before replaying migrations).
        return patchAdapter(await make(shadowDatabaseUrl).connect());
      }
      if (!url) throw new Error('No datasource URL: cannot create a shadow database.');
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await withClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
      const adapter = patchAdapter(await make(withDatabase(url, name)).connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        // Close our own pool first, then drop: DROP DATABASE refuses while sessions remain.
        await dispose().catch(() => {});
        await dropDatabase(url, name);
      };
      return adapter;
    },
  };
  return bindMigrationAwareSqlAdapterFactory(factory);
}
