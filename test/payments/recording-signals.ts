/**
 * LedgerSignals without Temporal: records what the payments service would tell each contract
 * workflow, so a test can check that a replayed import signals nothing new.
 */
import type { Client } from '@temporalio/client';
import type { ReceivablesSnapshot } from '../../src/domain/ledger';
import { LedgerSignals } from '../../src/payments/ledger-signals';
import type { ChargeFailedEvent } from '../../workflows/messages';

export class RecordingSignals extends LedgerSignals {
  readonly changedCalls: { workflowId: string; snapshot: ReceivablesSnapshot }[] = [];
  readonly chargeFailedCalls: { workflowId: string; event: ChargeFailedEvent }[] = [];

  constructor() {
    // Never used: both signals are overridden below.
    super(null as unknown as Client);
  }

  override async changed(workflowId: string, snapshot: ReceivablesSnapshot): Promise<void> {
    this.changedCalls.push({ workflowId, snapshot });
  }

  override async chargeFailed(workflowId: string, event: ChargeFailedEvent): Promise<void> {
    this.chargeFailedCalls.push({ workflowId, event });
  }
}
