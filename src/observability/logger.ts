/**
 * The process's root logger (pino): one JSON object per line on stdout, or one readable line per
 * record with LOG_FORMAT=pretty. The API's request loggers, the worker's Temporal logger and Nest's
 * `Logger` all write through it (docs/observability.md lists the fields).
 */
import { Logger as NestLogger } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { Logger as NestPinoLogger, PinoLogger as NestPinoBridge } from 'nestjs-pino';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { ObservabilityConfig } from '../config/observability-config';

export type { Logger as RootLogger } from 'pino';

/** Creates the root logger; `destination` replaces stdout (tests capture lines with it). */
export function createLogger(settings: ObservabilityConfig['logging'], destination?: DestinationStream): Logger {
  const out = destination ?? (settings.format === 'pretty' ? prettyDestination(process.stdout) : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: settings.level,
      // Level names and ISO times read better in a log store than pino's numbers and epoch millis.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      // With OTEL_ENABLED a line written inside a span names its trace (no span: nothing added).
      mixin: traceFields,
    },
    out,
  );
}

function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/** Nest's `LoggerService` on top of `root` (what `app.useLogger` installs inside the API). */
export function nestLoggerOf(root: Logger): LoggerService {
  return new NestPinoLogger(new NestPinoBridge({ pinoHttp: { logger: root } }), {});
}

/**
 * Sends every `new Logger(context)` of the codebase to `root`, also where no Nest application
 * runs (a worker-only process, start-up before the API listens).
 */
export function routeNestLogsTo(root: Logger): void {
  NestLogger.overrideLogger(nestLoggerOf(root));
}

/** Fields shown in front of the message, not repeated after it. */
const HEADLINE_FIELDS = new Set(['time', 'level', 'msg', 'context', 'pid', 'hostname']);

/** `2027-03-01T00:04:12.345Z INFO  [Platform] message {"contractId":"…"}` per record. */
export function prettyDestination(out: { write(text: string): unknown }): DestinationStream {
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !HEADLINE_FIELDS.has(key)));
      const context = typeof record.context === 'string' ? `[${record.context}] ` : '';
      const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
      out.write(`${String(record.time)} ${String(record.level).toUpperCase().padEnd(5)} ${context}${String(record.msg ?? '')}${extra}\n`);
    },
  };
}
