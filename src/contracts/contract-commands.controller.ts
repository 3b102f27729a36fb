import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CancelContractBody, ChangePlanBody, ChangeSeatsBody, ConvertTrialBody, PaymentMethodBody } from './contract.schema';
import { CancelContractSchema, ChangePlanSchema, ChangeSeatsSchema, ConvertTrialSchema, PaymentMethodSchema } from './contract.schema';
import { ContractCommandsService } from './contract-commands.service';
import { ApiProblems, ApiResource, ApiZodBody } from '../http/openapi';

/** Commands on a contract: cancellation, plan change, trial conversion, pause, seats. Each answers 200 with the contract. */
@ApiTags('contracts')
@ApiBearerAuth()
@Controller('v1/contracts/:id')
export class ContractCommandsController {
  constructor(private readonly commands: ContractCommandsService) {}

  @Get('cancellation/preview')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Preview a cancellation', description: '`{ receivedOn, endsOn, receivedAt }` for a notice received now; changes nothing (step one of the two-step cancellation).' })
  preview(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.previewCancellation(id, principal);
  }

  @Post('cancellation')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Cancel the contract', description: 'Needs `confirm: true` (§ 312k BGB); `deleteData: true` deletes personal data at the end. Operators may record a phone or letter notice (`receivedAt`, `channel`, `reason`). Drops a pending downgrade. 409 `ALREADY_CANCELLED`.' })
  @HttpCode(200)
  @ApiZodBody(CancelContractSchema)
  cancel(@Param('id') id: string, @Body(new ZodPipe(CancelContractSchema)) body: CancelContractBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.cancel(id, body, principal);
  }

  @Delete('cancellation')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Revoke the pending cancellation', description: 'Possible until the end of `endsOn`; a later cancellation counts from its own receipt. 409 `NOTHING_TO_REVOKE`, `NOTICE_PERIOD_OVER`.' })
  revokeCancellation(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.revokeCancellation(id, principal);
  }

  @Post('plan-change')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Change the plan', description: 'Upgrade basis → plus applies now. Downgrade plus → basis needs `acceptTerms: true` and takes effect the day after the notice end (`pendingPlanChange`). 409 `PLAN_CHANGE_BLOCKED` during a trial or while a cancellation is pending.' })
  @HttpCode(200)
  @ApiZodBody(ChangePlanSchema)
  changePlan(@Param('id') id: string, @Body(new ZodPipe(ChangePlanSchema)) body: ChangePlanBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.changePlan(id, body, principal);
  }

  @Delete('plan-change')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Revoke the pending downgrade', description: 'Possible until it takes effect. 409 `NOTHING_TO_REVOKE`.' })
  revokePlanChange(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.revokePlanChange(id, principal);
  }

  @Post('conversion')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Convert the trial to a paid contract', description: "`{ plan, paymentMethod }` during the trial; the contract is paid from the day after the trial's last day. 409 `NOT_IN_TRIAL`, `ALREADY_CONVERTED`." })
  @HttpCode(200)
  @ApiZodBody(ConvertTrialSchema)
  convert(@Param('id') id: string, @Body(new ZodPipe(ConvertTrialSchema)) body: ConvertTrialBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.convertTrial(id, body, principal);
  }

  @Post('pause')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Pause the contract', description: 'Active contracts only. Base fees stop, the pause fee applies, features are read-only. 409 `NOT_ACTIVE`, `ALREADY_PAUSED`.' })
  @HttpCode(200)
  pause(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.pause(id, principal);
  }

  @Delete('pause')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Resume the paused contract', description: '409 `NOT_PAUSED`.' })
  resume(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.resume(id, principal);
  }

  @Put('seats')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Change the number of seats', description: "`{ seats }`; within the plan's limit (422 `SEAT_LIMIT_REACHED`) and not below the number of users (422 `SEATS_BELOW_USERS`)." })
  @ApiZodBody(ChangeSeatsSchema)
  changeSeats(@Param('id') id: string, @Body(new ZodPipe(ChangeSeatsSchema)) body: ChangeSeatsBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.changeSeats(id, body, principal);
  }

  @Post('attention/:step/retry')
  @ApiProblems(403)
  @ApiOperation({
    summary: 'Retry a failed step (operators)',
    description:
      'Runs a step that failed for good (an item of the contract\'s `attention` list) again; URL-encode the step (`r7%2Fcontract-ended`). `202 { contractId, step, queued }`; the item disappears once the step succeeded. 404 `NO_SUCH_ATTENTION_ITEM`.',
  })
  @HttpCode(202)
  retryStep(@Param('id') id: string, @Param('step') step: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.retryStep(id, step, principal);
  }

  @Put('payment-method')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({
    summary: 'Set the payment method',
    description: '`{ type: "sepa", iban, accountHolder, signedOn }` | `{ type: "card", pspToken }` | `{ type: "transfer" }` → contract with `paymentMethod: { type, mandateReference?, ibanLast4? }` (never the full IBAN). 409 `CONTRACT_ENDED`.',
  })
  @ApiZodBody(PaymentMethodSchema)
  setPaymentMethod(@Param('id') id: string, @Body(new ZodPipe(PaymentMethodSchema)) body: PaymentMethodBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.setPaymentMethod(id, body, principal);
  }

  @Delete('payment-method')
  @ApiResource('Contract')
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Remove the payment method', description: 'Revokes the SEPA mandate or removes the card; the contract pays by bank transfer (`type: "transfer"`).' })
  removePaymentMethod(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.removePaymentMethod(id, principal);
  }
}
