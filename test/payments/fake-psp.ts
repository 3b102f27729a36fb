/**
 * A PSP double for exactly-once tests: counts every `charge` call and answers the same payment
 * id for the same idempotency key, as Stripe's Idempotency-Key and the local PSP do.
 */
import type { ChargeAccepted, ChargeRequest, Psp } from '../../src/psp/psp';
import { checkChargeRequest } from '../../src/psp/psp';

export class CountingPsp implements Psp {
  readonly name = 'local' as const;
  /** Every request received, in order (retries included). */
  readonly requests: ChargeRequest[] = [];
  private readonly paymentIds = new Map<string, string>();

  async charge(request: ChargeRequest): Promise<ChargeAccepted> {
    checkChargeRequest(request);
    this.requests.push(request);
    // Yield once, so concurrent callers really overlap inside the PSP.
    await new Promise((resolve) => setImmediate(resolve));
    let paymentId = this.paymentIds.get(request.idempotencyKey);
    if (paymentId === undefined) {
      paymentId = `pay_${this.paymentIds.size + 1}_${request.contractId.slice(0, 8)}`;
      this.paymentIds.set(request.idempotencyKey, paymentId);
    }
    return { paymentId, status: 'pending' };
  }

  /** Distinct charges the PSP holds (one per idempotency key). */
  get charges(): number {
    return this.paymentIds.size;
  }
}
