/**
 * The worker's logs and counters without a server: the Temporal logger's JSON lines name the
 * contract of a workflow id, activities run with a logger bound to their contract (Nest `Logger`
 * and `Context.log` alike), the activity interceptor counts attempts and maps known results to
 * domain counters, the mail and letter ports count what went out, and a worker-only process
 * serves `GET /metrics` on its own.
 */
import { Logger } from '@nestjs/common';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { MailActivities, SendMailInput } from '../../activities/mail.activity';
import type { PrintPartnerActivities, SendLetterInput } from '../../activities/print-partner.activity';
import { loadConfig } from '../../src/config/config';
import { activityObserver } from '../../src/observability/activity-observer';
import { countingLetters, countingMail } from '../../src/observability/counting-ports';
import { prettyDestination, routeNestLogsTo } from '../../src/observability/logger';
import { Metrics } from '../../src/observability/metrics';
import { platformObservability } from '../../src/observability/platform-observability';
import { PinoTemporalLogger } from '../../src/observability/temporal-runtime';
import { capturingLogger, sample } from './capture';

const CONTRACT = '3f1c2b7e-9d4a-4c51-8e0f-6a2b9c7d1e55';
const WORKFLOW = `contract-${CONTRACT}`;

function activityEnv(metrics: Metrics, activityType: string, log = capturingLogger().log) {
  return new MockActivityEnvironment(
    { activityType, workflowExecution: { workflowId: WORKFLOW, runId: 'run-1' } },
    { interceptors: [activityObserver(metrics, log)], logger: new PinoTemporalLogger(log) },
  );
}

describe('the Temporal logger', () => {
  test('a workflow log line: JSON with contractId from the workflow id, the SDK metadata, the level', () => {
    const { log, lines } = capturingLogger();
    const logger = new PinoTemporalLogger(log);
    logger.warn('contract step failed for good; waiting for an operator', { sdkComponent: 'workflow', workflowId: WORKFLOW, runId: 'r1', workflowType: 'contractWorkflow', step: 'r7/contract-ended', [Symbol('ts')]: 1n });
    logger.info('Worker state changed', { sdkComponent: 'worker', taskQueue: 'contracts' });
    logger.error('activity failed', { workflowId: 'billing-run-2027-03', error: new Error('SMTP down') });
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'contract step failed for good; waiting for an operator', contractId: CONTRACT, workflowId: WORKFLOW, runId: 'r1', sdkComponent: 'workflow', step: 'r7/contract-ended' });
    expect(lines[1]).toMatchObject({ level: 'info', sdkComponent: 'worker', taskQueue: 'contracts' });
    expect(lines[1]).not.toHaveProperty('contractId');
    // Another workflow's id is kept, but names no contract; errors keep message and stack.
    expect(lines[2]).toMatchObject({ level: 'error', workflowId: 'billing-run-2027-03', error: { message: 'SMTP down', type: 'Error' } });
    expect(lines[2]).not.toHaveProperty('contractId');
    expect(String((lines[2].error as { stack: string }).stack)).toContain('worker.test.ts');
  });

  test('an activity-only queue is by design: Core\'s warning about it is logged as info (and dropped where WARN is the minimum)', () => {
    const { log, lines } = capturingLogger();
    new PinoTemporalLogger(log).warn('No workflows registered, not polling for workflow tasks', { sdkComponent: 'worker', taskQueue: 'contracts-mail' });
    new PinoTemporalLogger(log, 'WARN').warn('No workflows registered, not polling for workflow tasks', { sdkComponent: 'worker', taskQueue: 'contracts-mail' });
    expect(lines).toEqual([expect.objectContaining({ level: 'info', taskQueue: 'contracts-mail' })]);
  });

  test('records below its minimum level are dropped (the dev start keeps WARN and above)', () => {
    const { log, lines } = capturingLogger();
    const logger = new PinoTemporalLogger(log, 'WARN');
    logger.info('Worker state changed');
    logger.debug('poll');
    logger.error('boom');
    expect(lines.map((l) => l.msg)).toEqual(['boom']);
  });
});

describe('the activity interceptor', () => {
  test("a Nest Logger line and Context.log inside an activity carry the contract, the workflow and the activity type", async () => {
    const { log, lines } = capturingLogger();
    routeNestLogsTo(log);
    const env = activityEnv(new Metrics(), 'notifyCustomer', log);
    await env.run(async () => {
      new Logger('Mail').log('mail sent');
      Context.current().log.info('from the activity context');
    });
    expect(lines.find((l) => l.msg === 'mail sent')).toMatchObject({ level: 'info', context: 'Mail', contractId: CONTRACT, workflowId: WORKFLOW, activityType: 'notifyCustomer' });
    expect(lines.find((l) => l.msg === 'from the activity context')).toMatchObject({ contractId: CONTRACT, workflowId: WORKFLOW, activityType: 'notifyCustomer', sdkComponent: 'activity' });
    // Outside an activity, no contract sticks to the line.
    new Logger('Platform').log('idle');
    expect(lines.find((l) => l.msg === 'idle')).not.toHaveProperty('contractId');
  });

  test('attempts by type and outcome; a failure is counted and thrown on unchanged', async () => {
    const metrics = new Metrics();
    await activityEnv(metrics, 'saveContract').run(async () => ({ applied: true }));
    const failure = ApplicationFailure.nonRetryable('Contract row missing', 'CONTRACT_ROW_MISSING');
    await expect(
      activityEnv(metrics, 'saveContract').run(async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    const text = await metrics.exposition();
    expect(sample(text, 'vertragswerk_activity_executions_total', { activity_type: 'saveContract', outcome: 'completed' })).toBe(1);
    expect(sample(text, 'vertragswerk_activity_executions_total', { activity_type: 'saveContract', outcome: 'failed' })).toBe(1);
    expect(sample(text, 'vertragswerk_activity_duration_seconds_count', { activity_type: 'saveContract' })).toBe(2);
  });

  test('domain counters from known results: SEPA collected (not "already"), dunning steps by step, attention by kind', async () => {
    const metrics = new Metrics();
    const sepa = (result: string) => activityEnv(metrics, 'collectSepaDebit').run(async (_input: unknown) => ({ result, collectionId: 'c1', amountCents: 2261 }), {});
    await sepa('collected');
    await sepa('already');
    await sepa('cancelled');
    await activityEnv(metrics, 'runDunningStep').run(async (_input: unknown) => ({ feeCents: 0 }), { ladderStep: { step: 'reminder' } });
    await activityEnv(metrics, 'runDunningStep').run(async (_input: unknown) => ({ feeCents: 500 }), { ladderStep: { step: 'final' } });
    await activityEnv(metrics, 'raiseAttention').run(async (_input: unknown) => undefined, { kind: 'mail' });
    await activityEnv(metrics, 'resolveAttention').run(async (_input: unknown) => undefined, {});
    await activityEnv(metrics, 'issueInvoice').run(async (_input: unknown) => ({ created: false }), {});
    const text = await metrics.exposition();
    expect(sample(text, 'vertragswerk_sepa_collections_total')).toBe(1);
    expect(sample(text, 'vertragswerk_payments_booked_total', { source: 'sepa' })).toBe(1);
    expect(sample(text, 'vertragswerk_dunning_steps_total', { step: 'reminder' })).toBe(1);
    expect(sample(text, 'vertragswerk_dunning_steps_total', { step: 'final' })).toBe(1);
    expect(sample(text, 'vertragswerk_attention_items_raised_total', { kind: 'mail' })).toBe(1);
    expect(sample(text, 'vertragswerk_attention_items_resolved_total')).toBe(1);
    expect(sample(text, 'vertragswerk_invoices_issued_total')).toBe(0);
  });
});

test('the mail and letter ports count what went out, not a retry that found it sent', async () => {
  const metrics = new Metrics();
  const statuses = ['sent', 'skipped', 'no-recipient'] as const;
  let call = 0;
  const mail = countingMail({ sendMail: async () => ({ communicationId: 'm', status: statuses[call++ % 3], messageId: null }) } satisfies MailActivities, metrics);
  const input = { kind: 'invoice', message: { template: 'invoice-issued' } } as unknown as SendMailInput;
  for (let i = 0; i < 3; i++) await mail.sendMail(input);
  await mail.sendMail({ message: { template: 'contract-started' } } as unknown as SendMailInput);
  const letterStatuses = ['submitted', 'skipped'] as const;
  let letterCall = 0;
  const letters = countingLetters({ sendLetter: async () => ({ letterId: 'l', communicationId: 'c', partnerLetterId: 'p', status: letterStatuses[letterCall++ % 2] }) } satisfies PrintPartnerActivities, metrics);
  await letters.sendLetter({ kind: 'dunning' } as SendLetterInput);
  await letters.sendLetter({ kind: 'dunning' } as SendLetterInput);
  const text = await metrics.exposition();
  expect(sample(text, 'vertragswerk_mails_sent_total', { kind: 'invoice' })).toBe(1);
  // Without a kind, the template names it (the fourth call came back `sent` again).
  expect(sample(text, 'vertragswerk_mails_sent_total', { kind: 'contract-started' })).toBe(1);
  expect(sample(text, 'vertragswerk_letters_dispatched_total', { kind: 'dunning' })).toBe(1);
  // No metrics: the ports themselves.
  const bare = { sendMail: async () => ({ communicationId: 'm', status: 'sent' as const, messageId: null }) };
  expect(countingMail(bare, undefined)).toBe(bare);
});

test('a worker-only process serves GET /metrics on PORT; with the API in the process, the API serves it', async () => {
  const worker = platformObservability(loadConfig({ APP_ROLE: 'worker' }), { logger: false });
  worker.metrics.invoicesIssued.inc();
  const server = await worker.serveWorkerMetrics(0, '127.0.0.1');
  try {
    const res = await fetch(server?.url as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('version=0.0.4');
    expect(sample(await res.text(), 'vertragswerk_invoices_issued_total')).toBe(1);
    expect((await fetch((server?.url as string).replace('/metrics', '/other'))).status).toBe(404);
  } finally {
    await server?.close();
  }
  expect(await platformObservability(loadConfig({ APP_ROLE: 'all' }), { logger: false }).serveWorkerMetrics(0, '127.0.0.1')).toBeNull();
  expect(await platformObservability(loadConfig({ APP_ROLE: 'worker', METRICS_ENABLED: 'false' }), { logger: false }).serveWorkerMetrics(0, '127.0.0.1')).toBeNull();
});

test('LOG_FORMAT=pretty: one readable line per record, the other fields after the message', () => {
  const out: string[] = [];
  const pretty = prettyDestination({ write: (text: string) => out.push(text) });
  pretty.write(`${JSON.stringify({ level: 'warn', time: '2027-03-01T00:04:12.345Z', pid: 1, hostname: 'h', context: 'Platform', msg: 'retrying', contractId: CONTRACT })}\n`);
  pretty.write('not json\n');
  expect(out).toEqual([`2027-03-01T00:04:12.345Z WARN  [Platform] retrying {"contractId":"${CONTRACT}"}\n`, 'not json\n']);
});
