/**
 * OpenTelemetry tracing, off by default (OTEL_ENABLED). When on, one span per HTTP request
 * continues an incoming `traceparent`; the Temporal interceptors carry the trace from the API's
 * client calls into the workflow and from there into each activity (docs/observability.md).
 * The SDK packages are loaded only when tracing is on.
 */
import type { ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';
import type { TracingConfig } from '../config/observability-config';
import type { RoutedRequest } from './request-context';
import { routeOf } from './request-context';

/** What a traced process adds to its API, its Temporal client and its worker. */
export interface Tracing {
  /** Express middleware: a SERVER span per request, named by method and route template. */
  readonly httpMiddleware: (req: RoutedRequest, res: ServerResponse, next: () => void) => void;
  /** Interceptors of the Temporal client the API uses (workflow starts, signals, updates, queries). */
  readonly clientInterceptors: readonly WorkflowClientInterceptor[];
  readonly worker: WorkerTracing;
  /** Flushes the spans and unregisters the global tracer provider. */
  shutdown(): Promise<void>;
}

/** The worker's part: activity spans, the workflow interceptor module and the workflow span sink. */
export interface WorkerTracing {
  readonly activity: readonly ActivityInterceptorsFactory[];
  /** For the workflow bundle (`interceptors.workflowModules`, or `workflowInterceptorModules` when bundling ahead). */
  readonly workflowModules: readonly string[];
  readonly sinks: NonNullable<WorkerOptions['sinks']>;
}

/**
 * Starts the OpenTelemetry SDK when `settings.enabled` (once per process); null otherwise.
 * `exporter` replaces the configured one (tests pass an in-memory exporter).
 */
export async function startTracing(settings: TracingConfig, options: { exporter?: SpanExporter } = {}): Promise<Tracing | null> {
  if (!settings.enabled) return null;
  const [{ NodeSDK, resources }, traceBase, temporalOtel] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@temporalio/interceptors-opentelemetry'),
  ]);
  const exporter = options.exporter ?? (await configuredExporter(settings, traceBase));
  // Console and test exporters see each span at once; a collector gets batches.
  const spanProcessor = settings.exporter === 'console' || options.exporter ? new traceBase.SimpleSpanProcessor(exporter) : new traceBase.BatchSpanProcessor(exporter);
  const resource = new resources.Resource({ 'service.name': settings.serviceName });
  const sdk = new NodeSDK({ resource, spanProcessors: [spanProcessor], instrumentations: [] });
  sdk.start();
  const tracer = trace.getTracer('vertragswerk-http');
  return {
    httpMiddleware(req, res, next) {
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const span = tracer.startSpan(`${req.method ?? 'HTTP'}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '' } }, parent);
      res.once('close', () => {
        const route = routeOf(req);
        span.updateName(`${req.method ?? 'HTTP'} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      context.with(trace.setSpan(parent, span), next);
    },
    clientInterceptors: [new temporalOtel.OpenTelemetryWorkflowClientInterceptor()],
    worker: {
      activity: [(ctx) => ({ inbound: new temporalOtel.OpenTelemetryActivityInboundInterceptor(ctx), outbound: new temporalOtel.OpenTelemetryActivityOutboundInterceptor(ctx) })],
      workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
      // Workflow spans are made in the sandbox and handed to the worker through this sink.
      sinks: { exporter: temporalOtel.makeWorkflowExporter(spanProcessor, resource) },
    },
    async shutdown() {
      await sdk.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

async function configuredExporter(settings: TracingConfig, traceBase: typeof import('@opentelemetry/sdk-trace-base')): Promise<SpanExporter> {
  if (settings.exporter === 'console') return new traceBase.ConsoleSpanExporter();
  // NOTE: the OTLP/HTTP exporter comes with @opentelemetry/sdk-node 0.57.2 (its exact dependency),
  // which re-exports no exporter classes.
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  return new OTLPTraceExporter({ url: `${settings.otlpEndpoint}/v1/traces` });
}
