/**
 * The set-up the REST stories in sandbox mode share: one platform per test file (real HTTP,
 * PostgreSQL, Temporal's time-skipping server, SMTP sink), customers with a token, and the
 * sandbox clock (`POST /v1/sandbox/clock/advance`).
 */
import type { TestPlatform } from './platform';
import { apiClient, OPERATOR_TOKEN, startTestPlatform } from './platform';

/** The API client `apiClient` returns. */
export type ApiClient = ReturnType<typeof apiClient>;

/** The postal address of every customer `newCustomer` creates, unless the test gives another. */
export const customerAddress = { line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

/** How long `eventually` polls before it gives up. */
const EVENTUALLY_MS = 30_000;

/** A ladder whose first step is ten years after the due date (dunning out of the way). */
const FAR_LADDER = {
  steps: [
    { step: 'reminder', offsetDays: 3650, channels: ['email'], fee: { amount: 0, currency: 'EUR' } },
    { step: 'handover', offsetDays: 3651, channels: [], fee: { amount: 0, currency: 'EUR' } },
  ],
};

export interface SandboxSuiteOptions {
  /** Keep the default dunning ladder (the dunning and retention stories); otherwise a far one is set. */
  dunning?: boolean;
  /** Customers are named `<customerName> <n>`, n counting from 1 per file (default `Kunde`). */
  customerName?: string;
  /** Customers' e-mails are `<emailPrefix>-<n>@example.org` (default `kunde`). */
  emailPrefix?: string;
  /** Passed to startTestPlatform (e.g. `configure` to change the platform's configuration). */
  platform?: Parameters<typeof startTestPlatform>[1];
}

/** Fields of `POST /v1/customers`; those not given get a unique name and e-mail, `business` and `customerAddress`. */
export type CustomerFields = Partial<{ type: 'business' | 'consumer'; name: string; email: string; locale: 'de' | 'en' }> & Record<string, unknown>;

/** A customer as `newCustomer` created it, with a customer token. */
export interface SandboxCustomer {
  id: string;
  email: string;
  token: string;
}

export interface SandboxSuite {
  /** The running platform (only inside hooks and tests). */
  readonly p: TestPlatform;
  /** An HTTP client for the running platform's API. */
  readonly api: ApiClient;
  /** Creates a customer (as the operator) and a token for it. */
  newCustomer(fields?: CustomerFields): Promise<SandboxCustomer>;
  /** Moves the sandbox clock to the instant `to` and waits until workflows settle; returns the new time. */
  advance(to: string): Promise<string>;
  /** Moves the sandbox clock by an ISO 8601 duration (`P30D`) and waits until workflows settle. */
  advanceBy(duration: string): Promise<string>;
  /** Waits until every workflow has carried out what is due now (the clock stays). */
  settle(): Promise<void>;
  /** Polls `read` until `check` holds (webhooks and signals arrive asynchronously); throws naming `what`. */
  eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T>;
}

/**
 * Registers the `beforeAll`/`afterAll` hooks that start and stop a sandbox platform for the
 * calling test file, and returns the steps its stories share.
 */
export function sandboxSuite(options: SandboxSuiteOptions = {}): SandboxSuite {
  const { customerName = 'Kunde', emailPrefix = 'kunde' } = options;
  let started: { platform: TestPlatform; api: ApiClient } | undefined;

  beforeAll(async () => {
    const platform = await startTestPlatform('sandbox', options.platform);
    started = { platform, api: apiClient(platform.url) };
    if (!options.dunning) {
      // Stories about other things do not pay their invoices: the operators' ladder starts ten
      // years after the due date, so no reminder or letter gets in their way.
      const res = await started.api('PUT', '/v1/dunning/ladder', { token: OPERATOR_TOKEN, body: FAR_LADDER });
      if (res.status !== 200) throw new Error(`could not set the ladder: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });
  afterAll(async () => {
    await started?.platform.stop();
  });

  const running = () => {
    if (!started) throw new Error('the sandbox platform is not running (use it inside hooks and tests)');
    return started;
  };
  // NOTE: `p` and `api` stand in for what beforeAll starts, so a file can destructure them at load
  // time and its tests keep reading `p.mails` and calling `api(...)` as before.
  const p = new Proxy({} as TestPlatform, { get: (_view, key) => Reflect.get(running().platform, key) });
  const api: ApiClient = (...args) => running().api(...args);

  async function advanceClock(body: { to: string } | { by: string }): Promise<string> {
    const res = await api('POST', '/v1/sandbox/clock/advance', { token: OPERATOR_TOKEN, body });
    expect(res.status).toBe(200);
    return res.body.now as string;
  }

  let serial = 0;
  return {
    p,
    api,
    async newCustomer(fields = {}) {
      serial += 1;
      const created = await api('POST', '/v1/customers', {
        token: OPERATOR_TOKEN,
        body: { type: 'business', name: `${customerName} ${serial}`, email: `${emailPrefix}-${serial}@example.org`, address: customerAddress, ...fields },
      });
      expect(created.status).toBe(201);
      const token = await api('POST', `/v1/customers/${created.body.id}/tokens`, { token: OPERATOR_TOKEN });
      expect(token.status).toBe(201);
      return { id: created.body.id as string, email: created.body.email as string, token: token.body.token as string };
    },
    advance: (to) => advanceClock({ to }),
    advanceBy: (duration) => advanceClock({ by: duration }),
    async settle() {
      await advanceClock({ by: 'PT0S' });
    },
    async eventually(read, check, what) {
      // Webhooks come from partners in the background, retried with backoff (the local PSP: 0.5 s,
      // 1 s, 2 s, …): under a loaded CI machine a first attempt can miss, so allow 30 s.
      const deadline = Date.now() + EVENTUALLY_MS;
      let last = await read();
      while (!check(last) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        last = await read();
      }
      if (!check(last)) throw new Error(`${what} did not happen: ${JSON.stringify(last)}`);
      return last;
    },
  };
}
