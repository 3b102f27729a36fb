/**
 * Writing a file of a drop folder exactly once. The local partners (collection agency, credit
 * bureau) are called again with the same id after a retry; the first file written stays, and a
 * file that a reader can see is always complete.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/** `written`: the file is new; `same`: it was there with this content; `different`: it was there with other content (left as it was). */
export type WriteOnceOutcome = 'written' | 'same' | 'different';

/**
 * Creates `file` with `content` unless it exists. The content goes to a temporary file first,
 * which is then hard-linked into place: the link either creates the complete file or fails with
 * EEXIST, so of two concurrent writers one wins and the other sees its file. `sameContent`
 * decides whether an existing file counts as the same (default: the same bytes).
 */
export async function writeOnce(file: string, content: Buffer | string, sameContent?: (existing: Buffer) => boolean): Promise<WriteOnceOutcome> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  // Dot files are work files: readers of the drop folder skip them.
  const temporary = path.join(dir, `.${path.basename(file)}.${randomUUID()}.tmp`);
  await writeFile(temporary, bytes);
  try {
    await link(temporary, file);
    return 'written';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = await readFile(file);
    return (sameContent ? sameContent(existing) : existing.equals(bytes)) ? 'same' : 'different';
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Whether a JSON file holds `value` (key order and spacing aside). */
export function holdsJson(existing: Buffer, value: unknown): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(existing.toString('utf8')), JSON.parse(JSON.stringify(value)));
  } catch {
    return false;
  }
}
