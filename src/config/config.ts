import { z } from 'zod';

/**
 * Typed, validated configuration. This is the only place that reads `process.env`;
 * everything else receives an `AppConfig`.
 */
const envSchema = z.object({
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
  /** Activities one worker runs at once; most hold a database connection while they run. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * Database connections per process. Default: the worker's activity slots plus 10 for the API,
   * so the pool is never the bottleneck of the activity slots; a smaller value is rejected.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).optional(),
  /** How long an Idempotency-Key (and its stored response) is kept, in hours. */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().min(1).max(24 * 30).default(24),
});

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
  idempotencyTtlHours: number;
}>;

/** Parses and validates configuration from an environment-like record. Throws on bad values. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const activitySlots = e.APP_ROLE === 'api' ? 0 : e.WORKER_MAX_CONCURRENT_ACTIVITIES;
  const neededConnections = activitySlots + (e.APP_ROLE === 'worker' ? 0 : API_CONNECTIONS);
  if (e.DATABASE_POOL_SIZE !== undefined && e.DATABASE_POOL_SIZE < activitySlots) {
    throw new Error(
      `Invalid configuration: DATABASE_POOL_SIZE (${e.DATABASE_POOL_SIZE}) is below WORKER_MAX_CONCURRENT_ACTIVITIES (${activitySlots}): activities would wait for connections.`,
    );
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
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
  };
}
