/**
 * A local stand-in for Pingen's identity service, letter API and signed-URL storage: it serves
 * the documented endpoints, checks the protocol on every request (failures become 400 answers
 * and entries in `violations`), honours Idempotency-Key like Pingen does, and fails on request.
 * It also sends Pingen's webhooks (`sendWebhook`) to the URLs registered per event category
 * (`POST /organisations/{org}/webhooks` or `registerWebhook`), signed with their signing key.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CLIENT_ID = 'client-4711';
export const CLIENT_SECRET = 'secret-4711';
export const ORGANISATION_ID = 'org-0815';

/** One request as the mock received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A letter the mock API created. */
export interface MockLetter {
  id: string;
  idempotencyKey: string;
  attributes: Record<string, unknown>;
  pdf: Buffer;
}

/** How the next `POST …/letters` fails: before creating anything, after creating (answer lost), or a status with an error body. */
export type LetterFault = { kind: 'before-create'; status: number } | { kind: 'after-create'; status: number } | { kind: 'reject'; status: number } | { kind: 'hang'; ms: number };

/** Pingen's webhook event categories. */
export type WebhookCategory = 'sent' | 'undeliverable' | 'issues';

/** A webhook registered at the mock (Pingen's `webhooks` resource). */
export interface MockWebhook {
  id: string;
  category: WebhookCategory;
  url: string;
  signingKey: string;
}

/** One webhook the mock sent, and the platform's answer. */
export interface WebhookDelivery {
  url: string;
  rawBody: string;
  /** The `Signature` header sent (absent when the test removed it). */
  signature: string | undefined;
  eventId: string;
  status: number;
  body: unknown;
}

/** What `sendWebhook` puts in the body, and how it signs (defaults: as Pingen would). */
export interface WebhookOptions {
  /** The letter event's id (`relationships.event`); default a new UUID. */
  eventId?: string;
  /** The letter event's `code` (e.g. `file_too_many_pages`) and the webhook's `reason`. */
  code?: string;
  reason?: string;
  /** Sign with this key instead of the registered one; `null` sends no `Signature`. */
  signingKey?: string | null;
}

export interface MockPingen {
  apiUrl: string;
  identityUrl: string;
  requests: RecordedRequest[];
  letters: MockLetter[];
  /** Protocol errors the mock saw (each also answered 400). */
  violations: string[];
  tokenGrants: number;
  /** Faults for the next letter POSTs, in order. */
  letterFaults: LetterFault[];
  /** Answers the next API request (not the token) with 401 once. */
  revokeTokens(): void;
  /** Registered webhooks, by category (the API route or `registerWebhook`). */
  webhooks: MockWebhook[];
  registerWebhook(category: WebhookCategory, url: string, signingKey: string): MockWebhook;
  /** Sends the `category` webhook about `letterId` to its registered URL, like Pingen: JSON:API, signed. */
  sendWebhook(category: WebhookCategory, letterId: string, options?: WebhookOptions): Promise<WebhookDelivery>;
  /** Sends a delivered webhook's bytes and signature again (Pingen's retry). */
  resendWebhook(delivery: WebhookDelivery): Promise<WebhookDelivery>;
  close(): Promise<void>;
}

/** Options of the Pingen client (src/print-partner/pingen-client.ts) that talk to `mock`. */
export function mockPingenOptions(mock: Pick<MockPingen, 'apiUrl' | 'identityUrl'>) {
  return {
    apiUrl: mock.apiUrl,
    identityUrl: mock.identityUrl,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    organisationId: ORGANISATION_ID,
    deliveryProduct: 'fast',
    printMode: 'simplex',
    printSpectrum: 'grayscale',
  } as const;
}

/** Pingen's signature: lowercase hex HMAC-SHA256 of the raw body with the signing key, no prefix. */
export function pingenSignature(signingKey: string, rawBody: string): string {
  return createHmac('sha256', signingKey).update(rawBody).digest('hex');
}

const JSON_API = 'application/vnd.api+json';

export async function startMockPingen(): Promise<MockPingen> {
  const uploads = new Map<string, { signature: string; pdf: Buffer | null }>();
  const byKey = new Map<string, { status: number; body: string }>();
  let validTokens = new Set<string>();
  let base = '';
  const mock: MockPingen = {
    apiUrl: '',
    identityUrl: '',
    requests: [],
    letters: [],
    violations: [],
    tokenGrants: 0,
    letterFaults: [],
    revokeTokens: () => {
      validTokens = new Set();
    },
    webhooks: [],
    registerWebhook: (category, url, signingKey) => {
      const webhook = { id: randomUUID(), category, url, signingKey };
      mock.webhooks.push(webhook);
      return webhook;
    },
    sendWebhook: async (category, letterId, options = {}) => {
      const webhook = mock.webhooks.find((candidate) => candidate.category === category);
      if (!webhook) throw new Error(`mock Pingen: no webhook registered for ${category}`);
      const eventId = options.eventId ?? randomUUID();
      const rawBody = webhookBody(category, letterId, eventId, webhook.url, options);
      const key = options.signingKey === undefined ? webhook.signingKey : options.signingKey;
      return postWebhook(webhook.url, rawBody, key === null ? undefined : pingenSignature(key, rawBody), eventId);
    },
    resendWebhook: (delivery) => postWebhook(delivery.url, delivery.rawBody, delivery.signature, delivery.eventId),
    close: async () => undefined,
  };

  /** The body Pingen sends (the shape of its SDKs' test vector: JSON:API, `included` letter and event). */
  const webhookBody = (category: WebhookCategory, letterId: string, eventId: string, url: string, options: WebhookOptions): string => {
    const letter = mock.letters.find((candidate) => candidate.id === letterId);
    const at = pingenTimestamp(new Date());
    const { code, name, letterStatus } = {
      sent: { code: 'sent', name: 'Letter sent', letterStatus: 'sent' },
      undeliverable: { code: 'undeliverable', name: 'Letter undeliverable', letterStatus: 'undeliverable' },
      issues: { code: 'file_too_many_pages', name: 'Page limit exceeded', letterStatus: 'action_required' },
    }[category];
    const reason = options.reason ?? name;
    const organisation = { type: 'organisations', id: ORGANISATION_ID };
    return JSON.stringify({
      data: {
        type: `webhook_${category}`,
        id: randomUUID(),
        attributes: { reason, url, created_at: at },
        relationships: {
          organisation: { links: { related: `${base}/api/organisations/${ORGANISATION_ID}` }, data: organisation },
          letter: { links: { related: `${base}/api/organisations/${ORGANISATION_ID}/deliveries/letters/${letterId}` }, data: { type: 'letters', id: letterId } },
          event: { data: { type: 'letters_events', id: eventId } },
        },
      },
      included: [
        { ...organisation, attributes: { name: 'Vertragswerk Test', status: 'active' } },
        {
          type: 'letters',
          id: letterId,
          attributes: { status: letterStatus, file_original_name: letter?.attributes.file_original_name ?? 'letter.pdf', address: 'Erika Mustermann\nHeidestraße 17\n51147 Köln', tracking_number: null, created_at: at, updated_at: at },
        },
        { type: 'letters_events', id: eventId, attributes: { code: options.code ?? code, name, producer: 'Pingen', location: '', has_image: false, data: [], emitted_at: at, created_at: at, updated_at: at } },
      ],
    });
  };

  const postWebhook = async (url: string, rawBody: string, signature: string | undefined, eventId: string): Promise<WebhookDelivery> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': JSON_API, ...(signature === undefined ? {} : { signature }) }, body: rawBody });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: the text */
    }
    return { url, rawBody, signature, eventId, status: response.status, body };
  };

  const send = (res: ServerResponse, status: number, body: unknown, type = JSON_API): void => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const violation = (res: ServerResponse, message: string): void => {
    mock.violations.push(message);
    send(res, 400, { errors: [{ code: 'protocol', title: message }] });
  };
  const bearer = (req: IncomingMessage): boolean => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    return match !== null && validTokens.has(match[1]);
  };

  const routes = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'POST /identity/auth/access-tokens') {
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return violation(res, `token: content-type ${req.headers['content-type']}`);
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('grant_type') !== 'client_credentials') return violation(res, `token: grant_type ${form.get('grant_type')}`);
      if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) return send(res, 401, { error: 'invalid_client' }, 'application/json');
      mock.tokenGrants++;
      const token = `token-${mock.tokenGrants}`;
      validTokens.add(token);
      return send(res, 200, { token_type: 'Bearer', expires_in: 43200, access_token: token }, 'application/json');
    }
    if (url.pathname.startsWith('/storage/') && req.method === 'PUT') {
      const upload = uploads.get(url.pathname.slice('/storage/'.length));
      if (!upload) return send(res, 404, 'no such upload', 'text/plain');
      if (req.headers.authorization) return violation(res, 'upload: the signed URL was sent an Authorization header');
      if (url.searchParams.get('X-Signature') !== upload.signature) return violation(res, 'upload: query signature missing');
      upload.pdf = body;
      res.writeHead(200).end();
      return;
    }
    if (!url.pathname.startsWith('/api/')) return send(res, 404, { errors: [{ title: 'not found' }] });
    if (!bearer(req)) return send(res, 401, { errors: [{ code: 'unauthenticated', title: 'Unauthenticated' }] });
    if (route === 'GET /api/file-upload') {
      const id = randomUUID();
      const signature = `sig-${id}`;
      uploads.set(id, { signature, pdf: null });
      return send(res, 200, {
        data: { id, type: 'file_uploads', attributes: { url: `${base}/storage/${id}?X-Signature=${signature}`, url_signature: signature, expires_at: new Date(Date.now() + 3_600_000).toISOString() } },
      });
    }
    if (route === `POST /api/organisations/${ORGANISATION_ID}/deliveries/letters`) return createLetter(req, res, body);
    if (route === `POST /api/organisations/${ORGANISATION_ID}/webhooks`) {
      const document = JSON.parse(body.toString('utf8')) as { data?: { type?: string; attributes?: { event_category?: string; url?: string; signing_key?: string } } };
      const attributes = document.data?.attributes;
      if (document.data?.type !== 'webhooks' || !attributes?.url || !attributes.signing_key || !['sent', 'undeliverable', 'issues'].includes(attributes.event_category ?? '')) {
        return violation(res, `webhook: ${body.toString('utf8')}`);
      }
      const webhook = mock.registerWebhook(attributes.event_category as WebhookCategory, attributes.url, attributes.signing_key);
      return send(res, 201, { data: { id: webhook.id, type: 'webhooks', attributes: { event_category: webhook.category, url: webhook.url, signing_key: webhook.signingKey } } });
    }
    return send(res, 404, { errors: [{ title: `no route ${route}` }] });
  };

  const createLetter = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    if (req.headers['content-type'] !== JSON_API) return violation(res, `letter: content-type ${req.headers['content-type']}`);
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !/^[0-9a-f-]{36}$/.test(key)) return violation(res, `letter: Idempotency-Key ${String(key)}`);
    const stored = byKey.get(key);
    if (stored) return send(res, stored.status, stored.body);
    const fault = mock.letterFaults.shift();
    if (fault?.kind === 'hang') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'before-create') return send(res, fault.status, { errors: [{ title: 'Server Error' }] });
    if (fault?.kind === 'reject') {
      return send(res, fault.status, { errors: [{ code: 'validation', title: 'The address could not be recognised', detail: 'No address in the address window', source: { pointer: '/data/attributes/file_url' } }] });
    }
    const document = JSON.parse(body.toString('utf8')) as { data?: { type?: string; attributes?: Record<string, unknown> } };
    const attributes = document.data?.attributes ?? {};
    if (document.data?.type !== 'letters') return violation(res, `letter: data.type ${document.data?.type}`);
    const fileUrl = new URL(String(attributes.file_url));
    const upload = uploads.get(fileUrl.pathname.slice('/storage/'.length));
    if (!upload?.pdf) return violation(res, 'letter: file_url was never uploaded');
    if (attributes.file_url_signature !== upload.signature) return violation(res, 'letter: file_url_signature does not match the upload');
    const letter: MockLetter = { id: randomUUID(), idempotencyKey: key, attributes, pdf: upload.pdf };
    mock.letters.push(letter);
    const answer = { status: 201, body: JSON.stringify({ data: { id: letter.id, type: 'letters', attributes: { status: 'valid', ...attributes } } }) };
    byKey.set(key, answer);
    if (fault?.kind === 'after-create') return send(res, fault.status, { errors: [{ title: 'Server Error' }] });
    return send(res, answer.status, answer.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      mock.requests.push({ method: req.method ?? '', path: new URL(req.url ?? '/', 'http://x').pathname, headers: req.headers, body });
      routes(req, res, body).catch((error: unknown) => send(res, 500, { errors: [{ title: String(error) }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mock.apiUrl = `${base}/api`;
  mock.identityUrl = `${base}/identity`;
  mock.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return mock;
}

/** Pingen's timestamps: `2024-04-26T09:54:38+0200` (UTC here). */
function pingenTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}+0000`;
}
