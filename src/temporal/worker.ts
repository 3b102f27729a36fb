import path from 'node:path';
import type { ActivityInterceptorsFactory, NativeConnection, WorkerOptions } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { WorkerConfig } from '../config/config';
import { heartbeatWhileRunning } from './heartbeat';

/** Interceptors and sinks of the worker (logs, metrics, tracing: src/observability/platform-observability.ts). */
export interface WorkerInstrumentation {
  readonly activity: readonly ActivityInterceptorsFactory[];
  /** Workflow interceptor modules; a pre-built `workflowBundle` must have been bundled with them. */
  readonly workflowModules: readonly string[];
  readonly sinks?: WorkerOptions['sinks'];
}

/** The workers of one process: one per task queue it polls, run and shut down together. */
export interface ContractWorkers {
  /** Worker per queue name, the main (workflow) queue first when polled. */
  readonly workers: readonly Worker[];
  /** Runs every worker until all have stopped; rejects with the first failure (after shutting down the rest). */
  run(): Promise<void>;
  /** Shuts down every worker still running (idempotent). */
  shutdown(): void;
}

/**
 * Creates the workers of the task queues `config.polls` names (src/temporal/activity-queues.ts):
 * the main queue runs the contract workflows and their database activities; mail, documents
 * and partners run on queues of their own with their own slots and rate limits. Every worker
 * registers every activity (routing is the workflow's `taskQueue` per activity), so a queue
 * split never strands a task of a workflow started before it. `workflowBundle` (pre-built code)
 * is used by tests to bundle once per run; otherwise the workflows are bundled from `workflows/index`.
 */
export async function createContractWorkers(options: {
  connection: NativeConnection;
  namespace: string;
  config: WorkerConfig;
  activities: object;
  workflowBundle?: { code: string };
  instrumentation?: WorkerInstrumentation;
}): Promise<ContractWorkers> {
  const { config, instrumentation } = options;
  const workers: Worker[] = [];
  try {
    for (const concern of config.polls) {
      const queue = config.queues[concern];
      const runsWorkflows = concern === 'contracts';
      workers.push(
        await Worker.create({
          connection: options.connection,
          namespace: options.namespace,
          taskQueue: queue.name,
          activities: options.activities,
          maxConcurrentActivityTaskExecutions: queue.maxConcurrentActivities,
          ...(queue.activitiesPerSecond !== null ? { maxTaskQueueActivitiesPerSecond: queue.activitiesPerSecond } : {}),
          interceptors: {
            // Heartbeats first: a dead worker's activity is retried after its heartbeat timeout (src/temporal/heartbeat.ts).
            activity: [heartbeatWhileRunning, ...(instrumentation?.activity ?? [])],
            ...(runsWorkflows && !options.workflowBundle ? { workflowModules: [...(instrumentation?.workflowModules ?? [])] } : {}),
          },
          ...(runsWorkflows ? workflowOptions(config, options.workflowBundle, instrumentation) : {}),
        }),
      );
    }
  } catch (error) {
    // Workers created before the failure hold polls on the connection: shut them down.
    await Promise.all(workers.map((w) => (w.shutdown(), w.run().catch(() => undefined))));
    throw error;
  }
  const shutdown = () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    workers,
    shutdown,
    async run() {
      const runs = workers.map((w) =>
        w.run().catch((error: unknown) => {
          // One queue's worker failed: the process must not go on half-polling.
          shutdown();
          throw error;
        }),
      );
      const results = await Promise.allSettled(runs);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/** What only the worker of the main queue has: the workflows, their sinks and the sticky cache. */
function workflowOptions(config: WorkerConfig, bundle: { code: string } | undefined, instrumentation: WorkerInstrumentation | undefined): Partial<WorkerOptions> {
  return {
    ...(instrumentation?.sinks ? { sinks: instrumentation.sinks } : {}),
    ...(config.maxCachedWorkflows !== null ? { maxCachedWorkflows: config.maxCachedWorkflows } : {}),
    ...(config.maxConcurrentWorkflowTasks !== null ? { maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTasks } : {}),
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath: require.resolve(path.join(__dirname, '../../workflows/index')) }),
  };
}
