/**
 * The worker process of P3 (forked by bench/memory.ts with --expose-gc): either the platform's
 * contract worker (APP_ROLE=worker, configuration from the environment as in production) or a
 * worker of the trivial open workflow on its own task queue. Both run a workflow bundle built by
 * the parent (BENCH_BUNDLE_FILE), so neither bundles in this process.
 *
 * IPC: sends { ready: true } once polling; answers 'status' with { cached } and 'measure' with
 * { rss, heapUsed, cached } after a full GC of the main thread; 'stop' shuts the worker down and exits.
 */
import fs from 'node:fs';
import { Logger } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config/config';
import { createPrismaClient } from '../src/database/prisma-client';
import { startPlatform } from '../src/platform/platform';
import type { BaselineActivities } from './baseline.workflow';
import { environment, sleep } from './helpers';

export type MemoryWorkerMode = 'contracts' | 'baseline';

export interface MemoryReport {
  rss: number;
  heapUsed: number;
  cached: number;
}

async function main(mode: MemoryWorkerMode): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  Logger.overrideLogger(['warn', 'error']);
  const workflowBundle = { code: fs.readFileSync(environment.BENCH_BUNDLE_FILE as string, 'utf8') };
  const config = loadConfig(environment);
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  let worker: Worker;
  let stop: () => Promise<void>;
  if (mode === 'contracts') {
    const connection = await Connection.connect({ address: config.temporal.address });
    const prisma = createPrismaClient(config.databaseUrl as string, { maxConnections: config.sizing.databasePoolSize });
    const platform = await startPlatform({ config, prisma, client: new Client({ connection, namespace: config.temporal.namespace }), nativeConnection, workflowBundle, logger: false });
    worker = platform.worker?.workers[0] as Worker;
    stop = async () => {
      await platform.stop();
      await prisma.$disconnect();
    };
  } else {
    const noop: BaselineActivities = { async baselineNoop() {} };
    worker = await Worker.create({
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue: environment.BENCH_BASELINE_QUEUE as string,
      activities: noop,
      workflowBundle,
      ...(config.worker.maxCachedWorkflows !== null ? { maxCachedWorkflows: config.worker.maxCachedWorkflows } : {}),
    });
    const running = worker.run();
    stop = async () => {
      worker.shutdown();
      await running;
    };
  }
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  process.on('message', (message: string) => {
    void (async () => {
      if (message === 'status') {
        process.send?.({ cached: worker.getStatus().numCachedWorkflows });
      } else if (message === 'measure') {
        gc();
        await sleep(1000);
        gc();
        const memory = process.memoryUsage();
        process.send?.({ rss: memory.rss, heapUsed: memory.heapUsed, cached: worker.getStatus().numCachedWorkflows } satisfies MemoryReport);
      } else if (message === 'stop') {
        await stop().catch(() => undefined);
        await nativeConnection.close().catch(() => undefined);
        process.exit(0);
      }
    })();
  });
  process.send?.({ ready: true });
}

main(process.argv[2] as MemoryWorkerMode).catch((error: unknown) => {
  console.error((error as Error).stack ?? error);
  process.exit(1);
});
