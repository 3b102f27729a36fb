import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CreateContractBody, ListContractsQuery } from './contract.schema';
import { CreateContractSchema, ListContractsSchema } from './contract.schema';
import { ContractsService } from './contracts.service';
import { ApiZodBody } from '../http/openapi';


@ApiTags('contracts')
@ApiBearerAuth()
@Controller('v1/contracts')
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  @ApiZodBody(CreateContractSchema)
  create(@Body(new ZodPipe(CreateContractSchema)) body: CreateContractBody, @CurrentPrincipal() principal: Principal) {
    return this.contracts.create(body, principal);
  }

  @Get()
  list(@Query(new ZodPipe(ListContractsSchema)) query: ListContractsQuery, @CurrentPrincipal() principal: Principal) {
    return this.contracts.list(query, principal);
  }

  @Get(':id')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.contracts.get(id, principal);
  }

  @Get(':id/events')
  events(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.contracts.events(id, principal);
  }

  @Get(':id/communications')
  communications(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.contracts.communications(id, principal);
  }
}
