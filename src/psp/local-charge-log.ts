/**
 * The local PSP's memory: a JSON-lines file (`<dataDir>/charges.jsonl`) it appends one record to
 * per charge, delivered event and chargeback, so a restarted process keeps its idempotency. The
 * file is only ever appended to; {@link LocalChargeLog.refresh} reads what was added since the
 * last read, so two processes on the same directory (API and worker) see each other's charges.
 */
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { ChargeRequest } from './psp';

/**
 * A charge the local PSP took, with the request as it came (`cardToken` is a test token, kept to
 * refuse a repeated key with other parameters); its outcome was decided by the token.
 */
export interface LocalCharge extends ChargeRequest {
  kind: 'charge';
  paymentId: string;
  outcome: 'succeeded' | 'failed';
  failureReason?: string;
  chargedAt: string;
}

/** The platform accepted the webhook event `eventId` (it is not sent again after a restart). */
export interface LocalDelivery {
  kind: 'delivered';
  eventId: string;
  paymentId: string;
  deliveredAt: string;
}

/** A dispute was simulated for a succeeded charge. */
export interface LocalChargeback {
  kind: 'chargeback';
  paymentId: string;
  chargedBackAt: string;
}

export type LocalPspRecord = LocalCharge | LocalDelivery | LocalChargeback;

/** File name of the log inside the local PSP's data directory. */
export const CHARGE_LOG_FILE = 'charges.jsonl';

export class LocalChargeLog {
  readonly file: string;
  /** Bytes of the file already read. */
  private offset = 0;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, CHARGE_LOG_FILE);
  }

  /**
   * The complete records appended since the last call (all of them on the first). A line that
   * is not JSON (a write torn by a crash) is handed to `onCorrupt` and skipped.
   */
  async refresh(onCorrupt: (line: string) => void): Promise<LocalPspRecord[]> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return [];
      const chunk = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.offset);
      // Only whole lines: a record another process is writing right now is read next time.
      const end = chunk.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
      this.offset += end;
      const records: LocalPspRecord[] = [];
      for (const line of chunk.subarray(0, end).toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          records.push(JSON.parse(line) as LocalPspRecord);
        } catch {
          onCorrupt(line);
        }
      }
      return records;
    } finally {
      await handle.close();
    }
  }

  /** Appends one record as one write (`O_APPEND`), so concurrent writers never interleave a line. */
  async append(record: LocalPspRecord): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const handle = await open(this.file, 'a');
    try {
      await handle.write(`${JSON.stringify(record)}\n`);
    } finally {
      await handle.close();
    }
  }
}
