/**
 * Heartbeats of running activities. The contract workflow gives its slow activities (mail,
 * document delivery, dunning letters, PSP and agency calls, retention) a heartbeat timeout: when
 * a worker dies in the middle of one (kill -9, OOM, a lost machine), Temporal retries it on
 * another worker after that timeout instead of after its start-to-close timeout (up to 5
 * minutes). This interceptor heartbeats every activity while it runs, so a slow but live one is
 * never mistaken for a dead one; activities shorter than the interval send none.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { HEARTBEAT_INTERVAL_MS } from './heartbeat-timeout';

// The SDK throttles the heartbeats it sends to 0.8 × the activity's heartbeat timeout.

export const heartbeatWhileRunning: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_INTERVAL_MS);
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});
