/**
 * The worker's activity interceptor for logs and metrics: counts every attempt by activity type
 * and outcome, maps the results of known activities to domain counters, and runs each attempt
 * with a logger bound to its contract, so that the `Logger` calls inside activities carry
 * `contractId`, `workflowId` and `activityType`.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { Logger } from 'pino';
// NOTE: nestjs-pino's request store (4.6.1 keeps it in `storage`): Nest's Logger, replaced by
// nestjs-pino's, writes through the logger of the store it runs in.
import { storage, Store } from 'nestjs-pino/storage';
import type { AttentionActivities } from '../../activities/attention.activity';
import type { BillingActivities } from '../../activities/billing.activity';
import type { DunningActivities } from '../../activities/dunning.types';
import type { PaymentActivities } from '../../activities/payments.types';
import { workflowLogFields } from './log-fields';
import type { Metrics } from './metrics';

type CountedActivities = BillingActivities & DunningActivities & AttentionActivities & PaymentActivities;
type DomainCount<K extends keyof CountedActivities> = (
  metrics: Metrics,
  input: Parameters<CountedActivities[K]>[0],
  result: Awaited<ReturnType<CountedActivities[K]>>,
) => void;

/**
 * Domain counters per activity type, from its input and result. Mails and letters are counted
 * at their ports instead (counting-ports.ts): several activities send them.
 */
const DOMAIN_COUNTS: { [K in keyof CountedActivities]?: DomainCount<K> } = {
  // `created` is false when a retry found the invoice of the first attempt.
  issueInvoice: (metrics, _input, result) => {
    if (result.created) metrics.invoicesIssued.inc();
  },
  runDunningStep: (metrics, input) => metrics.dunningSteps.inc({ step: input.ladderStep.step }),
  raiseAttention: (metrics, input) => metrics.attentionRaised.inc({ kind: input.kind }),
  resolveAttention: (metrics) => metrics.attentionResolved.inc(),
  collectSepaDebit: (metrics, _input, result) => {
    if (result.result !== 'collected') return;
    metrics.sepaCollections.inc();
    metrics.paymentsBooked.inc({ source: 'sepa' });
  },
};

/** The interceptor factory for `Worker.create({ interceptors: { activity: [...] } })`; `log` null: no log context. */
export function activityObserver(metrics: Metrics, log: Logger | null): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new ObservedActivity(ctx, metrics, log) });
}

class ObservedActivity implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly metrics: Metrics,
    private readonly log: Logger | null,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { activityType, workflowExecution } = this.ctx.info;
    const stopTimer = this.metrics.activityDuration.startTimer({ activity_type: activityType });
    const run = () => next(input);
    try {
      const result = this.log ? await storage.run(new Store(this.log.child({ ...workflowLogFields(workflowExecution?.workflowId), activityType })), run) : await run();
      this.metrics.activityExecutions.inc({ activity_type: activityType, outcome: 'completed' });
      countDomainEvent(this.metrics, activityType, input.args[0], result);
      return result;
    } catch (error) {
      this.metrics.activityExecutions.inc({ activity_type: activityType, outcome: 'failed' });
      throw error;
    } finally {
      stopTimer();
    }
  }
}

function countDomainEvent(metrics: Metrics, activityType: string, input: unknown, result: unknown): void {
  const count = DOMAIN_COUNTS[activityType as keyof CountedActivities] as ((m: Metrics, i: unknown, r: unknown) => void) | undefined;
  count?.(metrics, input, result);
}
