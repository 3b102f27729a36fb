import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OperatorOnly } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ApiFileResponse, ApiProblems, ApiResource, ApiZodBody, ApiZodQuery } from '../http/openapi';
import { ZodPipe } from '../http/zod-body';
import type { ListInvoicesQuery, RecordUsageBody } from './invoice.schema';
import { ListInvoicesSchema, RecordUsageSchema } from './invoice.schema';
import { InvoicesService } from './invoices.service';

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('v1/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get()
  @ApiResource('InvoicePage')
  @ApiZodQuery(ListInvoicesSchema)
  @OperatorOnly()
  @ApiOperation({ summary: 'List invoices (operators)', description: 'Filters `contractId`, `customerId`, `status`, `year`; ordered by number; pages with `cursor` (`nextCursor`, the last number of the page).' })
  list(@Query(new ZodPipe(ListInvoicesSchema)) query: ListInvoicesQuery) {
    return this.invoices.list(query);
  }

  @Get(':id')
  @ApiResource('Invoice')
  @ApiOperation({ summary: 'Get an invoice', description: 'Lines, VAT per rate, totals, open amount, due date, retention date. Customers see only their own (404 otherwise).' })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.invoices.get(id, principal);
  }

  @Get(':id/pdf')
  @ApiProblems(410)
  @ApiOperation({ summary: 'Download the invoice PDF', description: 'PDF/A-3 in DIN 5008 layout with the ZUGFeRD/Factur-X XML embedded. `410 RECORD_DESTROYED` after destruction.' })
  @ApiFileResponse('application/pdf')
  @Header('Content-Type', 'application/pdf')
  async pdf(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const { content, fileName } = await this.invoices.document(id, principal, 'pdf');
    return new StreamableFile(content, { type: 'application/pdf', disposition: `attachment; filename="${fileName}"` });
  }

  @Get(':id/e-invoice')
  @ApiProblems(410)
  @ApiOperation({ summary: 'Download the e-invoice', description: 'EN 16931 XRechnung 3.0 (UN/CEFACT CII) XML. `410 RECORD_DESTROYED` after destruction.' })
  @ApiFileResponse('application/xml')
  @Header('Content-Type', 'application/xml')
  async eInvoice(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const { content, fileName } = await this.invoices.document(id, principal, 'xrechnung');
    return new StreamableFile(content, { type: 'application/xml', disposition: `attachment; filename="${fileName}"` });
  }
}

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('v1/contracts/:id')
export class ContractInvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get('invoices')
  @ApiResource('InvoiceList')
  @ApiOperation({ summary: "List a contract's invoices", description: '`{ items: [invoice] }`, ordered by number.' })
  list(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.invoices.ofContract(id, principal);
  }

  @Post('usage')
  @ApiProblems(409, 422)
  @HttpCode(202)
  @ApiOperation({
    summary: 'Record usage (SMS invitations)',
    description:
      '`{ kind: "sms", quantity, occurredAt }` with a required `Idempotency-Key` (the same key is counted once, for good) → `202`; billed in arrears on the next invoice by the local date of `occurredAt`. `409 CONTRACT_ENDED`, `409 CONTRACT_READ_ONLY` while paused, `422 FEATURE_NOT_IN_PLAN` on basis.',
  })
  @ApiZodBody(RecordUsageSchema)
  recordUsage(
    @Param('id') id: string,
    @Body(new ZodPipe(RecordUsageSchema)) body: RecordUsageBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    return this.invoices.recordUsage(id, body, principal, idempotencyKey);
  }
}
