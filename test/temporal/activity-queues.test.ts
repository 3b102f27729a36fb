/**
 * Task queues by concern (src/temporal/activity-queues.ts, docs/deployment.md): the configuration
 * rules, and a contract created through the REST API in sandbox mode whose history shows each
 * activity scheduled on its concern's queue — database steps on the main queue, mail on
 * `-mail`, invoice delivery on `-documents` — and run by the platform's workers.
 */
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../src/config/config';
import { contractWorkflowId } from '../../src/temporal/contract-workflow-id';
import { sandboxSuite } from '../helpers/sandbox-suite';

describe('configuration', () => {
  test('defaults: the main queue and one queue per concern derived from it, the pool covers every slot', () => {
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: 'vw' });
    expect(config.worker.activityQueues).toEqual({ mail: 'vw-mail', documents: 'vw-documents', partners: 'vw-partners' });
    expect(config.worker.polls).toEqual(['contracts', 'mail', 'documents', 'partners']);
    expect(Object.values(config.worker.queues).map((q) => [q.name, q.maxConcurrentActivities, q.activitiesPerSecond])).toEqual([
      ['vw', 20, null],
      ['vw-mail', 10, null],
      ['vw-documents', 4, null],
      ['vw-partners', 10, null],
    ]);
    // 20 + 10 + 4 + 10 activity slots + 10 for the API.
    expect(config.sizing.databasePoolSize).toBe(54);
    expect(config.worker.maxCachedWorkflows).toBeNull();
  });

  test('a worker of one concern: its slots size the pool; names, rate limits and the sticky cache from the environment', () => {
    const config = loadConfig({
      APP_ROLE: 'worker',
      WORKER_QUEUES: 'documents',
      WORKER_MAX_CONCURRENT_DOCUMENT_ACTIVITIES: '2',
      TEMPORAL_DOCUMENTS_TASK_QUEUE: 'render',
      DOCUMENTS_ACTIVITIES_PER_SECOND: '7.5',
      WORKER_MAX_CACHED_WORKFLOWS: '5000',
    });
    expect(config.worker.polls).toEqual(['documents']);
    expect(config.worker.queues.documents).toEqual({ name: 'render', maxConcurrentActivities: 2, activitiesPerSecond: 7.5 });
    expect(config.sizing.databasePoolSize).toBe(2);
    expect(config.worker.maxCachedWorkflows).toBe(5000);
  });

  test.each([
    [{ WORKER_QUEUES: 'contracts,letters' }, /WORKER_QUEUES/],
    [{ WORKER_QUEUES: 'mail,mail' }, /must not repeat a queue/],
    [{ WORKER_QUEUES: '' }, /WORKER_QUEUES/],
    [{ TEMPORAL_MAIL_TASK_QUEUE: 'contracts' }, /task queues must differ/],
    [{ MAIL_ACTIVITIES_PER_SECOND: '0' }, /MAIL_ACTIVITIES_PER_SECOND/],
    [{ DATABASE_POOL_SIZE: '30' }, /DATABASE_POOL_SIZE \(30\) is below the activity slots of the queues this worker polls \(44/],
  ])('rejected: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('routing in a running platform', () => {
  const { p, api, newCustomer, advance, settle } = sandboxSuite({ emailPrefix: 'queues' });

  test('a new contract: database steps on the main queue, its mails on -mail, its invoice delivery on -documents', async () => {
    await advance('2027-01-15T09:00:00Z');
    const customer = await newCustomer();
    const created = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus', seats: 3 } });
    expect(created.status).toBe(201);
    await settle();
    const history = await p.env.client.workflow.getHandle(contractWorkflowId(created.body.id)).fetchHistory();
    const scheduled = (history.events ?? [])
      .filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      .map((e) => [e.activityTaskScheduledEventAttributes?.activityType?.name, e.activityTaskScheduledEventAttributes?.taskQueue?.name]);
    const completed = (history.events ?? []).filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).length;
    const queues = p.config.worker.activityQueues;
    const main = p.config.temporal.taskQueue;
    expect(new Map(scheduled as [string, string][])).toEqual(
      new Map([
        ['saveContract', main],
        ['recordFact', main],
        ['notifyCustomer', queues.mail],
        ['prepareInvoiceRun', main],
        ['issueInvoice', main],
        ['deliverInvoice', queues.documents],
      ]),
    );
    // Every one of them ran: the platform's workers poll all four queues.
    expect(completed).toBe(scheduled.length);
    expect(p.mails.filter((m) => m.to.includes(customer.email)).length).toBeGreaterThanOrEqual(2);
  });
});
