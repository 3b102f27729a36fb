/**
 * Logs, metrics and tracing of the HTTP API, in one place so that create-app.ts only wraps its
 * module and attaches the middleware: request ids, JSON request logs (nestjs-pino) with the
 * contract a route names, the HTTP histogram, `GET /metrics` and, with tracing, a span per request.
 */
import type { DynamicModule, INestApplication, Provider } from '@nestjs/common';
import { Module, RequestMethod } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { Logger as NestPinoLogger, LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { ContractLogContextInterceptor } from './contract-log-context.interceptor';
import { createLogger } from './logger';
import { Metrics, METRICS } from './metrics';
import { MetricsController } from './metrics.controller';
import type { RoutedRequest } from './request-context';
import { contractFieldsOfRequest, requestIdMiddleware, requestIdOf, routeOf } from './request-context';
import type { Tracing } from './tracing';

/** What the caller of createApp may hand over (a platform shares its logger, metrics and tracing with the worker). */
export interface ApiObservabilityOptions {
  /** Nest's switch: `false` and no `log` writes no log line at all (tests). */
  readonly logger?: boolean;
  /** The process's root logger; absent: one from LOG_LEVEL and LOG_FORMAT (unless `logger` is false). */
  readonly log?: Logger;
  /** Absent: metrics of this API alone. */
  readonly metrics?: Metrics;
  readonly tracing?: Tracing | null;
}

/** Request lines for these paths would be mostly scrapes and probes. */
const QUIET_PATHS = /^\/(metrics|health\/)/;

@Module({})
class ObservabilityModule {}

@Module({})
class ObservedApiModule {}

/** Sets up the API's observability; see {@link ApiObservability}. */
export function apiObservability(config: AppConfig, options: ApiObservabilityOptions): ApiObservability {
  const log = options.log ?? (options.logger === false ? null : createLogger(config.observability.logging));
  const metrics = options.metrics ?? new Metrics();
  const tracing = options.tracing ?? null;
  const providers: Provider[] = [{ provide: METRICS, useValue: metrics }];
  if (log) providers.push({ provide: APP_INTERCEPTOR, useClass: ContractLogContextInterceptor });
  const module: DynamicModule = {
    module: ObservabilityModule,
    global: true,
    imports: log ? [LoggerModule.forRoot({ pinoHttp: requestLogging(log), forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }] })] : [],
    providers,
    exports: [METRICS],
    controllers: config.observability.metricsEnabled ? [MetricsController] : [],
  };
  return {
    metrics,
    // Nest's start-up lines wait for the pino logger (app.useLogger below).
    nestOptions: log ? { bufferLogs: true } : { logger: false },
    wrap: (app) => ({ module: ObservedApiModule, imports: [module, app] }),
    attach(app) {
      if (log) app.useLogger(app.get(NestPinoLogger));
      if (tracing) app.use(tracing.httpMiddleware);
      app.use(requestIdMiddleware);
      app.use(httpMetricsMiddleware(metrics));
    },
  };
}

/** The observability of one API (see {@link apiObservability}). */
export interface ApiObservability {
  readonly metrics: Metrics;
  /** Options for NestFactory.create. */
  readonly nestOptions: { bufferLogs: true } | { logger: false };
  /** The application module inside the one that adds logging, metrics and `GET /metrics`. */
  wrap(app: DynamicModule): DynamicModule;
  /** Installs the logger and the middleware; call before the body parsers, so their errors are covered too. */
  attach(app: INestApplication): void;
}

/** pino-http: `requestId` on every line of a request, its contract on the final one, no headers (they carry tokens). */
function requestLogging(log: Logger) {
  return {
    logger: log,
    genReqId: (req: RoutedRequest) => requestIdOf(req),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    // NOTE: not customProps: pino-http 10.5 reads pino 9's internal symbols there, which a pino 10 logger lacks.
    customSuccessObject: (req: RoutedRequest, _res: unknown, fields: object) => ({ ...fields, ...contractFieldsOfRequest(req) }),
    customErrorObject: (req: RoutedRequest, _res: unknown, _error: unknown, fields: object) => ({ ...fields, ...contractFieldsOfRequest(req) }),
    customLogLevel: (_req: unknown, res: ServerResponse, error?: Error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req: RoutedRequest) => QUIET_PATHS.test(req.url ?? '') },
  } as const;
}

/** Observes `http_request_duration_seconds` when the response is done (or the client went away). */
function httpMetricsMiddleware(metrics: Metrics) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const stopTimer = metrics.httpRequestDuration.startTimer();
    res.once('close', () => stopTimer({ method: req.method ?? 'UNKNOWN', route: routeOf(req), status_code: String(res.statusCode) }));
    next();
  };
}
