import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OperatorOnly } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../http/zod-body';
import type { CreateCustomerBody } from './customer.schema';
import { CreateCustomerSchema } from './customer.schema';
import { CustomersService, toCustomerResource } from './customers.service';
import { ApiZodBody } from '../http/openapi';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a customer', description: 'Operators. Required: `type`, `name`, `email`, `address`; `locale` defaults to `de`, `invoiceDelivery` to `email`.' })
  @OperatorOnly()
  @ApiZodBody(CreateCustomerSchema)
  create(@Body(new ZodPipe(CreateCustomerSchema)) body: CreateCustomerBody) {
    return this.customers.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a customer', description: "Customers see only themselves. 404 for unknown, someone else's or once the personal data is deleted." })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return toCustomerResource(await this.customers.get(id, principal));
  }

  @Post(':id/tokens')
  @ApiOperation({ summary: 'Issue a customer portal token', description: 'Operators. `201 { token }`; the token is shown once, only its hash is stored.' })
  @OperatorOnly()
  @HttpCode(201)
  issueToken(@Param('id') id: string) {
    return this.customers.issueToken(id);
  }
}
