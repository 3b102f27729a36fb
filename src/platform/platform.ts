import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Clock, SandboxControl } from '../app/clock';
import { systemClock } from '../app/clock';
import { createApp } from '../app/create-app';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import type { ContractWorkers } from '../temporal/worker';
import { createContractWorkers } from '../temporal/worker';
import { createPspRef } from '../payments/psp-ref';
import { createPsp } from '../psp/create-psp';
import type { Metrics } from '../observability/metrics';
import type { PlatformObservabilityOptions } from '../observability/platform-observability';
import { platformObservability } from '../observability/platform-observability';
import { createActivities } from './activities';

/** A running platform: API and/or worker, per `config.role`. */
export interface RunningPlatform {
  readonly app: INestApplication | null;
  /** Base URL of the API, e.g. http://127.0.0.1:3000 */
  readonly url: string | null;
  /** The workers of the task queues this process polls (null for APP_ROLE=api). */
  readonly worker: ContractWorkers | null;
  /** What `GET /metrics` shows (API and worker of this platform count into it). */
  readonly metrics: Metrics;
  stop(): Promise<void>;
}

/**
 * Starts the worker and/or the HTTP API on connections created by the caller (production
 * main, the dev start script, tests).
 */
export async function startPlatform(options: {
  config: AppConfig;
  prisma: PrismaClient;
  client: Client;
  nativeConnection: NativeConnection;
  sandbox?: SandboxControl;
  clock?: Clock;
  workflowBundle?: { code: string };
  host?: string;
} & PlatformObservabilityOptions): Promise<RunningPlatform> {
  const { config, prisma } = options;
  const logger = new Logger('Platform');
  const observed = platformObservability(config, options);
  let worker: ContractWorkers | null = null;
  let workerRun: Promise<void> | null = null;
  let closeActivities: () => void = () => undefined;
  // The API listens first: with PORT=0 its port is known only then, and the local print partner
  // reports to it (unless PRINT_PARTNER_WEBHOOK_URL names another place).
  let app: INestApplication | null = null;
  let url: string | null = null;
  const pspRef = createPspRef();
  if (config.role !== 'worker') {
    app = await createApp({ config, prisma, temporal: observed.client(options.client), sandbox: options.sandbox, clock: options.clock, psp: pspRef }, observed.api);
    await app.listen(config.port, options.host ?? '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
  }
  // One PSP per process, shared by the API (prepayments) and the worker (charges). The local PSP
  // reports to this API's own port unless PSP_WEBHOOK_URL names another place.
  const payments =
    url && !config.payments.webhookUrlConfigured ? { ...config.payments, local: { ...config.payments.local, webhookUrl: `${url}/v1/webhooks/psp` } } : config.payments;
  const created = createPsp(payments, { clock: options.sandbox ?? options.clock ?? systemClock, dataDir: config.payments.local.dataDir });
  pspRef.current = created.psp;
  pspRef.local = created.local;
  logger.log(created.description);
  if (config.role !== 'api') {
    const workerConfig: AppConfig =
      url && !config.printPartner.webhookUrlConfigured
        ? { ...config, printPartner: { ...config.printPartner, local: { ...config.printPartner.local, webhookUrl: `${url}/v1/webhooks/print-partner` } } }
        : config;
    const wired = createActivities(workerConfig, prisma, { clock: options.sandbox ?? options.clock, psp: created.psp, metrics: observed.metrics });
    closeActivities = wired.close;
    if (config.worker.queues.contracts.name !== config.temporal.taskQueue) {
      // Workflows are started on temporal.taskQueue; the worker must poll that very queue.
      throw new Error(`worker queue ${config.worker.queues.contracts.name} differs from TEMPORAL_TASK_QUEUE ${config.temporal.taskQueue}: configure it through loadConfig`);
    }
    worker = await createContractWorkers({
      connection: options.nativeConnection,
      namespace: config.temporal.namespace,
      config: config.worker,
      activities: wired.activities,
      workflowBundle: options.workflowBundle,
      instrumentation: observed.worker,
    });
    logger.log(`worker polls ${config.worker.polls.map((q) => describeQueue(config, q)).join(', ')}`);
    workerRun = worker.run().catch((error: unknown) => {
      logger.error(`worker stopped with an error: ${(error as Error).stack ?? String(error)}`);
      throw error;
    });
  }
  const metricsServer = await observed.serveWorkerMetrics(config.port, options.host ?? '127.0.0.1');
  if (metricsServer) logger.log(`metrics: ${metricsServer.url}`);
  return {
    app,
    url,
    worker,
    metrics: observed.metrics,
    async stop() {
      await metricsServer?.close();
      if (app) await app.close();
      worker?.shutdown();
      if (workerRun) await workerRun.catch(() => undefined);
      closeActivities();
      await created.psp.close?.();
    },
  };
}

/** `contracts-mail (10 slots, 5/s)` for the start-up line. */
function describeQueue(config: AppConfig, concern: AppConfig['worker']['polls'][number]): string {
  const queue = config.worker.queues[concern];
  return `${queue.name} (${queue.maxConcurrentActivities} slots${queue.activitiesPerSecond !== null ? `, ${queue.activitiesPerSecond}/s` : ''})`;
}
