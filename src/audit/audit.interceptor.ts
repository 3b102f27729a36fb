import { createHash, randomUUID } from 'node:crypto';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs';
import { AUDIT_LOG } from '../app/tokens';
import { bearerToken } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import type { AuditEntry, AuditLog } from './audit-log';

/** Methods that change nothing and are not audited. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Ids named in a request body that say what an action was about. */
const BODY_ID_FIELDS = ['customerId', 'contractId', 'invoiceId'] as const;
/** A request id a client may send (`X-Request-Id`). */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The token's fingerprint in the audit log (a separate hash domain from the stored token hashes). */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(`audit-fingerprint:${token}`).digest('hex').slice(0, 12);
}

/** `/v1/contracts/:id/cancellation` → `/v1/contracts/{id}/cancellation`, as in the OpenAPI document. */
export function openApiRoute(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/** The id of this request: the HTTP logger's, the client's `X-Request-Id`, or a new one. */
function requestIdOf(request: Request & { id?: unknown }): string {
  if (typeof request.id === 'string' || typeof request.id === 'number') return String(request.id);
  const header = request.headers['x-request-id'];
  if (typeof header === 'string' && REQUEST_ID.test(header)) return header;
  return randomUUID();
}

/** Route parameters, body ids and the created resource's id: what the action was about. */
function targetIdsOf(request: Request, responseBody: unknown): Record<string, string> {
  const ids: Record<string, string> = { ...(request.params as Record<string, string>) };
  const body: unknown = request.body;
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
    for (const field of BODY_ID_FIELDS) {
      const value = (body as Record<string, unknown>)[field];
      if (typeof value === 'string' && value.length <= 100) ids[field] = value;
    }
  }
  if (typeof responseBody === 'object' && responseBody !== null && typeof (responseBody as { id?: unknown }).id === 'string') {
    ids.resultId = (responseBody as { id: string }).id;
  }
  return ids;
}

/**
 * Records every non-GET request of an operator in the audit log once its response is sent
 * (so the status is the one the client got, problem+json errors included). Runs after the auth
 * guard: requests it refused have no operator to record.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(@Inject(AUDIT_LOG) private readonly auditLog: AuditLog) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { principal?: Principal }>();
    if (request.principal?.role !== 'operator' || READ_METHODS.has(request.method)) return next.handle();
    const response = http.getResponse<Response>();
    const at = new Date();
    const token = bearerToken(request.headers.authorization) ?? '';
    let responseBody: unknown;
    const record = (status: number | null) => {
      const entry: AuditEntry = {
        id: randomUUID(),
        at,
        actor: 'operator',
        tokenFingerprint: tokenFingerprint(token),
        method: request.method,
        route: openApiRoute((request.route as { path?: string } | undefined)?.path ?? request.path),
        targetIds: targetIdsOf(request, responseBody),
        status,
        requestId: requestIdOf(request),
      };
      // The response is out already; a lost entry must at least be visible in the log.
      this.auditLog.record(entry).catch((error: unknown) => this.logger.error(`audit entry lost: ${JSON.stringify(entry)}: ${String(error)}`));
    };
    response.once('close', () => record(response.writableFinished ? response.statusCode : null));
    return next.handle().pipe(
      tap((body: unknown) => {
        responseBody = body;
      }),
    );
  }
}
