/**
 * A local stand-in for Pingen's identity service, letter API and signed-URL storage: it serves
 * the documented endpoints, checks the protocol on every request (failures become 400 answers
 * and entries in `violations`), honours Idempotency-Key like Pingen does, and fails on request.
 */
import { randomUUID } from 'node:crypto';
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
  close(): Promise<void>;
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
    close: async () => undefined,
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
