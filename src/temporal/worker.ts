import path from 'node:path';
import type { ActivityInterceptorsFactory, NativeConnection, WorkerOptions } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { AccountActivities } from '../../activities/account.activity';
import type { AttentionActivities } from '../../activities/attention.activity';
import type { ContractActivities } from '../../activities/contract-activities';

/** Interceptors and sinks of the worker (logs, metrics, tracing: src/observability/platform-observability.ts). */
export interface WorkerInstrumentation {
  readonly activity: readonly ActivityInterceptorsFactory[];
  /** Workflow interceptor modules; a pre-built `workflowBundle` must have been bundled with them. */
  readonly workflowModules: readonly string[];
  readonly sinks?: WorkerOptions['sinks'];
}

/**
 * Creates the worker of the contract task queue. `workflowBundle` (pre-built code) is used by
 * tests to bundle once per run; otherwise the workflows are bundled from `workflows/index`.
 */
export async function createContractWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** Activity slots; the database pool is sized with them (src/config/config.ts, `sizing`). */
  maxConcurrentActivities: number;
  workflowBundle?: { code: string };
  instrumentation?: WorkerInstrumentation;
}): Promise<Worker> {
  const instrumentation = options.instrumentation;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    interceptors: {
      activity: [...(instrumentation?.activity ?? [])],
      ...(options.workflowBundle ? {} : { workflowModules: [...(instrumentation?.workflowModules ?? [])] }),
    },
    ...(instrumentation?.sinks ? { sinks: instrumentation.sinks } : {}),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve(path.join(__dirname, '../../workflows/index')) }),
  });
}
