// Applies the Prisma migrations in prisma/migrations to a database by running
// `prisma migrate deploy` through scripts/prisma.mjs (which picks a schema engine that works
// offline). A child process, because the Prisma CLI is not a library; the cost is about two
// seconds of CLI start-up per call.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository root: the nearest directory at or above `start` holding a package.json.
 * Works from the TypeScript sources (scripts/) and from the compiled output (dist/scripts/).
 */
export function findRepoRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'prisma'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json with a prisma/ folder found above ${start}`);
    dir = parent;
  }
}

/** Options of {@link applyMigrations}. */
export interface ApplyMigrationsOptions {
  /** Receives the CLI's output line by line (default: collected and only shown on failure). */
  log?: (line: string) => void;
  /** Kill the CLI after this many milliseconds (default 120 000). */
  timeoutMs?: number;
}

/**
 * Runs `prisma migrate deploy` against `databaseUrl` (a postgresql:// URL; the database must
 * exist). Resolves when all migrations are applied; rejects with the CLI's output otherwise.
 */
export async function applyMigrations(databaseUrl: string, options: ApplyMigrationsOptions = {}): Promise<void> {
  const root = findRepoRoot();
  const output: string[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (line === '') continue;
      output.push(line);
      options.log?.(line);
    }
  };
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'prisma.mjs'), 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        const reason = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new Error(`prisma migrate deploy ${reason}:\n${output.join('\n')}`));
      }
    });
  });
}
