/**
 * Pingen's letter API (v2, JSON:API) as a {@link PrintPartner}:
 *  1. `POST <identity>/auth/access-tokens` (OAuth2 client credentials, form-encoded); the token
 *     is cached until shortly before `expires_in` runs out;
 *  2. `GET /file-upload` → a signed upload URL and its `url_signature`;
 *  3. `PUT` the PDF to that URL (object storage: no bearer token);
 *  4. `POST /organisations/{org}/deliveries/letters` with the file URL and signature,
 *     `address_position: left` (DIN 5008 form B window), `auto_send: true`, delivery product and
 *     print mode/spectrum, and an `Idempotency-Key`.
 * Base URLs and credentials come from configuration only (no host is built in).
 */
import { createHash } from 'node:crypto';
import type { PingenConfig } from '../config/config';
import type { PrintPartner, SubmitLetterInput, SubmittedLetter } from './print-partner';
import { PrintPartnerRejectedError, PrintPartnerTransientError } from './print-partner';

/** Time for one API request (token, upload URL, letter). */
const REQUEST_TIMEOUT_MS = 20_000;
/** Time for the PDF upload to the signed URL. */
const UPLOAD_TIMEOUT_MS = 60_000;
/** A cached token is renewed this long before it expires, so no request carries an expiring one. */
const TOKEN_RENEWAL_MARGIN_MS = 60_000;
/** A signed upload is reused by a retry only while it has at least this long left. */
const UPLOAD_REUSE_MARGIN_MS = 5 * 60_000;
const JSON_API = 'application/vnd.api+json';

/** Options of {@link createPingenPrintPartner}: the configuration plus seams for tests. */
export interface PingenClientOptions extends Omit<PingenConfig, 'webhookSigningKey'> {
  requestTimeoutMs?: number;
  uploadTimeoutMs?: number;
  /** Milliseconds since the epoch; for the token and upload expiry. */
  now?: () => number;
}

interface SignedUpload {
  url: string;
  signature: string;
  expiresAt: number;
}

/**
 * The Pingen print partner. Idempotency: the `Idempotency-Key` header is a UUID derived from
 * the caller's key (Pingen keys are UUID-shaped; ours are `<workflow id>/<step>`), so every retry
 * of a letter sends the same key and Pingen answers with the letter it created the first time.
 * A retry in the same process also reuses the first attempt's signed upload while it is valid,
 * so the repeated request is byte-for-byte the same.
 */
export function createPingenPrintPartner(options: PingenClientOptions): PrintPartner {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const identityUrl = options.identityUrl.replace(/\/+$/, '');
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const uploadTimeoutMs = options.uploadTimeoutMs ?? UPLOAD_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  let token: { value: string; renewAt: number } | null = null;
  let pendingToken: Promise<string> | null = null;
  const uploads = new Map<string, SignedUpload>();

  async function fetchToken(): Promise<string> {
    const response = await call('access token', `${identityUrl}/auth/access-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret }).toString(),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const body = (await readJson(response, 'access token')) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new PrintPartnerTransientError('Pingen access token: the answer has no access_token/expires_in', response.status);
    }
    token = { value: body.access_token, renewAt: now() + Math.max(0, body.expires_in * 1000 - TOKEN_RENEWAL_MARGIN_MS) };
    return body.access_token;
  }

  /** The cached token, or a new one; concurrent callers share one token request. */
  function accessToken(): Promise<string> {
    if (token && now() < token.renewAt) return Promise.resolve(token.value);
    pendingToken ??= fetchToken().finally(() => {
      pendingToken = null;
    });
    return pendingToken;
  }

  /** A request to the API with the bearer token; a 401 renews the token once (it may have been revoked). */
  async function api(what: string, path: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const response = await call(what, `${apiUrl}${path}`, {
        ...init,
        headers: { accept: JSON_API, ...init.headers, authorization: `Bearer ${await accessToken()}` },
        signal: AbortSignal.timeout(requestTimeoutMs),
      }, attempt === 1 ? [401] : []);
      if (response.status !== 401) return response;
      token = null;
    }
  }

  async function signedUpload(idempotencyKey: string, pdf: Buffer): Promise<SignedUpload> {
    for (const [key, upload] of uploads) if (upload.expiresAt - now() <= UPLOAD_REUSE_MARGIN_MS) uploads.delete(key);
    const cached = uploads.get(idempotencyKey);
    if (cached) return cached;
    const response = await api('upload URL', '/file-upload', { method: 'GET' });
    const body = (await readJson(response, 'upload URL')) as { data?: { attributes?: { url?: unknown; url_signature?: unknown; expires_at?: unknown } } };
    const attributes = body.data?.attributes;
    if (typeof attributes?.url !== 'string' || typeof attributes.url_signature !== 'string') {
      throw new PrintPartnerTransientError('Pingen upload URL: the answer has no url/url_signature', response.status);
    }
    const expiresAt = typeof attributes.expires_at === 'string' ? Date.parse(attributes.expires_at) : Number.NaN;
    const upload = { url: attributes.url, signature: attributes.url_signature, expiresAt: Number.isNaN(expiresAt) ? 0 : expiresAt };
    // The signed URL carries its own authorization: a bearer token there would be refused.
    await call('PDF upload', upload.url, { method: 'PUT', body: pdf, signal: AbortSignal.timeout(uploadTimeoutMs) });
    uploads.set(idempotencyKey, upload);
    return upload;
  }

  return {
    name: 'pingen',
    async submitLetter(input: SubmitLetterInput): Promise<SubmittedLetter> {
      try {
        const upload = await signedUpload(input.idempotencyKey, input.pdf);
        const response = await api('letter', `/organisations/${encodeURIComponent(options.organisationId)}/deliveries/letters`, {
          method: 'POST',
          headers: { 'content-type': JSON_API, 'idempotency-key': pingenIdempotencyKey(input.idempotencyKey) },
          body: JSON.stringify({
            data: {
              type: 'letters',
              attributes: {
                file_original_name: input.fileName,
                file_url: upload.url,
                file_url_signature: upload.signature,
                address_position: 'left',
                auto_send: true,
                delivery_product: options.deliveryProduct,
                print_mode: options.printMode,
                print_spectrum: options.printSpectrum,
              },
            },
          }),
        });
        const body = (await readJson(response, 'letter')) as { data?: { id?: unknown } };
        if (typeof body.data?.id !== 'string') throw new PrintPartnerTransientError('Pingen letter: the answer has no data.id', response.status);
        uploads.delete(input.idempotencyKey);
        return { partnerLetterId: body.data.id, status: 'submitted' };
      } catch (error) {
        // A refused letter is refused for good: the next attempt (an operator's) uploads afresh.
        if (error instanceof PrintPartnerRejectedError) uploads.delete(input.idempotencyKey);
        throw error;
      }
    },
  };
}

/**
 * Pingen's `Idempotency-Key` for our key: a UUID (RFC 9562 layout, version 8 = custom) from its
 * SHA-256, so the same letter always gets the same key, whatever characters our key has.
 */
export function pingenIdempotencyKey(idempotencyKey: string): string {
  const bytes = createHash('sha256').update(idempotencyKey).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One HTTP exchange, classified: a connection error, timeout, 408, 409 (the same Idempotency-Key
 * still in progress), 429 or 5xx is transient; any other non-2xx is a rejection. Statuses in
 * `pass` are returned to the caller instead.
 */
async function call(what: string, url: string, init: RequestInit, pass: readonly number[] = []): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    // Duck-typed: fetch's errors (DOMException, undici's TypeError) may come from another realm.
    const reason = (error as { name?: unknown }).name === 'TimeoutError' ? 'timed out' : `failed: ${describeFetchError(error)}`;
    throw new PrintPartnerTransientError(`Pingen ${what} ${reason}`, undefined, { cause: error });
  }
  if (response.ok || pass.includes(response.status)) return response;
  const detail = describeErrors(await response.text().catch(() => ''));
  const message = `Pingen ${what}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`;
  if (isTransientStatus(response.status)) throw new PrintPartnerTransientError(message, response.status);
  throw new PrintPartnerRejectedError(message, response.status);
}

function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

async function readJson(response: Response, what: string): Promise<unknown> {
  try {
    return await response.json();
  } catch (error) {
    throw new PrintPartnerTransientError(`Pingen ${what}: the answer is not JSON`, response.status, { cause: error });
  }
}

/** JSON:API `errors[]` (title, detail, source.pointer) as one line, or the text itself (shortened). */
function describeErrors(text: string): string {
  try {
    const parsed = JSON.parse(text) as { errors?: { title?: string; detail?: string; source?: { pointer?: string } }[] };
    if (Array.isArray(parsed.errors)) {
      return parsed.errors
        .map((e) => [e.source?.pointer, e.title, e.detail].filter((part) => typeof part === 'string' && part !== '').join(': '))
        .join('; ');
    }
  } catch {
    /* not JSON: the text itself */
  }
  return text.slice(0, 300);
}

function describeFetchError(error: unknown): string {
  const { message, cause } = error as { message?: unknown; cause?: { code?: unknown } };
  if (typeof message !== 'string') return String(error);
  return typeof cause?.code === 'string' ? `${message} (${cause.code})` : message;
}
