/**
 * API hardening over real HTTP (createApp on a real PostgreSQL test database; docs/security.md):
 * rate limits per token and per IP (429 RATE_LIMITED with Retry-After), body limits (413
 * PAYLOAD_TOO_LARGE), security headers with a CSP Swagger UI loads under, CORS from
 * configuration, no internals in error bodies, and the operator token compared in constant time.
 */
import crypto from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { hashToken } from '../../src/auth/auth.guard';
import { rateLimitEnabled } from '../../src/security/rate-limit';
import { loadConfig } from '../../src/config/config';
import type { TestDatabase } from '../helpers/database';
import { createTestDatabase } from '../helpers/database';
import type { HttpApp } from '../helpers/http-app';
import { startHttpApp } from '../helpers/http-app';
import { OPERATOR_TOKEN } from '../helpers/platform';
import { customerAddress } from '../helpers/sandbox-suite';

const PORTAL_ORIGIN = 'https://portal.example.org';
const PROBLEM_MEMBERS = ['code', 'detail', 'status', 'title', 'type'];

let database: TestDatabase;
/** Default configuration (no CORS, no HSTS, limits far above what this file sends). */
let app: HttpApp;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startHttpApp({}, { database });
});

afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

/** A customer and a token for it, created through the API. */
async function newCustomer(api: HttpApp['api'], email: string) {
  const created = await api('POST', '/v1/customers', { token: OPERATOR_TOKEN, body: { type: 'business', name: 'Praxis Limit', email, address: customerAddress } });
  expect(created.status).toBe(201);
  const token = await api('POST', `/v1/customers/${created.body.id}/tokens`, { token: OPERATOR_TOKEN });
  expect(token.status).toBe(201);
  return { id: created.body.id as string, token: token.body.token as string };
}

describe('rate limits', () => {
  let limited: HttpApp;

  beforeAll(async () => {
    limited = await startHttpApp({ RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_IP_PER_MINUTE: '6' }, { database });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  test('per token, then per IP: 429 problem+json RATE_LIMITED with Retry-After; signed webhooks are exempt, health is not', async () => {
    const { api } = limited;
    // Requests 1–3 of the operator token (IP: 3 of 6).
    for (let i = 0; i < 3; i++) expect((await api('GET', '/v1/plans', { token: OPERATOR_TOKEN })).status).toBe(200);
    // Its 4th within the minute.
    const overToken = await api('GET', '/v1/plans', { token: OPERATOR_TOKEN });
    expect(overToken.status).toBe(429);
    expect(overToken.contentType).toMatch(/^application\/problem\+json/);
    expect(overToken.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', title: 'Too many requests' });
    expect(overToken.body.detail).toMatch(/this token/);
    const retryAfter = Number(overToken.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Another token has its own count (an unknown one too: counted by its hash, then refused).
    expect((await api('GET', '/v1/plans', { token: 'some-other-token-0123456789' })).status).toBe(401);
    // No token: only the per-IP count (IP: 5 of 6, then 6 of 6).
    expect((await api('GET', '/health/live')).status).toBe(200);
    expect((await api('GET', '/health/live')).status).toBe(200);
    // Signed webhooks count against neither limit: a bad signature is refused as such, not limited.
    const webhook = await api('POST', '/v1/webhooks/psp', { body: { eventId: 'evt-limit' }, headers: { 'x-signature': 'sha256=00' } });
    expect(webhook.status).toBe(401);

    // The 7th request from this address: health is limited per IP like everything else.
    const overIp = await api('GET', '/health/live');
    expect(overIp.status).toBe(429);
    expect(overIp.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(overIp.body.detail).toMatch(/client address/);
    expect(Number(overIp.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Object.keys(overIp.body).sort()).toEqual(PROBLEM_MEMBERS);
  });

  test('RATE_LIMIT_PER_MINUTE=0 and RATE_LIMIT_PER_IP_PER_MINUTE=0 turn the limits off; the defaults are 600 and 1200', () => {
    const off = loadConfig({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_IP_PER_MINUTE: '0' });
    expect(rateLimitEnabled(off.security.rateLimit)).toBe(false);
    expect(loadConfig({}).security.rateLimit).toEqual({ perTokenPerMinute: 600, perIpPerMinute: 1200 });
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});

describe('body limits', () => {
  test('a JSON body over 256 kB is 413 PAYLOAD_TOO_LARGE problem+json (not a 500, not HTML), with the security headers', async () => {
    const big = { type: 'business', name: 'x'.repeat(300 * 1024), email: 'big@example.org', address: customerAddress };
    const res = await app.api('POST', '/v1/customers', { token: OPERATOR_TOKEN, body: big });
    expect(res.status).toBe(413);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', title: 'Payload too large' });
    expect(Object.keys(res.body).sort()).toEqual(PROBLEM_MEMBERS);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Just under the limit is read (and then judged on its content: the name is too long).
    const fits = await app.api('POST', '/v1/customers', { token: OPERATOR_TOKEN, body: { ...big, name: 'x'.repeat(200 * 1024) } });
    expect(fits.status).toBe(400);
    expect(fits.body.code).toBe('VALIDATION_FAILED');
  });

  test('camt.053 uploads: 20 MB of XML is read, over 25 MB is 413', async () => {
    const xml = (bytes: number) => `<?xml version="1.0"?><Document>${' '.repeat(bytes)}</Document>`;
    const read = await app.api('POST', '/v1/bank-statements', { token: OPERATOR_TOKEN, rawBody: xml(20 * 1024 * 1024), headers: { 'content-type': 'application/xml' } });
    // Read and parsed: a document of no camt.053 version.
    expect(read.status).toBe(400);
    expect(read.body.code).toBe('UNSUPPORTED_STATEMENT_VERSION');
    const tooLarge = await app.api('POST', '/v1/bank-statements', { token: OPERATOR_TOKEN, rawBody: xml(26 * 1024 * 1024), headers: { 'content-type': 'application/xml' } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('security headers', () => {
  test('every answer carries helmet headers and a CSP; no HSTS unless configured; no X-Powered-By', async () => {
    for (const res of [await app.api('GET', '/v1/plans', { token: OPERATOR_TOKEN }), await app.api('GET', '/v1/no-such-route', { token: OPERATOR_TOKEN })]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  test('HSTS_MAX_AGE_SECONDS sends Strict-Transport-Security (and upgrade-insecure-requests)', async () => {
    const tls = await startHttpApp({ HSTS_MAX_AGE_SECONDS: '31536000' }, { database });
    try {
      const res = await tls.api('GET', '/health/live');
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
      expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    } finally {
      await tls.stop();
    }
  });

  test('/docs loads under the CSP: no inline script, every script and style from this origin answers', async () => {
    const res = await fetch(`${app.url}/docs`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    // script-src 'self' forbids inline scripts: Swagger UI's page must have none.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const [, attributes, body] of scripts) {
      expect(body.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes)?.[1] ?? '';
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const asset = await fetch(new URL(src, `${app.url}/docs`));
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
    }
    expect((await fetch(`${app.url}/v1/openapi.json`)).status).toBe(200);
  });

  const browser = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
  (browser ? test : test.skip)(`Swagger UI renders in headless Chromium without CSP violations${browser ? '' : ' (skipped: no Chromium installed)'}`, async () => {
    const instance = await chromium.launch({ executablePath: browser, args: ['--no-sandbox'] });
    try {
      const page = await instance.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${app.url}/docs`);
      await page.waitForSelector('.swagger-ui .info .title', { timeout: 20_000 });
      expect(await page.textContent('.swagger-ui .info .title')).toContain('Vertragswerk');
      // The operations come from /v1/openapi.json (connect-src 'self').
      await page.waitForSelector('.opblock', { timeout: 20_000 });
      expect(violations).toEqual([]);
    } finally {
      await instance.close();
    }
  });
});

describe('CORS', () => {
  let withCors: HttpApp;

  beforeAll(async () => {
    withCors = await startHttpApp({ CORS_ORIGINS: `${PORTAL_ORIGIN}, http://127.0.0.1:5173` }, { database });
  });
  afterAll(async () => {
    await withCors?.stop();
  });

  const preflight = (url: string, origin: string) =>
    fetch(`${url}/v1/contracts`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });

  test('a preflight from a configured origin is allowed with the API headers', async () => {
    const res = await preflight(withCors.url, PORTAL_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL_ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    );
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const get = await withCors.api('GET', '/v1/plans', { token: OPERATOR_TOKEN, headers: { origin: PORTAL_ORIGIN } });
    expect(get.headers.get('access-control-allow-origin')).toBe(PORTAL_ORIGIN);
    expect(get.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  test('another origin gets no CORS headers, and without CORS_ORIGINS nobody does', async () => {
    const other = await preflight(withCors.url, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const none = await preflight(app.url, PORTAL_ORIGIN);
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    expect(() => loadConfig({ CORS_ORIGINS: 'https://portal.example.org/path' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('errors', () => {
  test('a database error is a 500 with only type/title/status/detail/code and a generic detail; the log has the details', async () => {
    await app.prisma.$executeRawUnsafe('ALTER TABLE customers RENAME TO customers_unavailable');
    try {
      const logs = app.captureLogs();
      const res = await app.api('GET', `/v1/customers/${crypto.randomUUID()}`, { token: OPERATOR_TOKEN });
      expect(res.status).toBe(500);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(Object.keys(res.body).sort()).toEqual(PROBLEM_MEMBERS);
      expect(res.body).toMatchObject({ status: 500, code: 'INTERNAL', title: 'Internal error', detail: 'An unexpected error occurred.' });
      expect(JSON.stringify(res.body)).not.toMatch(/customers|prisma|select|\bat\s|\.ts:/i);
      const logged = logs.filter((l) => l.level === 'error').map((l) => l.message).join('\n');
      expect(logged).toMatch(/GET \/v1\/customers\/\S+ → 500 INTERNAL/);
      expect(logged).toMatch(/customers/);
      expect(logged).toMatch(/\n\s+at /); // the stack
    } finally {
      await app.prisma.$executeRawUnsafe('ALTER TABLE customers_unavailable RENAME TO customers');
    }
  });

  test('malformed JSON is a 400 problem naming no internals; unknown routes are 404 problems', async () => {
    const res = await app.api('POST', '/v1/customers', { token: OPERATOR_TOKEN, rawBody: '{"type":' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'MALFORMED_JSON' });
    expect(JSON.stringify(res.body)).not.toMatch(/node_modules|\bat\s/);
    const missing = await app.api('GET', '/v1/nothing-here', { token: OPERATOR_TOKEN });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('tokens', () => {
  test('the operator token is compared with timingSafeEqual on equal-length digests, right or wrong, short or long', async () => {
    const customer = await newCustomer(app.api, 'timing@example.org');
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      const attempts = [OPERATOR_TOKEN, 'x', 'y'.repeat(500), customer.token];
      const statuses = [];
      for (const token of attempts) statuses.push((await app.api('GET', `/v1/customers/${customer.id}`, { token })).status);
      expect(statuses).toEqual([200, 401, 401, 200]);
      expect(spy).toHaveBeenCalledTimes(attempts.length);
      for (const [index, [a, b]] of spy.mock.calls.entries()) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
        expect((a as Buffer).equals(Buffer.from(hashToken(attempts[index]), 'hex'))).toBe(true);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
