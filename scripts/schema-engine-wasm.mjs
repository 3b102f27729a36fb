#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, for machines that cannot download it.
// Point PRISMA_SCHEMA_ENGINE_BINARY at this file (scripts/prisma.mjs does that automatically).
//
// The Prisma CLI spawns the engine in three ways, all handled here:
//   schema-engine --version                                    -> prints a version line
//   schema-engine --datasource '{"url":..}' cli <command>      -> one-shot command
//       (can-connect-to-database, create-database, drop-database), errors as JSON log lines
//   schema-engine [--datamodels <file>]... [--datasource '{..}'] -> JSON-RPC 2.0 server,
//       one request per line on stdin, one response per line on stdout, logs on stderr
// The JSON-RPC methods are served by @prisma/schema-engine-wasm (the same Rust engine compiled
// to wasm) over @prisma/adapter-pg; see scripts/schema-engine/pg-adapter.mjs for the fixes
// that adapter needs. Only PostgreSQL is supported.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';

import { runCliCommand } from './schema-engine/cli-commands.mjs';
import { createAdapterFactory } from './schema-engine/pg-adapter.mjs';
import { engineErrorData, logLine } from './schema-engine/protocol.mjs';
import { lastWasmPanic, loadSchemaEngineWasm } from './schema-engine/wasm.mjs';

/** Parses the argv the Prisma CLI passes (see SchemaEngineCLI in prisma/build/cli.js). */
function parseArgs(argv) {
  const args = { datamodels: [], datasource: undefined, command: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--version' || arg === '-V' || arg === 'version') args.version = true;
    else if (arg === '--datamodels' || arg === '--datamodel') args.datamodels.push(argv[++i]);
    else if (arg === '--datasource') args.datasource = JSON.parse(argv[++i]);
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
    else if (arg === 'cli') args.command = argv[++i];
  }
  return args;
}

function writeStdout(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Serves JSON-RPC over stdin/stdout until stdin closes. */
async function serve(args) {
  const glue = await loadSchemaEngineWasm();
  const datamodels = await Promise.all(
    args.datamodels.map(async (file) => [file, await readFile(path.resolve(file), 'utf8')]),
  );
  const adapterFactory = createAdapterFactory(args.datasource ?? {});
  const onLog = (entry) => {
    process.stderr.write(`${typeof entry === 'string' ? entry : JSON.stringify(entry)}\n`);
  };
  // Created lazily: commands like `migrate diff --from-empty` never touch a database.
  let enginePromise;
  const engine = () =>
    (enginePromise ??= glue.SchemaEngine.new(
      { datamodels: datamodels.length > 0 ? datamodels : undefined },
      onLog,
      adapterFactory,
    ));

  // Requests from the engine to the CLI (`print`), awaiting the CLI's answer.
  let nextOwnId = 1_000_000;
  const pendingOwn = new Map();
  const printToCli = (content) =>
    new Promise((resolve) => {
      const id = nextOwnId++;
      pendingOwn.set(id, resolve);
      writeStdout({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  const handlers = {
    version: async () => glue.version(),
    getDatabaseVersion: async (params) => (await engine()).version(params ?? undefined),
    createDatabase: async (params) => {
      const url = params?.datasource?.url ?? args.datasource?.url;
      return runCliCommand('create-database', { url }, { quiet: true });
    },
    diff: async (params) => {
      const result = await (await engine()).diff(params);
      // The native engine prints the diff through a `print` request and returns
      // `stdout: null`; the CLI only prints what arrives that way.
      if (result.stdout != null && result.stdout !== '') {
        await printToCli(result.stdout.replace(/\n$/, ''));
      }
      return { ...result, stdout: null };
    },
    debugPanic: async () => (await engine()).debugPanic(),
  };
  const passThrough = [
    'applyMigrations', 'createMigration', 'dbExecute', 'devDiagnostic', 'diagnoseMigrationHistory',
    'ensureConnectionValidity', 'evaluateDataLoss', 'introspect', 'introspectSql',
    'markMigrationApplied', 'markMigrationRolledBack', 'reset', 'schemaPush',
  ];
  for (const method of passThrough) {
    handlers[method] = async (params) => {
      const result = await (await engine())[method](params ?? {});
      return result === undefined ? {} : result;
    };
  }

  // One request at a time, in order: the engine is a single `&mut self` Rust object.
  let queue = Promise.resolve();
  const handle = async (request) => {
    const { id, method, params } = request;
    const handler = handlers[method];
    if (!handler) {
      writeStdout({ jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } });
      return;
    }
    try {
      const result = await handler(params);
      writeStdout({ jsonrpc: '2.0', id, result: result ?? {} });
    } catch (error) {
      const data = engineErrorData(error, lastWasmPanic());
      process.stderr.write(`${logLine('ERROR', data.message, { error_code: data.error_code })}\n`);
      writeStdout({
        jsonrpc: '2.0',
        id,
        error: { code: 4466, message: 'An error happened. Check the data field for details.', data },
      });
    }
  };

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      writeStdout({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    // Answers of the CLI to our own `print` requests.
    if (message.method === undefined && pendingOwn.has(message.id)) {
      pendingOwn.get(message.id)(message.result);
      pendingOwn.delete(message.id);
      return;
    }
    queue = queue.then(() => handle(message));
  });
  lines.on('close', () => {
    // The CLI ends stdin to stop the engine; open pools would keep the process alive.
    queue.finally(() => process.exit(0));
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    const glue = await loadSchemaEngineWasm();
    // Same shape as the native binary's answer ("schema-engine-cli <commit>").
    process.stdout.write(`schema-engine-cli ${glue.version()}\n`);
    return;
  }
  if (args.command) {
    process.exitCode = await runCliCommand(args.command, args.datasource ?? {});
    return;
  }
  await serve(args);
}

main().catch((error) => {
  process.stderr.write(`${logLine('ERROR', error?.stack ?? String(error))}\n`);
  process.exit(1);
});
