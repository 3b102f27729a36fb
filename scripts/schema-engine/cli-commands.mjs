// The engine's one-shot `cli <command>` mode. The Prisma CLI runs
// `schema-engine --datasource '{"url":..}' cli can-connect-to-database` before migrate
// commands (and `create-database` when that reports P1003). The wasm engine has no such
// mode, so these talk to the server with `pg` directly and report errors the way the CLI
// parses them: the first stderr line is skipped, every further line must be a JSON log line,
// and an ERROR line with `fields.error_code` carries the Prisma error code.
import { createRequire } from 'node:module';

import { dropDatabase, splitDatabaseUrl, withDatabase } from './pg-adapter.mjs';
import { logLine } from './protocol.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

function describeUrl(url) {
  const parsed = new URL(url);
  return {
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    location: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`,
  };
}

/** Maps a `pg` connection error to Prisma's error code and message (P1000, P1001, P1003). */
export function prismaConnectionError(error, url) {
  const { database, location } = describeUrl(url);
  const code = error?.code;
  if (code === '3D000') {
    return { error_code: 'P1003', message: `Database \`${database}\` does not exist on the database server at \`${location}\`.` };
  }
  if (code === '28P01' || code === '28000') {
    return { error_code: 'P1000', message: `Authentication failed against database server at \`${location}\`: ${error.message}` };
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(code)) {
    return { error_code: 'P1001', message: `Can't reach database server at \`${location}\`\n\nPlease make sure your database server is running at \`${location}\`.` };
  }
  return { error_code: undefined, message: error?.message ?? String(error) };
}

async function query(url, sql) {
  const client = new pg.Client({ connectionString: splitDatabaseUrl(url).connectionString });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `sql` on a maintenance database of the server (postgres, else template1). */
async function queryMaintenance(url, sql) {
  try {
    return await query(withDatabase(url, 'postgres'), sql);
  } catch (error) {
    if (error?.code !== '3D000') throw error;
    return query(withDatabase(url, 'template1'), sql);
  }
}

/**
 * Runs one `cli` command. Returns the process exit code; with `quiet`, throws instead of
 * writing log lines (used by the JSON-RPC `createDatabase` method).
 * @param {string} command
 * @param {{ url?: string }} datasource
 * @param {{ quiet?: boolean }} [options]
 */
export async function runCliCommand(command, datasource, options = {}) {
  const url = datasource.url;
  const fail = (error_code, message) => {
    if (options.quiet) throw Object.assign(new Error(message), { error_code });
    process.stderr.write(`${logLine('INFO', `Running schema engine stand-in command ${command}`)}\n`);
    process.stderr.write(logLine('ERROR', message, error_code ? { error_code } : {}));
    return 1;
  };
  if (!url) return fail(undefined, 'No datasource URL was given (--datasource \'{"url": ...}\').');
  const { database } = describeUrl(url);
  const quoted = `"${database.replaceAll('"', '""')}"`;
  try {
    switch (command) {
      case 'can-connect-to-database':
        await query(url, 'SELECT 1');
        return options.quiet ? {} : 0;
      case 'create-database':
        await queryMaintenance(url, `CREATE DATABASE ${quoted}`);
        return options.quiet ? { databaseName: database } : 0;
      case 'drop-database':
        await dropDatabase(withDatabase(url, 'postgres'), database);
        return options.quiet ? {} : 0;
      default:
        return fail(undefined, `Unknown schema engine cli command: ${command}`);
    }
  } catch (error) {
    const mapped = prismaConnectionError(error, url);
    return fail(mapped.error_code, mapped.message);
  }
}
