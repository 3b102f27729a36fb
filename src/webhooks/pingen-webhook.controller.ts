import { Controller, Headers, HttpCode, HttpStatus, Inject, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { APP_CONFIG } from '../app/tokens';
import { Public } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';
import { ApiZodBody } from '../http/openapi';
import { ProblemCode, ProblemError } from '../http/problem';
import { ZodPipe } from '../http/zod-body';
import { RateLimitExempt } from '../security/rate-limit';
import { isValidPingenSignature, PINGEN_MEDIA_TYPE, PINGEN_SIGNATURE_HEADER, PingenWebhookSchema, toPingenWebhookEvent } from './pingen-webhook';
import type { PingenWebhookOutcome } from './pingen-webhook.service';
import { PingenWebhookService } from './pingen-webhook.service';
import { WebhookProblemCode } from './signed-webhook';

/** problem+json as the ProblemFilter writes it (inline: the route documents its own answers). */
const problem = (description: string) => ({
  description,
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        required: ['type', 'title', 'status', 'code'],
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' } },
        additionalProperties: true,
      },
    },
  },
});

/** The answer to a webhook Pingen delivered (also to a replay). */
const OUTCOME_SCHEMA = {
  type: 'object',
  required: ['eventId', 'category', 'letterId', 'status', 'applied', 'duplicate'],
  properties: {
    eventId: { type: 'string' },
    category: { type: 'string', enum: ['sent', 'undeliverable', 'undeliverables', 'issues', 'delivered'] },
    letterId: { type: 'string', description: "Pingen's letter id" },
    status: { type: 'string', enum: ['submitted', 'printed', 'posted', 'returned', 'failed'] },
    applied: { type: 'boolean' },
    duplicate: { type: 'boolean' },
  },
} satisfies { type: string; required: (keyof PingenWebhookOutcome)[]; properties: Record<keyof PingenWebhookOutcome, object> };

/**
 * Pingen's own letter webhooks (PRINT_PARTNER=pingen). No bearer token: the `Signature` header
 * (HMAC-SHA256 with PINGEN_WEBHOOK_SIGNING_KEY) authenticates Pingen.
 */
@ApiTags('webhooks')
@Public()
// Pingen delivers in bursts and retries; the signature is checked before any work (docs/security.md).
@RateLimitExempt()
@Controller('v1/webhooks')
export class PingenWebhookController {
  private readonly signingKey: string | null;

  constructor(
    private readonly webhooks: PingenWebhookService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.signingKey = config.printPartner.pingen?.webhookSigningKey ?? null;
  }

  @Post('pingen')
  @HttpCode(200)
  @ApiOperation({
    summary: "Receive Pingen's letter webhooks (PRINT_PARTNER=pingen)",
    description:
      'Register this URL at Pingen for the event categories `sent`, `undeliverable` and `issues`, with PINGEN_WEBHOOK_SIGNING_KEY as `signing_key`. ' +
      'Signed with `Signature: <hex HMAC-SHA256 of the raw body>` (no prefix, no timestamp: there is no replay window, replays are caught by the event id). ' +
      'JSON:API body: `data.type` `webhook_sent` → the letter is `posted`; `webhook_undeliverable` → `returned`; `webhook_issues` → `failed` with the reason (`GET /v1/letters?status=failed`). ' +
      '401 `WEBHOOK_SIGNATURE_INVALID` for a missing or bad signature (and when no signing key is configured); 404 for an unknown letter (Pingen retries); ' +
      'a replayed event (`relationships.event.data.id`, else `data.id`) answers 200 with `duplicate: true` and changes nothing. Statuses only move forward.',
  })
  @ApiConsumes(PINGEN_MEDIA_TYPE, 'application/json')
  @ApiHeader({ name: 'Signature', required: true, description: '<lowercase hex HMAC-SHA256 of the raw body>' })
  @ApiZodBody(PingenWebhookSchema)
  @ApiOkResponse({ description: 'Applied, or a replay (`duplicate: true`), or a move backwards that changed nothing (`applied: false`).', schema: OUTCOME_SCHEMA })
  @ApiResponse({ status: HttpStatus.BAD_REQUEST, ...problem('`VALIDATION_FAILED`: no JSON body, or a signed body that is not a Pingen letter webhook; `MALFORMED_JSON`.') })
  @ApiResponse({ status: HttpStatus.UNAUTHORIZED, ...problem('`WEBHOOK_SIGNATURE_INVALID`: missing or wrong `Signature`.') })
  @ApiResponse({ status: HttpStatus.NOT_FOUND, ...problem('`NOT_FOUND`: Pingen\'s letter id is not known to the platform.') })
  @ApiResponse({ status: HttpStatus.PAYLOAD_TOO_LARGE, ...problem('`PAYLOAD_TOO_LARGE`: a body over 256 kB.') })
  async receive(@Req() request: RawBodyRequest<Request>, @Headers(PINGEN_SIGNATURE_HEADER) signature: string | undefined): Promise<PingenWebhookOutcome> {
    if (!request.rawBody) {
      throw new ProblemError(HttpStatus.BAD_REQUEST, ProblemCode.VALIDATION_FAILED, 'Validation failed', `A JSON:API body (Content-Type: ${PINGEN_MEDIA_TYPE}) is required.`);
    }
    // Without a key (PRINT_PARTNER=local) no signature can be valid: every request is 401.
    if (this.signingKey === null || !isValidPingenSignature(this.signingKey, request.rawBody, signature)) {
      throw new ProblemError(HttpStatus.UNAUTHORIZED, WebhookProblemCode.SIGNATURE_INVALID, 'Invalid signature', 'Signature must be the hex HMAC-SHA256 of the raw body with the webhook signing key.');
    }
    const body = new ZodPipe(PingenWebhookSchema).transform(request.body);
    return this.webhooks.apply(toPingenWebhookEvent(body), body);
  }
}
