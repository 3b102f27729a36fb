import { Controller, Get, HttpStatus, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AUDIT_LOG } from '../app/tokens';
import { OperatorOnly } from '../auth/auth.guard';
import { ProblemCode, ProblemError } from '../http/problem';
import { ZodPipe } from '../http/zod-body';
import type { AuditEntry, AuditLog } from './audit-log';
import { decodeAuditCursor, encodeAuditCursor } from './audit-log';

const ListAuditSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
type ListAuditQuery = z.infer<typeof ListAuditSchema>;

function toResource(entry: AuditEntry) {
  return { ...entry, at: entry.at.toISOString() };
}

/** `GET /v1/audit`: the operators' actions, oldest first. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AUDIT_LOG) private readonly auditLog: AuditLog) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: 'List operator actions (audit log)',
    description:
      'Operators. Every non-GET request made with the operator token: `{ items: [{ id, at, actor, tokenFingerprint, method, route, targetIds, status, requestId }], nextCursor }`, ' +
      'oldest first; `from` inclusive, `to` exclusive (instants with offset); pages with `cursor`. No request or response bodies.',
  })
  @ApiQuery({ name: 'from', required: false, description: 'Instant with offset; entries at or after it.' })
  @ApiQuery({ name: 'to', required: false, description: 'Instant with offset; entries before it.' })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page.' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 100.' })
  async list(@Query(new ZodPipe(ListAuditSchema)) query: ListAuditQuery) {
    const after = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
    if (after === null) throw new ProblemError(HttpStatus.BAD_REQUEST, ProblemCode.VALIDATION_FAILED, 'Validation failed', 'cursor: not a cursor of this list');
    const page = await this.auditLog.list({
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
      after,
      limit: query.limit,
    });
    return { items: page.items.map(toResource), nextCursor: page.next && encodeAuditCursor(page.next) };
  }
}
