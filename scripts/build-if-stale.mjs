#!/usr/bin/env node
// `npm start` / `npm run start:sandbox`: runs `npm run build` only when the compiled output is
// older than its inputs, so a restart without code changes starts at once (the build costs about
// 10 s: prisma generate plus tsc). Inputs: src/, workflows/, activities/, scripts/ (TypeScript
// sources), prisma/schema.prisma, tsconfig*.json and package-lock.json. Output: dist/scripts/start.js
// (every build writes it) and the generated Prisma client. `npm run build` itself always builds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['src', 'workflows', 'activities', 'scripts'];
const SOURCE_FILES = ['prisma/schema.prisma', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
// Written by the build; src/generated is an output, not an input.
const OUTPUTS = ['dist/scripts/start.js', 'src/generated/prisma/client.ts'];
const IGNORED = new Set([path.join(root, 'src', 'generated')]);

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Newest modification time below `dir` (files and directories: a deleted file touches its directory). */
function newest(dir) {
  let latest = mtime(dir) ?? 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return latest;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (IGNORED.has(file)) continue;
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : (mtime(file) ?? 0));
  }
  return latest;
}

function staleReason() {
  const outputs = OUTPUTS.map((f) => mtime(path.join(root, f)));
  if (outputs.some((t) => t === undefined)) return 'no build yet';
  const built = Math.min(...outputs);
  for (const dir of SOURCE_DIRS) if (newest(path.join(root, dir)) > built) return `${dir}/ changed`;
  for (const file of SOURCE_FILES) if ((mtime(path.join(root, file)) ?? 0) > built) return `${file} changed`;
  return undefined;
}

const reason = process.argv.includes('--force') ? 'forced' : staleReason();
if (!reason) {
  process.stderr.write('build: dist/ is up to date (npm run build forces a build)\n');
  process.exit(0);
}
process.stderr.write(`build: ${reason}; running npm run build\n`);
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath, 'run', 'build']]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']];
const result = spawnSync(npm[0], npm[1], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status === 0) {
  // tsc's incremental build leaves unchanged outputs untouched: mark the build as done.
  const now = new Date();
  for (const f of OUTPUTS) fs.utimesSync(path.join(root, f), now, now);
}
process.exit(result.status ?? 1);
