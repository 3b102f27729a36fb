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
  ISSUER_NAME: z.string().default('Vertragswerk GmbH'),
  ISSUER_COUNTRY: z.enum(['DE', 'AT']).default('DE'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Dev start script: paths of the Temporal binaries (else PATH, then .tools/, then download). */
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().optional(),
  /** Dev start script: port of the Temporal dev server's frontend (its Web UI is on port + 1000). */
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
});

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
  issuer: { name: string; country: 'DE' | 'AT' };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  dev: { temporalCliPath: string | undefined; temporalTestServerPath: string | undefined; temporalDevPort: number };
}>;

/** Parses and validates configuration from an environment-like record. Throws on bad values. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    role: e.APP_ROLE,
    databaseUrl: e.DATABASE_URL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    operatorToken: e.OPERATOR_TOKEN,
    sandbox: e.SANDBOX,
    issuer: { name: e.ISSUER_NAME, country: e.ISSUER_COUNTRY },
    logLevel: e.LOG_LEVEL,
    dev: { temporalCliPath: e.TEMPORAL_CLI_PATH, temporalTestServerPath: e.TEMPORAL_TEST_SERVER_PATH, temporalDevPort: e.TEMPORAL_DEV_PORT },
  };
}
