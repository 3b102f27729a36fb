import { z } from 'zod';
import { normalizeIban } from '../domain/iban';
import type { Issuer } from '../domain/invoice';
import type { ActivityConcern, ActivityQueues } from '../temporal/activity-queues';
import { ACTIVITY_CONCERNS, defaultActivityQueue } from '../temporal/activity-queues';
import type { ObservabilityConfig } from './observability-config';
import { observabilityConfigOf, observabilityEnvShape } from './observability-config';

/** Default webhook secret of the print partner for development and the sandbox; set PRINT_PARTNER_WEBHOOK_SECRET elsewhere. */
export const DEV_PRINT_PARTNER_WEBHOOK_SECRET = 'dev-print-partner-webhook-secret';
/** Default webhook secret of the PSP for development and the sandbox; set PSP_WEBHOOK_SECRET elsewhere. */
export const DEV_PSP_WEBHOOK_SECRET = 'dev-psp-webhook-secret';

/**
 * Typed, validated configuration. This is the only place that reads `process.env`;
 * everything else receives an `AppConfig`.
 */
const envSchema = z.object({
  /** LOG_LEVEL, LOG_FORMAT, METRICS_ENABLED, TEMPORAL_METRICS_BIND_ADDRESS, OTEL_* (observability-config.ts). */
  ...observabilityEnvShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** `api`, `worker` or `all` (API and worker in one process, the dev default). */
  APP_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  DATABASE_URL: z.string().min(1).optional(),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('contracts'),
  /** SMTP server for outgoing mail, e.g. smtp://127.0.0.1:1025. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().default('Vertragswerk <billing@vertragswerk.example>'),
  /** Bearer token of the operator role. */
  OPERATOR_TOKEN: z.string().min(16).default('dev-operator-token-change-me'),
  /** Enables the /v1/sandbox endpoints (only together with the time-skipping server). */
  SANDBOX: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Dev start script: port of the Temporal dev server's frontend (its Web UI is on port + 1000). */
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  /** Activities of the main queue (database steps) one worker runs at once; each may hold a database connection. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(20),
  /** Task queues of the activities with limits of their own (src/temporal/activity-queues.ts); default `<TEMPORAL_TASK_QUEUE>-<concern>`. */
  TEMPORAL_MAIL_TASK_QUEUE: z.string().min(1).optional(),
  TEMPORAL_DOCUMENTS_TASK_QUEUE: z.string().min(1).optional(),
  TEMPORAL_PARTNERS_TASK_QUEUE: z.string().min(1).optional(),
  /** Activity slots per worker on the mail, documents and partners queues. */
  WORKER_MAX_CONCURRENT_MAIL_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(10),
  WORKER_MAX_CONCURRENT_DOCUMENT_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(4),
  WORKER_MAX_CONCURRENT_PARTNER_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(10),
  /** Activities per second on that queue across all workers (enforced by the Temporal server); unset = no limit. */
  MAIL_ACTIVITIES_PER_SECOND: z.coerce.number().positive().max(100_000).optional(),
  DOCUMENTS_ACTIVITIES_PER_SECOND: z.coerce.number().positive().max(100_000).optional(),
  PARTNERS_ACTIVITIES_PER_SECOND: z.coerce.number().positive().max(100_000).optional(),
  /** Which queues this worker polls, comma-separated from `contracts,mail,documents,partners` (default: all). */
  WORKER_QUEUES: z
    .string()
    .default('contracts,mail,documents,partners')
    .transform((v) => v.split(',').map((q) => q.trim()).filter((q) => q.length > 0))
    .pipe(z.array(z.enum(['contracts', 'mail', 'documents', 'partners'])).min(1).refine((qs) => new Set(qs).size === qs.length, 'must not repeat a queue')),
  /** Workflows kept in the worker's sticky cache (docs/performance.md P3 for the memory each costs); unset = the SDK's default. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** Workflow tasks one worker runs at once; unset = the SDK's default. */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(1000).optional(),
  /**
   * Database connections per process. Default: the worker's activity slots plus 10 for the API,
   * so the pool is never the bottleneck of the activity slots; a smaller value is rejected.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).optional(),
  /** The issuer printed on every invoice (DOMAIN.md, "Parties and time"); the defaults are a demo company. */
  ISSUER_NAME: z.string().min(1).default('Vertragswerk GmbH'),
  ISSUER_ADDRESS_LINE1: z.string().min(1).default('Musterstraße 1'),
  ISSUER_POSTAL_CODE: z.string().min(1).default('10115'),
  ISSUER_CITY: z.string().min(1).default('Berlin'),
  ISSUER_COUNTRY: z.enum(['DE', 'AT']).default('DE'),
  ISSUER_VAT_ID: z.string().regex(/^(DE\d{9}|ATU\d{8})$/, 'must be a DE or AT VAT ID').default('DE123456789'),
  ISSUER_IBAN: z.string().refine((v) => normalizeIban(v) !== null, 'must be a valid IBAN').default('DE89370400440532013000'),
  ISSUER_BIC: z.string().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'must be a BIC').default('COBADEFFXXX'),
  ISSUER_BANK_NAME: z.string().min(1).default('Commerzbank'),
  /** SEPA creditor identifier (Gläubiger-ID); the default is the Bundesbank's published test id. */
  ISSUER_CREDITOR_ID: z.string().min(8).default('DE98ZZZ09999999999'),
  ISSUER_EMAIL: z.string().email().default('rechnung@vertragswerk.example'),
  ISSUER_PHONE: z.string().min(1).default('+49 30 1234567'),
  ISSUER_WEBSITE: z.string().min(1).default('vertragswerk.example'),
  ISSUER_REGISTER: z.string().min(1).default('Amtsgericht Berlin-Charlottenburg HRB 000000'),
  ISSUER_MANAGING_DIRECTORS: z.string().min(1).default('Erika Mustermann'),
  /** The 1st-of-month runs are spread over this many minutes after 00:00 local (docs/billing.md). */
  BILLING_SPREAD_MINUTES: z.coerce.number().int().min(0).max(24 * 60 - 1).default(240),
  /** How long an Idempotency-Key (and its stored response) is kept, in hours. */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().min(1).max(24 * 30).default(24),
  /** Who prints and posts letters: `local` (drop folder, reports through the signed webhook; the default) or `pingen`. */
  PRINT_PARTNER: z.enum(['local', 'pingen']).default('local'),
  /** Local print partner: letters are written to `<dir>/<partnerLetterId>/letter.pdf` and `manifest.json`. */
  PRINT_PARTNER_DROP_DIR: z.string().min(1).default('var/print-partner'),
  /** Local print partner: where it reports `printed` / `posted`. Default: this platform's API, `http://127.0.0.1:<PORT>/v1/webhooks/print-partner`. */
  PRINT_PARTNER_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** HMAC-SHA256 secret of `POST /v1/webhooks/print-partner` (`X-Signature`). Dev and sandbox default: {@link DEV_PRINT_PARTNER_WEBHOOK_SECRET}. */
  PRINT_PARTNER_WEBHOOK_SECRET: z.string().min(16).default(DEV_PRINT_PARTNER_WEBHOOK_SECRET),
  /** Pingen (PRINT_PARTNER=pingen): base URL of the letter API; no default, every Pingen key below is then required. */
  PINGEN_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Pingen: base URL of the identity service that issues access tokens (`POST /auth/access-tokens`). */
  PINGEN_IDENTITY_URL: z.url({ protocol: /^https?$/ }).optional(),
  PINGEN_CLIENT_ID: z.string().min(1).optional(),
  PINGEN_CLIENT_SECRET: z.string().min(1).optional(),
  PINGEN_ORGANISATION_ID: z.string().min(1).optional(),
  /** `signing_key` of the webhooks registered at Pingen (`POST /v1/webhooks/pingen`, header `Signature`); chosen by the operator, at least 16 characters. */
  PINGEN_WEBHOOK_SIGNING_KEY: z.string().min(16).optional(),
  /** Pingen delivery product (e.g. `fast`, `cheap`, `registered`; which ones exist depends on the country). */
  PINGEN_DELIVERY_PRODUCT: z.string().min(1).default('fast'),
  PINGEN_PRINT_MODE: z.enum(['simplex', 'duplex']).default('simplex'),
  PINGEN_PRINT_SPECTRUM: z.enum(['grayscale', 'color']).default('grayscale'),
  /** Who charges cards: `local` (tokens tok_ok / tok_declined, reports through the signed webhook; the default) or `stripe`. */
  PSP: z.enum(['local', 'stripe']).default('local'),
  /** HMAC-SHA256 secret of `POST /v1/webhooks/psp` (`X-Signature`). Dev and sandbox default: {@link DEV_PSP_WEBHOOK_SECRET}. */
  PSP_WEBHOOK_SECRET: z.string().min(16).default(DEV_PSP_WEBHOOK_SECRET),
  /** Local PSP: where it reports charges. Default: this platform's API, `http://127.0.0.1:<PORT>/v1/webhooks/psp`. */
  PSP_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Local PSP: where it keeps its charge log (idempotency across restarts). */
  PSP_LOCAL_DATA_DIR: z.string().min(1).default('var/psp'),
  /** Stripe-protocol PSP (PSP=stripe): API base URL, secret key and the endpoint secret of `POST /v1/webhooks/stripe`. */
  STRIPE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Fee the bank charges for a returned direct debit (Rücklastschrift), booked on the debtor account, in cents. */
  SEPA_RETURN_FEE_CENTS: z.coerce.number().int().min(0).max(100_00).default(300),
  /** A SEPA mandate unused for this many months expires (SEPA rulebook: 36). */
  SEPA_MANDATE_EXPIRY_MONTHS: z.coerce.number().int().min(1).max(120).default(36),
  /** Prepaid: a suspended contract ends after this many days without payment. */
  PREPAID_SUSPENSION_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  /** Who takes handed-over claims: `local` (drop folder, the default) or `http` (our documented handover API, docs/collection-agency.md). */
  COLLECTION_AGENCY: z.enum(['local', 'http']).default('local'),
  COLLECTION_AGENCY_DROP_DIR: z.string().min(1).default('var/collection-agency'),
  COLLECTION_AGENCY_URL: z.url({ protocol: /^https?$/ }).optional(),
  COLLECTION_AGENCY_TOKEN: z.string().min(1).optional(),
  /** Credit-bureau reports (§ 31 BDSG): `local` (drop folder, the default) or `none` (every report withheld as not announced). */
  CREDIT_BUREAU: z.enum(['local', 'none']).default('local'),
  CREDIT_BUREAU_DROP_DIR: z.string().min(1).default('var/credit-bureau'),
  /** Requests per minute per bearer token (by its hash); 0 turns the per-token limit off (docs/security.md). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** Requests per minute per client IP (signed webhooks exempt); 0 turns the per-IP limit off. */
  RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  /** Browser origins allowed by CORS, comma-separated (`https://portal.example.org`); default none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o !== ''))
    .refine((origins) => origins.every(isOrigin), 'must be comma-separated origins such as https://portal.example.org (scheme, host, optional port; no path)'),
  /** Strict-Transport-Security max-age in seconds; 0 (the default) sends no HSTS header (set it where TLS terminates for this host). */
  HSTS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(2 * 365 * 86_400).default(0),
});

/** `scheme://host[:port]` exactly as a browser sends it in `Origin`. */
function isOrigin(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol) && new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** Keys that must be set when PSP=stripe. */
const STRIPE_REQUIRED_KEYS = ['STRIPE_API_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const;

/** Keys that must be set when PRINT_PARTNER=pingen. */
const PINGEN_REQUIRED_KEYS = ['PINGEN_API_URL', 'PINGEN_IDENTITY_URL', 'PINGEN_CLIENT_ID', 'PINGEN_CLIENT_SECRET', 'PINGEN_ORGANISATION_ID', 'PINGEN_WEBHOOK_SIGNING_KEY'] as const;

/** Connections the API needs besides the worker's activities (requests, idempotency records, health). */
const API_CONNECTIONS = 10;

/** Environment variables the configuration knows (docker-compose and docs are checked against it). */
export const CONFIG_KEYS = Object.keys(envSchema.shape) as readonly string[];

export type AppConfig = Readonly<{
  port: number;
  role: 'api' | 'worker' | 'all';
  databaseUrl: string | undefined;
  temporal: { address: string; namespace: string; taskQueue: string };
  mail: { smtpUrl: string | undefined; from: string };
  operatorToken: string;
  sandbox: boolean;
  dev: { temporalDevPort: number };
  /** Worker activity slots and the database pool, sized together. */
  sizing: { maxConcurrentActivities: number; databasePoolSize: number };
  /** The worker's task queues: which it polls, their names, slots and rate limits. */
  worker: WorkerConfig;
  idempotencyTtlHours: number;
  observability: ObservabilityConfig;
  printPartner: PrintPartnerConfig;
  issuer: Issuer;
  billing: { spreadMinutes: number };
  payments: PaymentsConfig;
  dunning: DunningConfig;
  security: SecurityConfig;
}>;

/** One task queue a worker polls. */
export type WorkerQueueConfig = Readonly<{ name: string; maxConcurrentActivities: number; activitiesPerSecond: number | null }>;

/** The worker side of the task queues (src/temporal/activity-queues.ts). */
export type WorkerConfig = Readonly<{
  /** Activity queue per concern, passed to every new contract workflow. */
  activityQueues: ActivityQueues;
  /** The queues this worker polls (WORKER_QUEUES); `contracts` runs the workflows too. */
  polls: readonly ('contracts' | ActivityConcern)[];
  queues: Readonly<Record<'contracts' | ActivityConcern, WorkerQueueConfig>>;
  maxCachedWorkflows: number | null;
  maxConcurrentWorkflowTasks: number | null;
}>;

/** Rate limits, CORS and HSTS of the HTTP API (docs/security.md). */
export type SecurityConfig = Readonly<{
  /** Requests per minute; 0 = that limit is off. */
  rateLimit: Readonly<{ perTokenPerMinute: number; perIpPerMinute: number }>;
  corsOrigins: readonly string[];
  /** 0 = no Strict-Transport-Security header. */
  hstsMaxAgeSeconds: number;
}>;

/** Where handed-over claims and credit-bureau reports go. */
export type DunningConfig = Readonly<{
  agency: Readonly<{ kind: 'local'; dropDir: string }> | Readonly<{ kind: 'http'; url: string; token: string }>;
  bureau: Readonly<{ kind: 'local'; dropDir: string }> | null;
}>;

/** Card payments, SEPA and prepaid settings. */
export type PaymentsConfig = Readonly<{
  psp: 'local' | 'stripe';
  webhookSecret: string;
  local: Readonly<{ webhookUrl: string; dataDir: string }>;
  /** PSP_WEBHOOK_URL was set; otherwise the platform points the local PSP at its own API. */
  webhookUrlConfigured: boolean;
  /** Set when `psp` is `stripe`. */
  stripe: Readonly<{ apiUrl: string; secretKey: string; webhookSecret: string }> | null;
  sepaReturnFeeCents: number;
  sepaMandateExpiryMonths: number;
  prepaidSuspensionDays: number;
}>;

/** Pingen's letter API (PRINT_PARTNER=pingen). */
export type PingenConfig = Readonly<{
  apiUrl: string;
  identityUrl: string;
  clientId: string;
  clientSecret: string;
  organisationId: string;
  deliveryProduct: string;
  printMode: 'simplex' | 'duplex';
  printSpectrum: 'grayscale' | 'color';
  /** Key of Pingen's webhook signatures (PINGEN_WEBHOOK_SIGNING_KEY). */
  webhookSigningKey: string;
}>;

/** Letters: which partner prints them, and the secret of its status webhook. */
export type PrintPartnerConfig = Readonly<{
  partner: 'local' | 'pingen';
  webhookSecret: string;
  local: Readonly<{ dropDir: string; webhookUrl: string }>;
  /** PRINT_PARTNER_WEBHOOK_URL was set; otherwise the platform points the local partner at its own API. */
  webhookUrlConfigured: boolean;
  /** Set when `partner` is `pingen`. */
  pingen: PingenConfig | null;
}>;

/** Parses and validates configuration from an environment-like record. Throws on bad values. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const worker = workerConfigOf(e);
  // Every activity may hold a connection: the pool covers the slots of every queue this worker polls.
  const activitySlots = e.APP_ROLE === 'api' ? 0 : worker.polls.reduce((sum, q) => sum + worker.queues[q].maxConcurrentActivities, 0);
  const neededConnections = activitySlots + (e.APP_ROLE === 'worker' ? 0 : API_CONNECTIONS);
  if (e.DATABASE_POOL_SIZE !== undefined && e.DATABASE_POOL_SIZE < activitySlots) {
    throw new Error(
      `Invalid configuration: DATABASE_POOL_SIZE (${e.DATABASE_POOL_SIZE}) is below the activity slots of the queues this worker polls (${activitySlots}: ${worker.polls.map((q) => `${q} ${worker.queues[q].maxConcurrentActivities}`).join(', ')}): activities would wait for connections.`,
    );
  }
  const missingPingenKeys = e.PRINT_PARTNER === 'pingen' ? PINGEN_REQUIRED_KEYS.filter((key) => e[key] === undefined) : [];
  if (missingPingenKeys.length > 0) {
    throw new Error(`Invalid configuration: PRINT_PARTNER=pingen needs ${missingPingenKeys.join(', ')}.`);
  }
  if (e.COLLECTION_AGENCY === 'http' && (!e.COLLECTION_AGENCY_URL || !e.COLLECTION_AGENCY_TOKEN)) {
    throw new Error('Invalid configuration: COLLECTION_AGENCY=http needs COLLECTION_AGENCY_URL and COLLECTION_AGENCY_TOKEN.');
  }
  const missingStripeKeys = e.PSP === 'stripe' ? STRIPE_REQUIRED_KEYS.filter((key) => e[key] === undefined) : [];
  if (missingStripeKeys.length > 0) {
    throw new Error(`Invalid configuration: PSP=stripe needs ${missingStripeKeys.join(', ')}.`);
  }
  return {
    port: e.PORT,
    role: e.APP_ROLE,
    databaseUrl: e.DATABASE_URL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    operatorToken: e.OPERATOR_TOKEN,
    sandbox: e.SANDBOX,
    dev: { temporalDevPort: e.TEMPORAL_DEV_PORT },
    sizing: { maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES, databasePoolSize: e.DATABASE_POOL_SIZE ?? neededConnections },
    worker,
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    observability: observabilityConfigOf(e),
    issuer: {
      name: e.ISSUER_NAME,
      addressLine1: e.ISSUER_ADDRESS_LINE1,
      addressLine2: null,
      postalCode: e.ISSUER_POSTAL_CODE,
      city: e.ISSUER_CITY,
      country: e.ISSUER_COUNTRY,
      vatId: e.ISSUER_VAT_ID,
      email: e.ISSUER_EMAIL,
      iban: normalizeIban(e.ISSUER_IBAN) as string,
      bic: e.ISSUER_BIC,
      bankName: e.ISSUER_BANK_NAME,
      creditorId: e.ISSUER_CREDITOR_ID,
      register: e.ISSUER_REGISTER,
      managingDirectors: e.ISSUER_MANAGING_DIRECTORS,
      phone: e.ISSUER_PHONE,
      website: e.ISSUER_WEBSITE,
    },
    billing: { spreadMinutes: e.BILLING_SPREAD_MINUTES },
    security: {
      rateLimit: { perTokenPerMinute: e.RATE_LIMIT_PER_MINUTE, perIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE },
      corsOrigins: e.CORS_ORIGINS,
      hstsMaxAgeSeconds: e.HSTS_MAX_AGE_SECONDS,
    },
    dunning: {
      agency:
        e.COLLECTION_AGENCY === 'http'
          ? { kind: 'http', url: e.COLLECTION_AGENCY_URL as string, token: e.COLLECTION_AGENCY_TOKEN as string }
          : { kind: 'local', dropDir: e.COLLECTION_AGENCY_DROP_DIR },
      bureau: e.CREDIT_BUREAU === 'local' ? { kind: 'local', dropDir: e.CREDIT_BUREAU_DROP_DIR } : null,
    },
    payments: {
      psp: e.PSP,
      webhookSecret: e.PSP_WEBHOOK_SECRET,
      local: { webhookUrl: e.PSP_WEBHOOK_URL ?? `http://127.0.0.1:${e.PORT}/v1/webhooks/psp`, dataDir: e.PSP_LOCAL_DATA_DIR },
      webhookUrlConfigured: e.PSP_WEBHOOK_URL !== undefined,
      stripe:
        e.PSP === 'stripe'
          ? { apiUrl: e.STRIPE_API_URL as string, secretKey: e.STRIPE_SECRET_KEY as string, webhookSecret: e.STRIPE_WEBHOOK_SECRET as string }
          : null,
      sepaReturnFeeCents: e.SEPA_RETURN_FEE_CENTS,
      sepaMandateExpiryMonths: e.SEPA_MANDATE_EXPIRY_MONTHS,
      prepaidSuspensionDays: e.PREPAID_SUSPENSION_DAYS,
    },
    printPartner: {
      partner: e.PRINT_PARTNER,
      webhookSecret: e.PRINT_PARTNER_WEBHOOK_SECRET,
      local: { dropDir: e.PRINT_PARTNER_DROP_DIR, webhookUrl: e.PRINT_PARTNER_WEBHOOK_URL ?? `http://127.0.0.1:${e.PORT}/v1/webhooks/print-partner` },
      webhookUrlConfigured: e.PRINT_PARTNER_WEBHOOK_URL !== undefined,
      pingen:
        e.PRINT_PARTNER === 'pingen'
          ? {
              apiUrl: e.PINGEN_API_URL as string,
              identityUrl: e.PINGEN_IDENTITY_URL as string,
              clientId: e.PINGEN_CLIENT_ID as string,
              clientSecret: e.PINGEN_CLIENT_SECRET as string,
              organisationId: e.PINGEN_ORGANISATION_ID as string,
              deliveryProduct: e.PINGEN_DELIVERY_PRODUCT,
              printMode: e.PINGEN_PRINT_MODE,
              printSpectrum: e.PINGEN_PRINT_SPECTRUM,
              webhookSigningKey: e.PINGEN_WEBHOOK_SIGNING_KEY as string,
            }
          : null,
    },
  };
}

/** Queue names, slots and rate limits of the worker from the parsed environment. */
function workerConfigOf(e: z.infer<typeof envSchema>): WorkerConfig {
  const main = e.TEMPORAL_TASK_QUEUE;
  const activityQueues: ActivityQueues = {
    mail: e.TEMPORAL_MAIL_TASK_QUEUE ?? defaultActivityQueue(main, 'mail'),
    documents: e.TEMPORAL_DOCUMENTS_TASK_QUEUE ?? defaultActivityQueue(main, 'documents'),
    partners: e.TEMPORAL_PARTNERS_TASK_QUEUE ?? defaultActivityQueue(main, 'partners'),
  };
  const names = [main, ...ACTIVITY_CONCERNS.map((c) => activityQueues[c])];
  if (new Set(names).size !== names.length) {
    throw new Error(`Invalid configuration: the task queues must differ (${names.join(', ')}): each has its own slots and rate limit.`);
  }
  return {
    activityQueues,
    polls: e.WORKER_QUEUES,
    queues: {
      contracts: { name: main, maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES, activitiesPerSecond: null },
      mail: { name: activityQueues.mail, maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_MAIL_ACTIVITIES, activitiesPerSecond: e.MAIL_ACTIVITIES_PER_SECOND ?? null },
      documents: { name: activityQueues.documents, maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_DOCUMENT_ACTIVITIES, activitiesPerSecond: e.DOCUMENTS_ACTIVITIES_PER_SECOND ?? null },
      partners: { name: activityQueues.partners, maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_PARTNER_ACTIVITIES, activitiesPerSecond: e.PARTNERS_ACTIVITIES_PER_SECOND ?? null },
    },
    maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS ?? null,
    maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS ?? null,
  };
}
