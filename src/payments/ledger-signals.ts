import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { TEMPORAL_CLIENT } from '../app/tokens';
import type { ReceivablesSnapshot } from '../domain/ledger';
import type { ChargeFailedEvent } from '../../workflows/messages';
import { chargeFailedSignal, ledgerChangedSignal } from '../../workflows/messages';

/**
 * Tells a contract's workflow that its account changed. The booking is committed before: a
 * signal that cannot be delivered (the workflow completed, Temporal briefly away) loses
 * nothing — the next booking or invoice run brings a newer snapshot.
 */
@Injectable()
export class LedgerSignals {
  private readonly logger = new Logger('Ledger');

  constructor(@Inject(TEMPORAL_CLIENT) private readonly temporal: Client) {}

  async changed(workflowId: string, snapshot: ReceivablesSnapshot): Promise<void> {
    await this.send(workflowId, 'ledgerChanged', () => this.temporal.workflow.getHandle(workflowId).signal(ledgerChangedSignal, snapshot));
  }

  async chargeFailed(workflowId: string, event: ChargeFailedEvent): Promise<void> {
    await this.send(workflowId, 'chargeFailed', () => this.temporal.workflow.getHandle(workflowId).signal(chargeFailedSignal, event));
  }

  private async send(workflowId: string, name: string, signal: () => Promise<void>): Promise<void> {
    try {
      await signal();
    } catch (error) {
      this.logger.warn(`${workflowId}: ${name} signal not delivered (${(error as Error).message}); the booking stands`);
    }
  }
}
