import { z } from 'zod';

/** `true`/`false`/`1`/`0` with a default, as a boolean. */
const flag = (byDefault: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(byDefault)
    .transform((v) => v === 'true' || v === '1');

/** Logs, metrics and tracing (docs/observability.md); merged into the environment schema of config.ts. */
export const observabilityEnvShape = {
  /** Lowest level written: trace, debug, info, warn, error, fatal or silent. */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** `json` (one object per line, the default) or `pretty` (one readable line, for a terminal). */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /** `GET /metrics` in Prometheus text format (a worker-only process serves it on PORT). */
  METRICS_ENABLED: flag('true'),
  /** The Temporal SDK's own worker metrics (Prometheus) on this `host:port`, e.g. `0.0.0.0:9464`; off when unset. */
  TEMPORAL_METRICS_BIND_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464')
    .optional(),
  /** OpenTelemetry tracing from the API through the workflows to the activities. */
  OTEL_ENABLED: flag('false'),
  /** Where spans go: `otlp` (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT) or `console` (stdout). */
  OTEL_EXPORTER: z.enum(['otlp', 'console']).default('otlp'),
  /** OTLP/HTTP base URL of a collector; traces are posted to `<endpoint>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4318'),
  /** `service.name` of the spans. */
  OTEL_SERVICE_NAME: z.string().min(1).default('vertragswerk'),
};

type ObservabilityEnv = z.infer<z.ZodObject<typeof observabilityEnvShape>>;

/** Logs, metrics and tracing settings. */
export type ObservabilityConfig = Readonly<{
  logging: Readonly<{ level: ObservabilityEnv['LOG_LEVEL']; format: ObservabilityEnv['LOG_FORMAT'] }>;
  metricsEnabled: boolean;
  /** Where the Temporal Runtime serves its Prometheus metrics; null = not at all. */
  temporalMetricsBindAddress: string | null;
  tracing: TracingConfig;
}>;

/** OpenTelemetry tracing (off unless OTEL_ENABLED). */
export type TracingConfig = Readonly<{
  enabled: boolean;
  exporter: ObservabilityEnv['OTEL_EXPORTER'];
  otlpEndpoint: string;
  serviceName: string;
}>;

/** The observability part of {@link AppConfig} from the parsed environment. */
export function observabilityConfigOf(e: ObservabilityEnv): ObservabilityConfig {
  return {
    logging: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    metricsEnabled: e.METRICS_ENABLED,
    temporalMetricsBindAddress: e.TEMPORAL_METRICS_BIND_ADDRESS ?? null,
    tracing: { enabled: e.OTEL_ENABLED, exporter: e.OTEL_EXPORTER, otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ''), serviceName: e.OTEL_SERVICE_NAME },
  };
}
