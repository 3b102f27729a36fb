import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CreateContractBody, ListContractsQuery } from './contract.schema';
import { CreateContractSchema, ListContractsSchema } from './contract.schema';
import { ContractsService } from './contracts.service';
import { ApiProblems, ApiResource, ApiZodBody, ApiZodQuery } from '../http/openapi';


@ApiTags('contracts')
@ApiBearerAuth()
@Controller('v1/contracts')
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  @ApiResource('Contract', 201)
  @ApiProblems(404, 409, 422)
  @ApiOperation({ summary: 'Create a contract', description: "Starts the contract's workflow. `trial: true` starts a 30-day `plus` trial; `customerId` is for operators (customers create for themselves). `201` contract." })
  @ApiZodBody(CreateContractSchema)
  create(
    @Body(new ZodPipe(CreateContractSchema)) body: CreateContractBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    return this.contracts.create(body, principal, idempotencyKey);
  }

  @Get()
  @ApiResource('ContractPage')
  @ApiZodQuery(ListContractsSchema)
  @ApiOperation({ summary: 'List contracts', description: 'Customers see their own, operators all. Filters `status`, `customerId`, `needsAttention=true` (contracts with a step that failed for good); pages with `cursor` (`nextCursor`).' })
  list(@Query(new ZodPipe(ListContractsSchema)) query: ListContractsQuery, @CurrentPrincipal() principal: Principal) {
    return this.contracts.list(query, principal);
  }

  @Get(':id')
  @ApiResource('Contract')
  @ApiOperation({ summary: 'Get a contract', description: "404 for unknown or someone else's contract." })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.contracts.get(id, principal);
  }

  @Get(':id/events')
  @ApiOperation({ summary: "List the contract's events", description: 'The fact log the workflow writes (`contract-started`, `cancelled`, `plan-upgraded`, `paused`, `ended`, `personal-data-deleted`, …), oldest first.' })
  events(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.contracts.events(id, principal);
  }

  @Get(':id/communications')
  @ApiOperation({ summary: "List the contract's communications", description: 'Every e-mail and letter for the contract with its template and delivery status, oldest first.' })
  communications(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.contracts.communications(id, principal);
  }
}
