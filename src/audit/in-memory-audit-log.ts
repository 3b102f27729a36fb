import type { AuditEntry, AuditLog, AuditPage, AuditQuery } from './audit-log';
import { compareAuditOrder } from './audit-log';

/** Entries kept by default; the oldest go first beyond it. */
export const IN_MEMORY_AUDIT_CAPACITY = 100_000;

/**
 * The audit log in this process's memory, ordered by (at, id): lost on restart, one per process.
 * For tests and tools without a database; the platform keeps its log in `audit_log`.
 */
export class InMemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  constructor(private readonly capacity = IN_MEMORY_AUDIT_CAPACITY) {}

  async record(entry: AuditEntry): Promise<void> {
    // Entries are recorded when the response is sent, so a slow request arrives late: insert in order.
    let index = this.entries.length;
    while (index > 0 && compareAuditOrder(this.entries[index - 1], entry) > 0) index--;
    this.entries.splice(index, 0, entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const { from, to, after, limit } = query;
    const matching = this.entries.filter(
      (e) => (!from || e.at >= from) && (!to || e.at < to) && (!after || compareAuditOrder(e, after) > 0),
    );
    const items = matching.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next: matching.length > limit && last ? { at: last.at, id: last.id } : null };
  }
}
