/**
 * A collection agency's API as docs/collection-agency.md describes it, on a real local HTTP
 * server: it checks the bearer token, the Idempotency-Key and every body against the published
 * schemas (violations are answered 400 and recorded), answers a repeated key with its first
 * answer, and fails on request.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publishedValidator } from './fixtures';

export const AGENCY_TOKEN = 'agency-token-4711';

/** How the next request fails: a status, or no answer for `ms`. */
export type AgencyFault = { status: number } | { hangMs: number };

export interface MockAgency {
  url: string;
  /** Handovers received, by Idempotency-Key, with the PDF decoded. */
  handovers: Map<string, { handover: unknown; pdf: Buffer }>;
  payments: Map<string, unknown>;
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  violations: string[];
  faults: AgencyFault[];
  close(): Promise<void>;
}

export async function startMockAgency(): Promise<MockAgency> {
  const validHandover = publishedValidator('handover');
  const validPayment = publishedValidator('payment');
  const answers = new Map<string, { status: number; body: string; bodyHash: string }>();
  const mock: MockAgency = { url: '', handovers: new Map(), payments: new Map(), requests: [], violations: [], faults: [], close: async () => undefined };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = req.url ?? '';
    mock.requests.push({ method: req.method ?? '', path, headers: req.headers });
    const fault = mock.faults.shift();
    if (fault && 'hangMs' in fault) {
      await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
      res.destroy();
      return;
    }
    if (fault) return send(res, fault.status, { error: `fault ${fault.status}` });
    const refuse = (status: number, violation: string) => {
      mock.violations.push(violation);
      send(res, status, { error: violation });
    };
    if (req.method !== 'POST') return refuse(405, `${req.method} ${path}`);
    if (req.headers.authorization !== `Bearer ${AGENCY_TOKEN}`) return refuse(401, 'bad bearer token');
    if (!req.headers['content-type']?.startsWith('application/json')) return refuse(415, 'not JSON');
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return refuse(400, 'no Idempotency-Key');
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    const earlier = answers.get(key);
    if (earlier) {
      if (earlier.bodyHash !== bodyHash) return refuse(409, `Idempotency-Key ${key} reused with another body`);
      res.writeHead(earlier.status, { 'content-type': 'application/json' }).end(earlier.body);
      return;
    }
    const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const answer = (status: number, payload: unknown) => {
      const text = JSON.stringify(payload);
      answers.set(key, { status, body: text, bodyHash });
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    };
    if (path === '/api/handovers') {
      const handover = body.handover as { handoverId?: string };
      if (!validHandover(handover)) return refuse(400, `handover: ${JSON.stringify(validHandover.errors)}`);
      if (key !== handover.handoverId) return refuse(400, `Idempotency-Key ${key} is not the handoverId`);
      mock.handovers.set(key, { handover, pdf: Buffer.from(String(body.statementPdf), 'base64') });
      return answer(201, { agencyReference: `INK-${mock.handovers.size.toString().padStart(5, '0')}` });
    }
    const payment = /^\/api\/handovers\/([^/]+)\/payments$/.exec(path);
    if (payment) {
      if (!validPayment(body)) return refuse(400, `payment: ${JSON.stringify(validPayment.errors)}`);
      if (!mock.handovers.has(payment[1])) return refuse(404, `no handover ${payment[1]}`);
      if (key !== `${payment[1]}/${String(body.paymentId)}`) return refuse(400, `Idempotency-Key ${key} is not <handoverId>/<paymentId>`);
      mock.payments.set(key, body);
      return answer(201, { received: true });
    }
    return refuse(404, `no route ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  mock.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return mock;
}
