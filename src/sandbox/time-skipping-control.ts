import { Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { SandboxControl } from '../app/clock';
import type { PrismaClient } from '../database/prisma-client';
import { isSettledAt, settledQuery } from '../../workflows/messages';
import type { TimeSkippingClock } from './time-skipping-clock';

/** How long `advanceTo` waits (real time) for workflows to settle before it gives up. */
const SETTLE_TIMEOUT_MS = 60_000;

/**
 * The sandbox clock on Temporal's time-skipping test server: skipping fires every timer due
 * by the target; then every contract workflow touched is asked (query `settled`) whether it
 * has carried out its side effects, so a client can assert right after `advance` returns.
 * `env` is the clock: a TestWorkflowEnvironment, or for long advances the ping-less connection of
 * time-skipping-clock.ts.
 */
export function createTimeSkippingControl(env: TimeSkippingClock, prisma: PrismaClient, client: Client): SandboxControl {
  const logger = new Logger('SandboxClock');
  const now = async () => new Date(await env.currentTimeMs());
  let queue: Promise<unknown> = Promise.resolve();
  return {
    now,
    advanceTo(to: Date) {
      // Advances are serialized: two overlapping requests must not race the skipped clock.
      const run = queue.then(async () => {
        const from = await now();
        if (to.getTime() > from.getTime()) await env.sleep(to.getTime() - from.getTime());
        await settle(prisma, client, logger, now);
        return now();
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

async function settle(prisma: PrismaClient, client: Client, logger: Logger, now: () => Promise<Date>): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  const rows = await prisma.contract.findMany({ select: { workflowId: true } });
  let pending = rows.map((r) => r.workflowId);
  while (pending.length > 0) {
    // A deadline at or before the server's time that the workflow has not processed yet is pending work.
    const serverNow = await now();
    const results = await Promise.all(
      pending.map(async (workflowId) => {
        try {
          const status = await client.workflow.getHandle(workflowId).query(settledQuery);
          return isSettledAt(status, serverNow) ? null : workflowId;
        } catch (error) {
          // A finished workflow has nothing left to do.
          const description = await client.workflow.getHandle(workflowId).describe().catch(() => null);
          if (description && description.status.name !== 'RUNNING') return null;
          logger.warn(`settle: ${workflowId}: ${(error as Error).message}`);
          return workflowId;
        }
      }),
    );
    pending = results.filter((id): id is string => id !== null);
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Workflows did not settle: ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
