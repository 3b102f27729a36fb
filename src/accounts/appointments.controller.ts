import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CreateAppointmentBody } from './account.schema';
import { CreateAppointmentSchema } from './account.schema';
import { AppointmentsService } from './appointments.service';
import { ApiZodBody } from '../http/openapi';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/contracts/:id/appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Get()
  list(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.appointments.list(id, principal);
  }

  @Post()
  @ApiZodBody(CreateAppointmentSchema)
  add(@Param('id') id: string, @Body(new ZodPipe(CreateAppointmentSchema)) body: CreateAppointmentBody, @CurrentPrincipal() principal: Principal) {
    return this.appointments.add(id, body, principal);
  }
}
