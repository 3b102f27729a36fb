import { Controller, Headers, HttpCode, HttpStatus, Inject, Logger, Optional, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Clock } from '../app/clock';
import { APP_CONFIG, CLOCK, PRISMA } from '../app/tokens';
import { Public } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import { localDateOf } from '../domain/calendar';
import { ApiProblems, ApiZodBody } from '../http/openapi';
import { ProblemError } from '../http/problem';
import { Metrics, METRICS } from '../observability/metrics';
import { LedgerSignals } from '../payments/ledger-signals';
import { applyPspEvent, UnknownPspPaymentError } from '../payments/psp-event-bookings';
import { RateLimitExempt } from '../security/rate-limit';
import type { PspEvent } from '../psp/psp';
import { pspEventSchema } from '../psp/psp';
import { StripeEventError, StripeSignatureError, STRIPE_SIGNATURE_HEADER, toPspEvent, verifyStripeWebhook } from '../psp/stripe-webhook';
import { verifySignedWebhook, WebhookProblemCode } from './signed-webhook';
import { SIGNATURE_HEADER } from './webhook-signature';

/** The PSP's payment reports. No bearer token: the signature authenticates the sender. */
@ApiTags('webhooks')
@Public()
// Partners deliver in bursts and retry; the signature is checked before any work (docs/security.md).
@RateLimitExempt()
@Controller('v1/webhooks')
export class PspWebhookController {
  private readonly logger = new Logger('PspWebhook');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly signals: LedgerSignals,
    @Optional() @Inject(METRICS) private readonly metrics?: Metrics,
  ) {}

  @Post('psp')
  @ApiProblems(401, 404)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a PSP payment report',
    description:
      "Signed with `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (PSP_WEBHOOK_SECRET). `payment.succeeded` books the payment (or prepayment), `payment.failed` marks the charge failed (a prepaid contract is suspended), `chargeback` reopens the invoice. " +
      "401 for a bad signature or `createdAt` more than 5 minutes from the platform's clock; 404 for a payment the platform does not know (the PSP retries); a replayed `eventId` answers 200 `{ result: \"duplicate\" }` and books nothing.",
  })
  @ApiHeader({ name: 'X-Signature', required: true, description: 'sha256=<hex HMAC-SHA256 of the raw body>' })
  @ApiZodBody(pspEventSchema)
  async receive(@Req() request: RawBodyRequest<Request>, @Headers(SIGNATURE_HEADER) signature: string | undefined) {
    const event = await verifySignedWebhook({ rawBody: request.rawBody, body: request.body, signature }, { secret: this.config.payments.webhookSecret, clock: this.clock, schema: pspEventSchema });
    return this.apply(event);
  }

  @Post('stripe')
  @ApiProblems(401, 404)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a Stripe event (PSP=stripe)',
    description: 'Stripe-Signature `t=…,v1=…` over `t.rawBody` with STRIPE_WEBHOOK_SECRET, 300 s tolerance. payment_intent.succeeded / payment_failed and charge.dispute.created are booked like `POST /v1/webhooks/psp`; other types answer 200 and book nothing.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256>' })
  async receiveStripe(@Req() request: RawBodyRequest<Request>, @Headers(STRIPE_SIGNATURE_HEADER) header: string | undefined) {
    const stripe = this.config.payments.stripe;
    if (!stripe) throw ProblemError.notFound('Route');
    let event: PspEvent | null;
    try {
      // Stripe signs with real time: the wall clock, not the sandbox clock.
      event = toPspEvent(verifyStripeWebhook(request.rawBody ?? Buffer.alloc(0), header, stripe.webhookSecret, new Date()));
    } catch (error) {
      if (error instanceof StripeSignatureError) throw new ProblemError(HttpStatus.UNAUTHORIZED, WebhookProblemCode.SIGNATURE_INVALID, 'Invalid signature', `Stripe-Signature ${error.reason}.`);
      if (error instanceof StripeEventError) throw new ProblemError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', error.message);
      throw error;
    }
    if (!event) return { result: 'ignored' };
    return this.apply(event);
  }

  private async apply(event: PspEvent) {
    const now = await this.clock.now();
    try {
      const outcome = await applyPspEvent(this.prisma, event, { issuerCountry: this.config.issuer.country, bookedOnOf: (zone) => localDateOf(now, zone) });
      if (outcome.result === 'booked' && outcome.snapshot) await this.signals.changed(outcome.workflowId, outcome.snapshot);
      if (outcome.result === 'booked' && event.type === 'payment.succeeded') this.metrics?.paymentsBooked.inc({ source: 'card' });
      if (outcome.result === 'failed' && outcome.failure) await this.signals.chargeFailed(outcome.workflowId, outcome.failure);
      if (outcome.result === 'booked' || outcome.result === 'failed') this.logger.log(`psp ${event.type} ${event.paymentId} (event ${event.eventId}) on contract ${outcome.contractId}: ${outcome.result}`);
      return { eventId: event.eventId, result: outcome.result };
    } catch (error) {
      if (error instanceof UnknownPspPaymentError) throw ProblemError.notFound(`Payment ${event.paymentId}`);
      throw error;
    }
  }
}
