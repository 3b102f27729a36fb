/**
 * The worker side of logging: the Temporal Runtime's logger (SDK messages, `log` in workflows,
 * `Context.log` in activities, and Core's own messages) writes JSON through the root logger with
 * `contractId` and `workflowId`; optionally the SDK's Prometheus metrics on their own port.
 */
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { ObservabilityConfig } from '../config/observability-config';
import { workflowLogFields } from './log-fields';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<LogLevel, string>;
const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
/** Core's message for a worker with no workflows registered (our activity-only queues). */
const ACTIVITY_ONLY_WORKER = 'No workflows registered, not polling for workflow tasks';

/** Temporal's `Logger` on top of pino; records below `minLevel` are dropped before pino's own level. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(
    private readonly root: Logger,
    private readonly minLevel: LogLevel = 'TRACE',
  ) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    // The mail, documents and partners queues run activities only, by design (docs/deployment.md):
    // Core's warning about it is information, not a problem for an operator to look into.
    if (level === 'WARN' && message === ACTIVITY_ONLY_WORKER) level = 'INFO';
    if (RANK[level] < RANK[this.minLevel]) return;
    // Symbol keys (the SDK's timestamps of forwarded Core records) are not log fields.
    const fields: Record<string, unknown> = { ...workflowLogFields(typeof meta.workflowId === 'string' ? meta.workflowId : undefined) };
    for (const [key, value] of Object.entries(meta)) fields[key] = value instanceof Error ? pino.stdSerializers.err(value) : value;
    this.root[PINO_LEVEL[level]](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * Installs the process's Temporal Runtime (once per process, before the first connection):
 * logs through `root`, Core's messages forwarded to it, and the SDK's worker metrics on
 * TEMPORAL_METRICS_BIND_ADDRESS when set.
 */
export function installTemporalRuntime(
  settings: ObservabilityConfig,
  root: Logger,
  options: { shutdownSignals?: NodeJS.Signals[]; minLevel?: LogLevel } = {},
): void {
  Runtime.install({
    logger: new PinoTemporalLogger(root.child({ context: 'Temporal' }), options.minLevel),
    ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(settings.temporalMetricsBindAddress ? { metrics: { prometheus: { bindAddress: settings.temporalMetricsBindAddress } } } : {}),
    },
  });
}
