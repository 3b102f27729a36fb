import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CreateUserBody } from './account.schema';
import { CreateUserSchema } from './account.schema';
import { UsersService } from './users.service';
import { ApiZodBody } from '../http/openapi';

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
  @ApiZodBody(CreateUserSchema)
  add(@Param('id') id: string, @Body(new ZodPipe(CreateUserSchema)) body: CreateUserBody, @CurrentPrincipal() principal: Principal) {
    return this.users.add(id, body, principal);
  }
}
