/**
 * Logs, metrics and tracing of a running platform (API and/or worker in one process): one
 * {@link Metrics} both share, the root logger, the traced Temporal client and the worker's
 * interceptors. startPlatform asks this module and wires what it answers.
 */
import { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import type { WorkerInstrumentation } from '../temporal/worker';
import { activityObserver } from './activity-observer';
import type { ApiObservabilityOptions } from './api-observability';
import { createLogger, routeNestLogsTo } from './logger';
import { Metrics } from './metrics';
import type { MetricsServer } from './metrics-server';
import { serveMetrics } from './metrics-server';
import type { Tracing } from './tracing';

/** What startPlatform's caller may hand over: the process's logger and tracing (main.ts, scripts/start.ts, tests). */
export interface PlatformObservabilityOptions {
  /** `false` and no `log`: no log lines (tests). */
  readonly logger?: boolean;
  /** The process's root logger; absent: the platform creates one from LOG_LEVEL and LOG_FORMAT. */
  readonly log?: Logger;
  /** From {@link startTracing}; absent or null: no spans. */
  readonly tracing?: Tracing | null;
}

export interface PlatformObservability {
  readonly metrics: Metrics;
  /** For createApp. */
  readonly api: ApiObservabilityOptions;
  /** For createContractWorkers. */
  readonly worker: WorkerInstrumentation;
  /** The Temporal client the API uses: `client`, or one on its connection that carries the trace. */
  client(client: Client): Client;
  /** `GET /metrics` on `port` for a worker-only process (null when metrics are off or the API serves them). */
  serveWorkerMetrics(port: number, host: string): Promise<MetricsServer | null>;
}

export function platformObservability(config: AppConfig, options: PlatformObservabilityOptions): PlatformObservability {
  const metrics = new Metrics();
  const tracing = options.tracing ?? null;
  let log = options.log ?? null;
  if (!log && options.logger !== false) {
    log = createLogger(config.observability.logging);
    routeNestLogsTo(log);
  }
  return {
    metrics,
    api: { logger: options.logger, log: log ?? undefined, metrics, tracing },
    worker: {
      activity: [activityObserver(metrics, log), ...(tracing?.worker.activity ?? [])],
      workflowModules: tracing?.worker.workflowModules ?? [],
      sinks: tracing?.worker.sinks,
    },
    client(client) {
      if (!tracing) return client;
      return new Client({ connection: client.connection, namespace: client.options.namespace, dataConverter: client.options.dataConverter, interceptors: { workflow: [...tracing.clientInterceptors] } });
    },
    async serveWorkerMetrics(port, host) {
      if (config.role !== 'worker' || !config.observability.metricsEnabled) return null;
      return serveMetrics(metrics, port, host);
    },
  };
}
