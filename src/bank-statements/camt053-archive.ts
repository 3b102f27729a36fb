/**
 * Banks deliver camt.053 statements zipped, one XML file per account and day. Node's zlib inflates
 * the entries; the ZIP directory is read here (no dependency). Stored and deflated entries only,
 * no ZIP64 and no encryption: a bank's statement archive needs neither.
 */
import { crc32, inflateRawSync } from 'node:zlib';

import { parseCamt053, type Camt053Statement } from './camt053';
import { Camt053Error } from './camt053-error';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** A statement of 100,000 entries is about 100 MB; larger is a zip bomb, not a bank. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

function archiveError(problem: string): Camt053Error {
  return new Camt053Error('MALFORMED_STATEMENT', `The ZIP archive cannot be read: ${problem}`);
}

interface ZipFile {
  readonly name: string;
  readonly content: Buffer;
}

function endOfDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw archiveError('no end of central directory record (not a ZIP file?)');
}

function inflate(zip: Buffer, entry: number, name: string): Buffer {
  const method = zip.readUInt16LE(entry + 10);
  const expectedCrc = zip.readUInt32LE(entry + 16);
  const compressedSize = zip.readUInt32LE(entry + 20);
  const size = zip.readUInt32LE(entry + 24);
  const header = zip.readUInt32LE(entry + 42);
  if ((zip.readUInt16LE(entry + 8) & 0x1) !== 0) throw archiveError(`${name} is encrypted`);
  if (compressedSize === 0xffffffff || size === 0xffffffff || header === 0xffffffff) throw archiveError(`${name} needs ZIP64`);
  if (size > MAX_FILE_BYTES) throw archiveError(`${name} is larger than ${MAX_FILE_BYTES} bytes`);
  if (header + 30 > zip.length || zip.readUInt32LE(header) !== LOCAL_HEADER) throw archiveError(`no local header for ${name}`);
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + compressedSize);
  if (data.length !== compressedSize) throw archiveError(`${name} is truncated`);
  let content: Buffer;
  if (method === STORED) content = data;
  else if (method === DEFLATED) {
    try {
      content = inflateRawSync(data, { maxOutputLength: Math.max(size, 1) });
    } catch (error) {
      throw archiveError(`${name} does not inflate (${error instanceof Error ? error.message : String(error)})`);
    }
  } else throw archiveError(`${name} uses compression method ${method} (only stored and deflate are read)`);
  if (content.length !== size || crc32(content) !== expectedCrc) throw archiveError(`${name} fails its size or CRC check`);
  return content;
}

/** The files of a ZIP archive, in directory order (folders left out). */
export function readZipFiles(zip: Buffer): ZipFile[] {
  if (zip.length < 22) throw archiveError('too short');
  const end = endOfDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  let entry = zip.readUInt32LE(end + 16);
  const files: ZipFile[] = [];
  for (let index = 0; index < count; index++) {
    if (entry + 46 > zip.length || zip.readUInt32LE(entry) !== DIRECTORY_ENTRY) throw archiveError(`central directory entry ${index + 1} is damaged`);
    const nameLength = zip.readUInt16LE(entry + 28);
    const name = zip.toString('utf8', entry + 46, entry + 46 + nameLength);
    if (!name.endsWith('/')) files.push({ name, content: inflate(zip, entry, name) });
    entry += 46 + nameLength + zip.readUInt16LE(entry + 30) + zip.readUInt16LE(entry + 32);
  }
  return files;
}

/**
 * Reads every `.xml` file of a ZIP archive as a camt.053 message, in archive order. Throws
 * {@link Camt053Error}: the archive is damaged, holds no XML file, or a file is no statement
 * (the message then names the file).
 */
export function parseCamt053Archive(zip: Buffer): Camt053Statement[] {
  const files = readZipFiles(zip).filter((file) => file.name.toLowerCase().endsWith('.xml') && !file.name.startsWith('__MACOSX/'));
  if (files.length === 0) throw archiveError('it contains no .xml file');
  return files.map((file) => {
    try {
      return parseCamt053(file.content);
    } catch (error) {
      if (error instanceof Camt053Error) throw new Camt053Error(error.code, `${file.name}: ${error.message}`, error.element);
      throw error;
    }
  });
}
