/**
 * The platform's Prometheus metrics (docs/observability.md): one registry per running platform
 * with the HTTP histogram, the activity counters and the domain counters, and the process's
 * default metrics (CPU, memory, event loop, GC), collected once per process and merged at scrape
 * time. Counters count events where they happen (API services, the worker's activity
 * interceptor, the mail and letter ports); nothing is derived from the database.
 */
import { collectDefaultMetrics, Counter, Histogram, prometheusContentType, Registry } from 'prom-client';

/** Injection token of the platform's {@link Metrics}. */
export const METRICS = Symbol('METRICS');

/** The content type of `GET /metrics` (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = prometheusContentType;

/** Prefix of the platform's own metric names. */
const PREFIX = 'vertragswerk_';

/** Registry and named metrics of one platform (API and worker of one process share it). */
export class Metrics {
  readonly registry = new Registry();
  /** HTTP requests by method, route template (`/v1/contracts/:id`) and status. */
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly activityDuration = new Histogram({
    name: `${PREFIX}activity_duration_seconds`,
    help: 'Duration of activity attempts, by activity type.',
    labelNames: ['activity_type'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  /** Activity attempts by type and outcome (`completed`, `failed`). */
  readonly activityExecutions = this.counter('activity_executions_total', 'Activity attempts finished by this worker, by activity type and outcome (completed, failed).', [
    'activity_type',
    'outcome',
  ]);
  readonly invoicesIssued = this.counter('invoices_issued_total', 'Invoices issued (a retried issue of the same invoice is not counted again).');
  readonly lettersDispatched = this.counter('letters_dispatched_total', 'Letters handed to the print partner, by kind (invoice, dunning_letter_1, dunning_letter_final, …).', ['kind']);
  readonly mailsSent = this.counter('mails_sent_total', 'E-mails accepted by the SMTP server, by kind (template).', ['kind']);
  readonly dunningSteps = this.counter('dunning_steps_total', 'Dunning steps carried out, by ladder step (reminder, first-letter, final-letter, handover).', ['step']);
  readonly attentionRaised = this.counter('attention_items_raised_total', 'Steps that failed for good and became attention items, by kind.', ['kind']);
  readonly attentionResolved = this.counter('attention_items_resolved_total', 'Attention items resolved by a later success of their step.');
  readonly paymentsBooked = this.counter('payments_booked_total', 'Payments booked, by source (bank-transfer, bank-statement, card, sepa); a replayed source is not counted.', ['source']);
  readonly sepaCollections = this.counter('sepa_collections_total', 'SEPA direct debits collected.');

  /** The Prometheus text of this platform's metrics and the process's default metrics. */
  async exposition(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }

  private counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name: `${PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }
}

let processRegistry: Registry | undefined;

/** CPU, memory, event loop and GC of this process: collected once, whatever the number of platforms in it. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
