import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CreateAppointmentBody } from './account.schema';
import { CreateAppointmentSchema } from './account.schema';
import { AppointmentsService } from './appointments.service';
import { ApiProblems, ApiZodBody } from '../http/openapi';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/contracts/:id/appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Get()
  @ApiOperation({ summary: "List the contract's appointments", description: 'Scheduled and cancelled appointments with `cancelledReason`.' })
  list(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.appointments.list(id, principal);
  }

  @Post()
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Schedule an appointment', description: '`{ startsAt, participants }` → `201`. A conference (3+ participants) needs `plus` (422 `PLAN_FEATURE_MISSING`).' })
  @ApiZodBody(CreateAppointmentSchema)
  add(@Param('id') id: string, @Body(new ZodPipe(CreateAppointmentSchema)) body: CreateAppointmentBody, @CurrentPrincipal() principal: Principal) {
    return this.appointments.add(id, body, principal);
  }
}
