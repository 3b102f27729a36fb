/**
 * Response headers of every answer (docs/security.md): helmet's set with a Content Security
 * Policy that Swagger UI at /docs loads under, HSTS only where configured, and CORS for the
 * configured browser origins only.
 */
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { SecurityConfig } from '../config/config';

/**
 * The Content Security Policy. Scripts only from this origin (Swagger UI's three scripts are
 * files under /docs); inline styles are allowed because Swagger UI's page and components use
 * them; images from this origin and `data:` (Swagger UI's icons).
 */
export function contentSecurityPolicy(security: SecurityConfig): Record<string, string[]> {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'connect-src': ["'self'"],
    'font-src': ["'self'", 'data:'],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
  };
  // Only where the host is served over TLS (HSTS configured): on plain http (dev, sandbox) it
  // would send the browser to an https:// that does not answer.
  if (security.hstsMaxAgeSeconds > 0) directives['upgrade-insecure-requests'] = [];
  return directives;
}

/** helmet with the platform's settings. */
export function securityHeaders(security: SecurityConfig): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(security) },
    frameguard: { action: 'deny' },
    // No includeSubDomains: the API host's policy must not bind sibling hosts of its domain.
    strictTransportSecurity: security.hstsMaxAgeSeconds > 0 ? { maxAge: security.hstsMaxAgeSeconds, includeSubDomains: false } : false,
  }) as RequestHandler;
}

/** CORS for the configured origins, or null (no CORS headers at all) when none is configured. */
export function corsOptions(security: SecurityConfig): CorsOptions | null {
  if (security.corsOrigins.length === 0) return null;
  return {
    origin: [...security.corsOrigins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['Retry-After', 'Idempotent-Replayed', 'Content-Disposition', 'X-Request-Id'],
    // Bearer tokens, no cookies: browsers need no credentials mode.
    credentials: false,
    maxAge: 600,
  };
}
