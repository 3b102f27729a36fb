/**
 * A local stand-in for Stripe's PaymentIntents API and its webhook sender: it serves
 * `POST /v1/payment_intents` (form-encoded, bracket notation, Bearer secret key), checks the
 * protocol on every request (failures become 400 answers and entries in `violations`), replays an
 * `Idempotency-Key` like Stripe does, knows Stripe's test payment methods, fails on request, and
 * posts each outcome as a Stripe event signed with the `stripe` package's own signer.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const SECRET_KEY = 'sk_test_mock_4711';
export const ENDPOINT_SECRET = 'whsec_mock_endpoint_0815';

/** One request as the mock received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: Record<string, unknown>;
}

/** What a Stripe test payment method does on a confirmed, off-session charge. */
interface TestCard {
  status: 'succeeded' | 'processing' | 'declined';
  code?: string;
  declineCode?: string;
}

/** Stripe's test payment methods (plus one that settles later, to exercise `processing`). */
const TEST_CARDS: Record<string, TestCard> = {
  pm_card_visa: { status: 'succeeded' },
  pm_card_mastercard: { status: 'succeeded' },
  pm_card_chargeDeclined: { status: 'declined', code: 'card_declined', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: { status: 'declined', code: 'card_declined', declineCode: 'insufficient_funds' },
  pm_card_chargeDeclinedExpiredCard: { status: 'declined', code: 'expired_card' },
  // Off-session, a card that needs 3-D Secure is declined instead of waiting for the customer.
  pm_card_authenticationRequired: { status: 'declined', code: 'authentication_required' },
  pm_mock_processing: { status: 'processing' },
};

/** How the next `POST /v1/payment_intents` misbehaves. */
export type StripeFault =
  | { kind: 'status'; status: number; shouldRetry?: boolean }
  /** Creates the PaymentIntent, then cuts the connection: the answer is lost, a replay gets it. */
  | { kind: 'drop-after-create' }
  | { kind: 'hang'; ms: number };

/** An event the mock sent, and what the receiver answered. */
export interface SentEvent {
  event: { id: string; type: string; data: { object: Record<string, unknown> } };
  signature: string;
  answeredWith: number | null;
}

export interface MockStripe {
  apiUrl: string;
  requests: RecordedRequest[];
  intents: Map<string, Record<string, unknown>>;
  violations: string[];
  faults: StripeFault[];
  /** Where events go (set it to a receiver); none are sent while it is null. */
  webhookUrl: string | null;
  events: SentEvent[];
  /** Opens a dispute on a succeeded PaymentIntent and sends `charge.dispute.created`. */
  dispute(paymentIntentId: string): Promise<void>;
  /** Resolves once every event in flight has been sent. */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

export async function startMockStripe(): Promise<MockStripe> {
  const byKey = new Map<string, { params: string; status: number; body: string }>();
  const sending = new Set<Promise<void>>();
  let closed = false;
  const mock: MockStripe = {
    apiUrl: '',
    requests: [],
    intents: new Map(),
    violations: [],
    faults: [],
    webhookUrl: null,
    events: [],
    dispute: async (paymentIntentId) => {
      const intent = mock.intents.get(paymentIntentId);
      if (intent?.status !== 'succeeded') throw new Error(`mock stripe: ${paymentIntentId} is not a succeeded PaymentIntent`);
      const dispute = {
        id: id('dp'),
        object: 'dispute',
        amount: intent.amount,
        currency: intent.currency,
        charge: intent.latest_charge,
        payment_intent: paymentIntentId,
        reason: 'fraudulent',
        status: 'needs_response',
        metadata: {},
        livemode: false,
      };
      await send('charge.dispute.created', dispute);
    },
    whenIdle: async () => {
      while (sending.size > 0) await Promise.all(sending);
    },
    close: async () => undefined,
  };

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const violation = (res: ServerResponse, message: string): void => {
    mock.violations.push(message);
    reply(res, 400, { error: { type: 'invalid_request_error', message } });
  };

  const send = (type: string, object: Record<string, unknown>): Promise<void> => {
    const url = mock.webhookUrl;
    if (!url) return Promise.resolve();
    const event = { id: id('evt'), object: 'event', api_version: '2026-10-28.endive', created: Math.floor(Date.now() / 1000), type, livemode: false, pending_webhooks: 1, data: { object } };
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: ENDPOINT_SECRET });
    const sent: SentEvent = { event, signature, answeredWith: null };
    mock.events.push(sent);
    const delivery = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature }, body: payload })
      .then((response) => void (sent.answeredWith = response.status))
      .catch(() => undefined)
      .finally(() => sending.delete(delivery));
    sending.add(delivery);
    return delivery;
  };

  const createIntent = async (req: IncomingMessage, res: ServerResponse, form: Record<string, unknown>, raw: string): Promise<void> => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) return violation(res, `Idempotency-Key ${String(key)}`);
    const stored = byKey.get(key);
    if (stored && stored.params !== raw) {
      return reply(res, 400, { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}'.` } });
    }
    if (stored) return reply(res, stored.status, stored.body, { 'idempotent-replayed': 'true' });
    const fault = mock.faults.shift();
    // Unref'd: a hanging answer does not keep jest alive after close.
    if (fault?.kind === 'hang') await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
    if (closed) return;
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(fault.shouldRetry) };
      const type = fault.status === 429 ? 'invalid_request_error' : 'api_error';
      return reply(res, fault.status, { error: { type, code: fault.status === 429 ? 'rate_limit' : undefined, message: 'mock fault' } }, headers);
    }
    const problem = checkIntentParams(form);
    if (problem) return violation(res, problem);
    const paymentMethod = String(form.payment_method);
    const card = TEST_CARDS[paymentMethod];
    if (!card) {
      const answer = { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${paymentMethod}'` } };
      byKey.set(key, { params: raw, status: 400, body: JSON.stringify(answer) });
      return reply(res, 400, answer);
    }
    const amount = Number(form.amount);
    const declined = card.status === 'declined';
    const intent: Record<string, unknown> = {
      id: id('pi'),
      object: 'payment_intent',
      amount,
      amount_received: card.status === 'succeeded' ? amount : 0,
      currency: form.currency,
      status: declined ? 'requires_payment_method' : card.status,
      confirmation_method: 'automatic',
      capture_method: 'automatic',
      description: form.description ?? null,
      metadata: form.metadata ?? {},
      payment_method: declined ? null : paymentMethod,
      latest_charge: id('ch'),
      last_payment_error: declined ? { type: 'card_error', code: card.code, decline_code: card.declineCode, message: 'Your card was declined.' } : null,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
    };
    mock.intents.set(intent.id as string, intent);
    const [status, body] = declined
      ? [402, { error: { type: 'card_error', code: card.code, decline_code: card.declineCode, message: 'Your card was declined.', payment_intent: intent } }]
      : [200, intent];
    byKey.set(key, { params: raw, status, body: JSON.stringify(body) });
    if (card.status === 'processing') {
      // Settles a moment later, as a slow payment method does.
      setTimeout(() => {
        Object.assign(intent, { status: 'succeeded', amount_received: amount });
        if (!closed) void send('payment_intent.succeeded', intent);
      }, 20).unref();
    } else {
      void send(declined ? 'payment_intent.payment_failed' : 'payment_intent.succeeded', intent);
    }
    if (fault?.kind === 'drop-after-create') {
      req.socket.destroy();
      return;
    }
    reply(res, status, body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://mock').pathname;
      const form = parseForm(raw);
      mock.requests.push({ method: req.method ?? '', path, headers: req.headers, form });
      const route = async (): Promise<void> => {
        if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) {
          return reply(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_***' } });
        }
        if (req.method === 'POST' && req.headers['content-type'] !== 'application/x-www-form-urlencoded') return violation(res, `content-type ${req.headers['content-type']}`);
        if (req.method === 'POST' && path === '/v1/payment_intents') return createIntent(req, res, form, raw);
        const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
        if (req.method === 'GET' && intent && mock.intents.has(intent[1])) return reply(res, 200, mock.intents.get(intent[1]));
        return reply(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path}).` } });
      };
      route().catch((error: unknown) => reply(res, 500, { error: { type: 'api_error', message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mock.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mock.close = async () => {
    closed = true;
    await mock.whenIdle();
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  };
  return mock;
}

/** What Stripe would refuse, and what this client must always send (confirm, off-session, card only, our metadata). */
function checkIntentParams(form: Record<string, unknown>): string | null {
  if (!/^\d+$/.test(String(form.amount)) || Number(form.amount) < 50) return `amount ${String(form.amount)} is not an integer of at least 50 (cents)`;
  if (form.currency !== 'eur') return `currency ${String(form.currency)}`;
  if (form.confirm !== 'true') return `confirm ${String(form.confirm)}`;
  if (form.off_session !== 'true') return `off_session ${String(form.off_session)}`;
  if (JSON.stringify(form.payment_method_types) !== '["card"]') return `payment_method_types ${JSON.stringify(form.payment_method_types)}`;
  const metadata = form.metadata as Record<string, unknown> | undefined;
  if (typeof metadata?.reference !== 'string' || typeof metadata.contract_id !== 'string') return `metadata ${JSON.stringify(metadata)}`;
  if (typeof form.payment_method !== 'string') return 'payment_method missing';
  return null;
}

/** `a=1&metadata[reference]=x&types[0]=card` → `{ a: '1', metadata: { reference: 'x' }, types: ['card'] }`. */
export function parseForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const [head, ...rest] = key.split('[');
    const path = [head, ...rest.map((part) => part.replace(/\]$/, ''))];
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((segment, index) => {
      const last = index === path.length - 1;
      const container = node as Record<string, unknown>;
      if (last) {
        container[segment] = value;
        return;
      }
      container[segment] ??= /^\d+$/.test(path[index + 1]) ? [] : {};
      node = container[segment] as Record<string, unknown>;
    });
  }
  return root;
}

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
