import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CancelContractBody, ChangePlanBody, ChangeSeatsBody, ConvertTrialBody } from './contract.schema';
import { CancelContractSchema, ChangePlanSchema, ChangeSeatsSchema, ConvertTrialSchema } from './contract.schema';
import { ContractCommandsService } from './contract-commands.service';
import { ApiZodBody } from '../http/openapi';

/** Commands on a contract: cancellation, plan change, trial conversion, pause, seats. Each answers 200 with the contract. */
@ApiTags('contracts')
@ApiBearerAuth()
@Controller('v1/contracts/:id')
export class ContractCommandsController {
  constructor(private readonly commands: ContractCommandsService) {}

  @Get('cancellation/preview')
  preview(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.previewCancellation(id, principal);
  }

  @Post('cancellation')
  @HttpCode(200)
  @ApiZodBody(CancelContractSchema)
  cancel(@Param('id') id: string, @Body(new ZodPipe(CancelContractSchema)) body: CancelContractBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.cancel(id, body, principal);
  }

  @Delete('cancellation')
  revokeCancellation(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.revokeCancellation(id, principal);
  }

  @Post('plan-change')
  @HttpCode(200)
  @ApiZodBody(ChangePlanSchema)
  changePlan(@Param('id') id: string, @Body(new ZodPipe(ChangePlanSchema)) body: ChangePlanBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.changePlan(id, body, principal);
  }

  @Delete('plan-change')
  revokePlanChange(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.revokePlanChange(id, principal);
  }

  @Post('conversion')
  @HttpCode(200)
  @ApiZodBody(ConvertTrialSchema)
  convert(@Param('id') id: string, @Body(new ZodPipe(ConvertTrialSchema)) body: ConvertTrialBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.convertTrial(id, body, principal);
  }

  @Post('pause')
  @HttpCode(200)
  pause(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.pause(id, principal);
  }

  @Delete('pause')
  resume(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.resume(id, principal);
  }

  @Put('seats')
  @ApiZodBody(ChangeSeatsSchema)
  changeSeats(@Param('id') id: string, @Body(new ZodPipe(ChangeSeatsSchema)) body: ChangeSeatsBody, @CurrentPrincipal() principal: Principal) {
    return this.commands.changeSeats(id, body, principal);
  }
}
