import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Clock } from '../app/clock';
import { APP_CONFIG, CLOCK } from '../app/tokens';
import { Public } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';
import { ApiProblems, ApiZodBody } from '../http/openapi';
import { RateLimitExempt } from '../security/rate-limit';
import { PrintPartnerEventSchema } from './print-partner-event';
import { PrintPartnerWebhookService } from './print-partner-webhook.service';
import { verifySignedWebhook } from './signed-webhook';
import { SIGNATURE_HEADER } from './webhook-signature';

/** The print partner's status reports. No bearer token: the HMAC signature authenticates the sender. */
@ApiTags('webhooks')
@Public()
// Partners deliver in bursts and retry; the signature is checked before any work (docs/security.md).
@RateLimitExempt()
@Controller('v1/webhooks')
export class PrintPartnerWebhookController {
  private readonly secret: string;

  constructor(
    private readonly webhooks: PrintPartnerWebhookService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.secret = config.printPartner.webhookSecret;
  }

  @Post('print-partner')
  @ApiProblems(401, 404)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a print-partner status report',
    description:
      "Signed with `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (PRINT_PARTNER_WEBHOOK_SECRET). `letterId` is the partner's id of the letter. " +
      "401 for a missing or bad signature and for `createdAt` more than 5 minutes from the platform's clock; 404 for an unknown letter; " +
      'a replayed `eventId` answers 200 with `duplicate: true` and changes nothing. Statuses only move forward (`returned` may follow `posted`).',
  })
  @ApiHeader({ name: 'X-Signature', required: true, description: 'sha256=<hex HMAC-SHA256 of the raw body>' })
  @ApiZodBody(PrintPartnerEventSchema)
  async receive(@Req() request: RawBodyRequest<Request>, @Headers(SIGNATURE_HEADER) signature: string | undefined) {
    const event = await verifySignedWebhook({ rawBody: request.rawBody, body: request.body, signature }, { secret: this.secret, clock: this.clock, schema: PrintPartnerEventSchema });
    return this.webhooks.apply(event);
  }
}
