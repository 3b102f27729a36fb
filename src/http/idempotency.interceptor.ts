import { createHash } from 'node:crypto';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { from, lastValueFrom } from 'rxjs';
import { APP_CONFIG, PRISMA } from '../app/tokens';
import type { Principal } from '../auth/principal';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import { Prisma } from '../generated/prisma/client';
import { withIdempotencyKey } from './idempotency-context';
import { ProblemError } from './problem';

const HEADER = 'idempotency-key';
/** Marks a request that is still running (no response stored yet). */
const IN_PROGRESS = 0;
/** Expired keys are deleted at most this often (and a claim on an expired key takes it over). */
const SWEEP_INTERVAL_MS = 10 * 60_000;
/** Attempts to release a key after a failed request before giving up (and logging it). */
const RELEASE_ATTEMPTS = 3;

/**
 * `Idempotency-Key` for writes (API.md, "Conventions"): the same key and body give the same
 * result, once. The key is scoped to the caller; the first request claims it with a row, the
 * response is stored on success, and a failed request releases the key so it can be retried.
 * Keys expire after `IDEMPOTENCY_TTL_HOURS` (default 24 h; indexed `expires_at`).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private readonly ttlMs: number;
  private lastSweep = 0;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.idempotencyTtlHours * 3_600_000;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { principal?: Principal }>();
    const key = request.headers[HEADER];
    if (key === undefined || request.method === 'GET') return next.handle();
    return from(this.run(request, http.getResponse<Response>(), key, next));
  }

  private async run(request: Request & { principal?: Principal }, response: Response, header: string | string[], next: CallHandler): Promise<unknown> {
    if (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header)) {
      throw new ProblemError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Invalid Idempotency-Key', 'Idempotency-Key: 1 to 200 visible ASCII characters.');
    }
    const principal = request.principal?.role === 'customer' ? `customer:${request.principal.customerId}` : 'operator';
    const id = `${principal}:${header}`;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    this.sweepExpired();
    const claimed = await this.claim(id, principal, request, requestHash);
    if (!claimed) {
      const stored = await this.prisma.idempotentRequest.findUnique({ where: { key: id } });
      if (!stored) return this.run(request, response, header, next); // released meanwhile: try again
      if (stored.expiresAt.getTime() <= Date.now()) {
        // Expired: the key is free again (only this expired row is deleted, never a fresh claim).
        await this.prisma.idempotentRequest.deleteMany({ where: { key: id, expiresAt: { lte: new Date() } } });
        return this.run(request, response, header, next);
      }
      if (stored.requestHash !== requestHash) {
        throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key reused', 'This key was used for a different request.');
      }
      if (stored.responseStatus === IN_PROGRESS) {
        throw new ProblemError(HttpStatus.CONFLICT, 'IDEMPOTENCY_KEY_IN_USE', 'Request in progress', 'A request with this key is still running; retry later.');
      }
      response.status(stored.responseStatus).setHeader('Idempotent-Replayed', 'true');
      return stored.responseBody;
    }
    try {
      // The handler runs (on subscription) inside the key's context: see idempotency-context.ts.
      const body = await withIdempotencyKey(id, () => lastValueFrom(next.handle(), { defaultValue: null }));
      await this.prisma.idempotentRequest.update({
        where: { key: id },
        data: { responseStatus: response.statusCode, responseBody: (body ?? null) as Prisma.InputJsonValue },
      });
      return body;
    } catch (error) {
      // Nothing happened (or it failed): the client may retry with the same key.
      await this.release(id);
      throw error;
    }
  }

  /** Deletes the claim of a failed request, retried; a key that stays claimed is logged (it expires with its TTL). */
  private async release(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.prisma.idempotentRequest.deleteMany({ where: { key: id, responseStatus: IN_PROGRESS } });
        return;
      } catch (error) {
        if (attempt >= RELEASE_ATTEMPTS) {
          this.logger.error(`could not release Idempotency-Key ${id} after ${attempt} attempts (it stays in use until it expires): ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** Deletes expired keys, at most once per SWEEP_INTERVAL_MS, in the background (failures are logged). */
  private sweepExpired(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    this.prisma.idempotentRequest
      .deleteMany({ where: { expiresAt: { lte: new Date(now) } } })
      .then(({ count }) => count > 0 && this.logger.log(`deleted ${count} expired Idempotency-Key record(s)`))
      .catch((error: unknown) => this.logger.warn(`sweeping expired Idempotency-Keys failed: ${(error as Error).message}`));
  }

  private async claim(id: string, principal: string, request: Request, requestHash: string): Promise<boolean> {
    try {
      await this.prisma.idempotentRequest.create({
        data: {
          key: id,
          principal,
          method: request.method,
          path: request.originalUrl,
          requestHash,
          responseStatus: IN_PROGRESS,
          responseBody: Prisma.JsonNull,
          expiresAt: new Date(Date.now() + this.ttlMs),
        },
      });
      return true;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
      throw error;
    }
  }
}
