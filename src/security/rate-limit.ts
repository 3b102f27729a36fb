/**
 * Rate limits of the HTTP API (docs/security.md): a sliding minute per bearer token (keyed by the
 * token's SHA-256, never the token) and per client IP, both from configuration. Over a limit the
 * caller gets `429 RATE_LIMITED` problem+json with `Retry-After` in seconds.
 */
import type { DynamicModule, ExecutionContext } from '@nestjs/common';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import { SkipThrottle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { bearerToken, hashToken } from '../auth/auth.guard';
import type { SecurityConfig } from '../config/config';
import { ProblemCode, ProblemError } from '../http/problem';

/** The window both limits count in. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * A pure sliding window: refused requests do not count, and a caller may go on as soon as its
 * oldest counted request is a minute old (the library's default would block it for a whole minute).
 */
const NO_BLOCK = 0;

const TOKEN_LIMIT = 'token';
const IP_LIMIT = 'ip';

/** Exempts a controller or route from both limits (signed webhooks: see docs/security.md). */
export const RateLimitExempt = () => SkipThrottle({ [TOKEN_LIMIT]: true, [IP_LIMIT]: true });

/** The bearer token's hash, or null for a request without one (then only the per-IP limit counts). */
function tokenTracker(request: Request): string | null {
  const token = bearerToken(request.headers.authorization);
  return token === null ? null : hashToken(token);
}

/** The throttler options for `limits`; a limit of 0 is left out (off). */
export function rateLimitOptions(limits: SecurityConfig['rateLimit']): ThrottlerModuleOptions {
  const throttlers: ThrottlerOptions[] = [];
  if (limits.perTokenPerMinute > 0) {
    throttlers.push({
      name: TOKEN_LIMIT,
      ttl: RATE_LIMIT_WINDOW_MS,
      limit: limits.perTokenPerMinute,
      blockDuration: NO_BLOCK,
      skipIf: (context) => tokenTracker(context.switchToHttp().getRequest<Request>()) === null,
      getTracker: (request) => tokenTracker(request as Request) ?? '',
    });
  }
  if (limits.perIpPerMinute > 0) {
    // The tracker is the guard's default: the client IP, IPv6 by its /56 subnet.
    throttlers.push({ name: IP_LIMIT, ttl: RATE_LIMIT_WINDOW_MS, limit: limits.perIpPerMinute, blockDuration: NO_BLOCK });
  }
  return {
    throttlers,
    // One count per token or IP across all routes (the default key is per route).
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    // Retry-After is set by the guard below, under its standard name (the library would add the limit's name).
    setHeaders: false,
  };
}

/** True when at least one limit is on (otherwise the guard is not registered at all). */
export function rateLimitEnabled(limits: SecurityConfig['rateLimit']): boolean {
  return limits.perTokenPerMinute > 0 || limits.perIpPerMinute > 0;
}

/** The in-memory counters (per process) and their options, for `AppModule`'s imports. */
export function rateLimitModule(limits: SecurityConfig['rateLimit']): DynamicModule {
  return ThrottlerModule.forRoot(rateLimitOptions(limits));
}

/** The throttler guard with the platform's 429: problem+json, `RATE_LIMITED`, `Retry-After`. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, detail.timeToBlockExpire);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfterSeconds));
    const which = detail.key.startsWith(`${TOKEN_LIMIT}:`) ? 'this token' : 'this client address';
    throw new ProblemError(
      HttpStatus.TOO_MANY_REQUESTS,
      ProblemCode.RATE_LIMITED,
      'Too many requests',
      `More than ${detail.limit} requests per minute from ${which}; retry after ${retryAfterSeconds} s.`,
    );
  }
}
