import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PSP } from '../app/tokens';
import { OperatorOnly } from '../auth/auth.guard';
import { ApiProblems, ApiZodBody } from '../http/openapi';
import { ProblemError } from '../http/problem';
import { ZodPipe } from '../http/zod-body';
import { SandboxChargebackSchema } from '../payments/payments.schema';
import type { PspRef } from '../payments/psp-ref';
import { PspError } from '../psp/psp';

/** Sandbox only: lets the local PSP report a dispute (chargeback) of a charge, as a card holder's bank would. */
@ApiTags('sandbox')
@ApiBearerAuth()
@Controller('v1/sandbox/psp')
export class SandboxPspController {
  constructor(@Inject(PSP) private readonly psp: PspRef) {}

  @Post('chargebacks')
  @ApiProblems(404, 409)
  @OperatorOnly()
  @HttpCode(202)
  @ApiOperation({ summary: 'Simulate a chargeback (sandbox, local PSP)', description: 'Operators. The local PSP posts a signed `chargeback` event for the succeeded charge `paymentId` to `POST /v1/webhooks/psp`. 404 for an unknown charge, 409 for one that did not succeed.' })
  @ApiZodBody(SandboxChargebackSchema)
  async chargeback(@Body(new ZodPipe(SandboxChargebackSchema)) body: { paymentId: string }) {
    const local = this.psp.local;
    if (!local) throw ProblemError.notFound('Local PSP');
    try {
      return await local.chargeback(body.paymentId);
    } catch (error) {
      if (error instanceof PspError && error.code === 'PAYMENT_NOT_FOUND') throw ProblemError.notFound(`Payment ${body.paymentId}`);
      if (error instanceof PspError && error.code === 'PAYMENT_NOT_SUCCEEDED') throw new ProblemError(HttpStatus.CONFLICT, 'PAYMENT_NOT_SUCCEEDED', 'Charge not succeeded', error.message);
      throw error;
    }
  }
}
