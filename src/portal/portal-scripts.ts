import fs from 'node:fs';
import path from 'node:path';
import { HttpStatus } from '@nestjs/common';
import { ProblemCode, ProblemError } from '../http/problem';

/** Only plain module names are served (`portal.js`, `i18n.js`, `contract-section.js`): no paths, no traversal. */
const SCRIPT_NAME = /^[a-z][a-z0-9-]*\.js$/;

/**
 * Finds `dist/portal` (the browser code tsc compiles from src/portal/client) by walking up from
 * `fromDir` to the repository root: the API runs from dist/src/portal, tests from src/portal.
 */
export function findPortalScriptsDir(fromDir: string = __dirname): string | undefined {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', 'portal');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(candidate, 'portal.js'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

let foundDir: string | undefined;

/** The compiled module `file` of the portal; 404 for anything else, 503 when the client is not built. */
export async function readPortalScript(file: string): Promise<string> {
  if (!SCRIPT_NAME.test(file)) throw ProblemError.notFound(`The portal file ${file}`);
  // Remembered once found; looked for again while missing (a build may still be under way).
  const scriptsDir = (foundDir ??= findPortalScriptsDir());
  if (!scriptsDir) {
    throw new ProblemError(HttpStatus.SERVICE_UNAVAILABLE, ProblemCode.UNAVAILABLE, 'Portal not built', "The portal's browser code is missing: run npm run build.");
  }
  try {
    return await fs.promises.readFile(path.join(scriptsDir, file), 'utf8');
  } catch {
    throw ProblemError.notFound(`The portal file ${file}`);
  }
}
