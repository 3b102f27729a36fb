import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CreateUserBody } from './account.schema';
import { CreateUserSchema } from './account.schema';
import { UsersService } from './users.service';
import { ApiProblems, ApiZodBody } from '../http/openapi';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/contracts/:id/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: "List the contract's users", description: 'Main user first, then members by creation.' })
  list(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.users.list(id, principal);
  }

  @Post()
  @ApiProblems(409, 422)
  @ApiOperation({ summary: 'Add a user', description: '`{ name, email }` → `201` member. 409 `USER_EXISTS`; 422 `SEAT_LIMIT_REACHED` when no seat is free.' })
  @ApiZodBody(CreateUserSchema)
  add(@Param('id') id: string, @Body(new ZodPipe(CreateUserSchema)) body: CreateUserBody, @CurrentPrincipal() principal: Principal) {
    return this.users.add(id, body, principal);
  }
}
