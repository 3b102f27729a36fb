#!/usr/bin/env node
// `npm run prisma -- <args>`: the Prisma CLI from node_modules, made to work offline.
// Prisma 7 downloads its native schema engine before generate/migrate/db commands unless
// PRISMA_SCHEMA_ENGINE_BINARY names an existing file, and no package registry ships that
// binary. Order of preference:
//   1. PRISMA_SCHEMA_ENGINE_BINARY as given by the caller,
//   2. a native engine already in node_modules/@prisma/engines (e.g. fetched by a user online),
//   3. scripts/schema-engine-wasm.mjs, the wasm-based stand-in.
// Stdio and the exit code are passed through unchanged.
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repoRoot, 'package.json'));

/** A native `schema-engine-<platform>` executable inside @prisma/engines, if one exists. */
function findNativeEngine() {
  let enginesDir;
  try {
    enginesDir = path.dirname(require.resolve('@prisma/engines/package.json'));
  } catch {
    return undefined;
  }
  let names;
  try {
    names = readdirSync(enginesDir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    // Skip download leftovers such as .gz, .sha256 or .tmp files.
    if (!/^schema-engine(-[\w.-]+)?(\.exe)?$/.test(name) || /\.(gz|sha256|sig|tmp)$/.test(name)) continue;
    const file = path.join(enginesDir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, fsConstants.X_OK);
      return file;
    } catch {
      /* not executable */
    }
  }
  return undefined;
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = findNativeEngine() ?? path.join(repoRoot, 'scripts', 'schema-engine-wasm.mjs');
}
// No update check or telemetry call-home: they only add latency (or time out) offline.
env.CHECKPOINT_DISABLE ??= '1';
env.PRISMA_HIDE_UPDATE_MESSAGE ??= '1';

const cli = require.resolve('prisma/build/index.js');
const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  console.error(`scripts/prisma.mjs: cannot start the Prisma CLI: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  // Killed by a signal: exit like a shell reports it (128 + number).
  process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
});
