/** The audit log in PostgreSQL (`audit_log`): durable, paged by (at, id). */
import type { PrismaClient } from '../database/prisma-client';
import type { AuditEntry, AuditLog, AuditPage, AuditQuery } from './audit-log';

export function createPrismaAuditLog(prisma: PrismaClient): AuditLog {
  return {
    async record(entry) {
      await prisma.auditLogEntry.create({
        data: { id: entry.id, at: entry.at, actor: entry.actor, tokenFingerprint: entry.tokenFingerprint, method: entry.method, route: entry.route, targetIds: entry.targetIds, status: entry.status, requestId: entry.requestId },
      });
    },
    async list(query: AuditQuery): Promise<AuditPage> {
      const rows = await prisma.auditLogEntry.findMany({
        where: {
          AND: [
            query.from ? { at: { gte: query.from } } : {},
            query.to ? { at: { lt: query.to } } : {},
            query.after ? { OR: [{ at: { gt: query.after.at } }, { at: query.after.at, id: { gt: query.after.id } }] } : {},
          ],
        },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const items: AuditEntry[] = page.map((r) => ({
        id: r.id,
        at: r.at,
        actor: 'operator',
        tokenFingerprint: r.tokenFingerprint,
        method: r.method,
        route: r.route,
        targetIds: r.targetIds as Record<string, string>,
        status: r.status,
        requestId: r.requestId,
      }));
      const last = page[page.length - 1];
      return { items, next: rows.length > query.limit && last ? { at: last.at, id: last.id } : null };
    },
  };
}
