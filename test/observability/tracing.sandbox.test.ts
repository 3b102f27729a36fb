/**
 * A whole platform in sandbox mode with OTEL_ENABLED (an in-memory exporter) and a captured
 * logger: a contract created through REST is one trace from the HTTP request through the
 * workflow start into the workflow's activities; its log lines name the contract and the trace;
 * `GET /metrics` counts the invoice issued, mailed and posted. The workflow bundle with the
 * OpenTelemetry interceptor module replays the recorded histories (turning tracing on does not
 * break running contracts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config/config';
import type { Tracing } from '../../src/observability/tracing';
import { startTracing } from '../../src/observability/tracing';
import { historyFromObject } from '../helpers/histories';
import type { TestPlatform } from '../helpers/platform';
import { apiClient, OPERATOR_TOKEN, startTestPlatform } from '../helpers/platform';
import { customerAddress } from '../helpers/sandbox-suite';
import { capturingLogger, sample } from './capture';

const { log, lines } = capturingLogger();
const spans = new InMemorySpanExporter();
let tracing: Tracing;
let bundle: { code: string };
let platform: TestPlatform;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  tracing = (await startTracing(loadConfig({ OTEL_ENABLED: 'true', OTEL_EXPORTER: 'console' }).observability.tracing, { exporter: spans })) as Tracing;
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows/index.ts'),
    workflowInterceptorModules: [...tracing.worker.workflowModules],
    logger: new DefaultLogger('WARN'),
  });
  platform = await startTestPlatform('sandbox', { platform: { log, tracing, workflowBundle: bundle } });
  api = apiClient(platform.url);
});
afterAll(async () => {
  await platform?.stop();
  await tracing?.shutdown();
});

let serial = 0;
async function newCustomer(fields: Record<string, unknown> = {}) {
  serial += 1;
  const created = await api('POST', '/v1/customers', { token: OPERATOR_TOKEN, body: { type: 'business', name: `Praxis ${serial}`, email: `obs-${serial}@example.org`, address: customerAddress, ...fields } });
  expect(created.status).toBe(201);
  const token = await api('POST', `/v1/customers/${created.body.id}/tokens`, { token: OPERATOR_TOKEN });
  return { id: created.body.id as string, token: token.body.token as string };
}

async function advance(body: { to: string } | { by: string }) {
  expect((await api('POST', '/v1/sandbox/clock/advance', { token: OPERATOR_TOKEN, body })).status).toBe(200);
}

const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

test('POST /v1/contracts: the HTTP span, the workflow start and the workflow’s activities share one trace; the log lines name it and the new contract', async () => {
  await advance({ to: '2027-01-15T09:00:00Z' });
  const anna = await newCustomer();
  const created = await api('POST', '/v1/contracts', { token: anna.token, body: { plan: 'plus', seats: 3 }, headers: { 'x-request-id': 'create-1' } });
  expect(created.status).toBe(201);
  const contractId = created.body.id as string;
  await advance({ by: 'PT0S' });

  const finished = spans.getFinishedSpans();
  const http = finished.find((s) => s.name === 'POST /v1/contracts');
  expect(http).toBeDefined();
  const trace = traceOf(http as ReadableSpan);
  const inTrace = finished.filter((s) => traceOf(s) === trace);
  const names = new Set(inTrace.map((s) => s.name));
  expect(names).toContain('StartWorkflow:contractWorkflow');
  // Scheduled by the workflow (its span comes through the worker's sink) and run by the worker.
  expect(names).toContain('StartActivity:saveContract');
  expect(names).toContain('RunActivity:saveContract');
  expect(names).toContain('RunActivity:issueInvoice');
  const start = inTrace.find((s) => s.name === 'StartWorkflow:contractWorkflow') as ReadableSpan;
  expect(start.parentSpanId).toBe((http as ReadableSpan).spanContext().spanId);
  expect(inTrace.find((s) => s.name === 'RunActivity:issueInvoice')?.attributes).toMatchObject({ temporalWorkflowId: `contract-${contractId}` });

  // The request's lines: requestId on each, the created contract on the final one, the trace on the handler's.
  const mine = lines.filter((l) => l.requestId === 'create-1');
  expect(mine.find((l) => l.msg === 'request completed')).toMatchObject({ contractId, workflowId: `contract-${contractId}`, res: { statusCode: 201 } });
  expect(mine.find((l) => String(l.msg).startsWith(`contract ${contractId} created`))).toMatchObject({ traceId: trace });
});

test('GET /metrics after real work: an invoice mailed and one posted, each issued once, the activities counted', async () => {
  const before = (await (await fetch(`${platform.url}/metrics`)).text());
  const dora = await newCustomer({ invoiceDelivery: 'post' });
  expect((await api('POST', '/v1/contracts', { token: dora.token, body: { plan: 'plus', seats: 1 } })).status).toBe(201);
  await advance({ by: 'PT0S' });
  const after = await (await fetch(`${platform.url}/metrics`)).text();

  // The first test's contract: one invoice, mailed; this one: one invoice, posted.
  expect(sample(before, 'vertragswerk_invoices_issued_total')).toBe(1);
  expect(sample(before, 'vertragswerk_mails_sent_total', { kind: 'invoice' })).toBe(1);
  expect(sample(after, 'vertragswerk_invoices_issued_total')).toBe(2);
  expect(sample(after, 'vertragswerk_letters_dispatched_total', { kind: 'invoice' })).toBe(1);
  expect(sample(after, 'vertragswerk_mails_sent_total', { kind: 'invoice' })).toBe(1);
  expect(sample(after, 'vertragswerk_activity_executions_total', { activity_type: 'issueInvoice', outcome: 'completed' })).toBe(2);
  expect(sample(after, 'http_request_duration_seconds_count', { method: 'POST', route: '/v1/contracts', status_code: '201' })).toBe(2);
});

test('the bundle with the OpenTelemetry workflow interceptors replays every recorded history', async () => {
  const dir = path.join(__dirname, '../histories');
  const histories = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: historyFromObject(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))) }));
  expect(histories.length).toBeGreaterThanOrEqual(2);
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, sinks: tracing.worker.sinks }, histories)) {
    expect(result.error).toBeUndefined();
    replayed++;
  }
  expect(replayed).toBe(histories.length);
});
