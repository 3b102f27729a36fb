import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CreateUserBody } from './account.schema';
import { CreateUserSchema } from './account.schema';
import { UsersService } from './users.service';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/contracts/:id/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.users.list(id, principal);
  }

  @Post()
  @ApiBody({ schema: z.toJSONSchema(CreateUserSchema, { io: 'input' }) as object })
  add(@Param('id') id: string, @Body(new ZodPipe(CreateUserSchema)) body: CreateUserBody, @CurrentPrincipal() principal: Principal) {
    return this.users.add(id, body, principal);
  }
}
