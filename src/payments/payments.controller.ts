import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, OperatorOnly } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ApiFileResponse, ApiProblems, ApiZodBody, ApiZodQuery } from '../http/openapi';
import { ZodPipe } from '../http/zod-body';
import type { BankTransferBody, ListCollectionsQuery, ListUnmatchedQuery, PrepaymentBody, SepaReturnBody } from './payments.schema';
import { BankTransferSchema, ListCollectionsSchema, ListUnmatchedSchema, PrepaymentSchema, SepaReturnSchema } from './payments.schema';
import { PaymentsService } from './payments.service';

@ApiTags('payments')
@ApiBearerAuth()
@Controller('v1')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('bank-transfers')
  @ApiProblems(422)
  @OperatorOnly()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Book a received bank transfer',
    description:
      'Operators. Matched by the invoice number in `reference`; any amount (partial, exact, over — the rest stays credit), applied per § 367 BGB: fees, interest, principal, the named invoice first. ' +
      '`201 { paymentId, invoiceId, applied: [...], credit }`; `422 UNMATCHED_TRANSFER` when no invoice is named (kept in `GET /v1/bank-transfers/unmatched`). Send an `Idempotency-Key`: the same key books once.',
  })
  @ApiZodBody(BankTransferSchema)
  transfer(@Body(new ZodPipe(BankTransferSchema)) body: BankTransferBody, @Headers('idempotency-key') idempotencyKey: string | undefined) {
    return this.payments.bookTransfer(body, idempotencyKey);
  }

  @Get('bank-transfers/unmatched')
  @ApiZodQuery(ListUnmatchedSchema)
  @OperatorOnly()
  @ApiOperation({ summary: 'Transfers no invoice matched', description: 'Operators. Newest first; pages with `cursor`.' })
  unmatched(@Query(new ZodPipe(ListUnmatchedSchema)) query: ListUnmatchedQuery) {
    return this.payments.unmatched(query);
  }

  @Post('bank-statements')
  @OperatorOnly()
  @HttpCode(201)
  @ApiConsumes('application/xml', 'application/zip')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOperation({
    summary: 'Import a camt.053 bank statement',
    description:
      'Operators. camt.053.001.02 or .001.08 XML (`application/xml`) or a ZIP of such files (`application/zip`). Booked credits are matched by the invoice number in the remittance; returned SEPA debits (by end-to-end id) reopen their invoice and book the return fee. ' +
      'Each entry is booked under its statement reference: the same statement imported twice books nothing twice. `201 { imported, matched, returns, duplicates, ignored, unmatched: [...] }`; malformed XML → `400 MALFORMED_STATEMENT`.',
  })
  importStatement(@Req() request: RawBodyRequest<Request>, @Headers('content-type') contentType: string | undefined) {
    return this.payments.importStatement(Buffer.isBuffer(request.body) ? request.body : undefined, contentType);
  }

  @Post('sepa/returns')
  @ApiProblems(422)
  @OperatorOnly()
  @HttpCode(201)
  @ApiOperation({ summary: 'Book a returned SEPA debit', description: 'Operators. Reopens the invoice (`chargeback`) and books the bank’s return fee; once per end-to-end id. `422 UNKNOWN_END_TO_END_ID` for a debit never collected.' })
  @ApiZodBody(SepaReturnSchema)
  sepaReturn(@Body(new ZodPipe(SepaReturnSchema)) body: SepaReturnBody) {
    return this.payments.bookSepaReturn(body);
  }

  @Get('sepa/collections')
  @ApiZodQuery(ListCollectionsSchema)
  @OperatorOnly()
  @ApiOperation({ summary: 'SEPA collections', description: 'Operators. One collection per due date: `{ items: [{ id, dueOn, messageId, debits, total, pain008 }] }`.' })
  collections(@Query(new ZodPipe(ListCollectionsSchema)) query: ListCollectionsQuery) {
    return this.payments.collections(query);
  }

  @Get('sepa/collections/:id/pain.008')
  @OperatorOnly()
  @ApiFileResponse('application/xml')
  @Header('Content-Type', 'application/xml')
  @ApiOperation({ summary: 'The pain.008.001.08 message of a collection', description: 'Operators. ISO 20022 pain.008.001.08 (SEPA Core direct debit), FRST and RCUR in separate payment blocks.' })
  async pain008(@Param('id') id: string) {
    const { content, fileName } = await this.payments.pain008(id);
    return new StreamableFile(Buffer.from(content, 'utf8'), { type: 'application/xml', disposition: `attachment; filename="${fileName}"` });
  }
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller('v1/contracts/:id')
export class ContractAccountController {
  constructor(private readonly payments: PaymentsService) {}

  @Get('statement')
  @ApiOperation({
    summary: 'The debtor account statement',
    description: '`{ balance, openAmount, credit, entries: [{ id, type, bookedOn, amount, invoiceId, invoiceNumber, reference, description }] }`; `amount` > 0 raises what the customer owes; `balance` is their sum. Customers see only their own (404).',
  })
  statement(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.payments.statement(id, principal);
  }

  @Get('statement/pdf')
  @ApiFileResponse('application/pdf')
  @Header('Content-Type', 'application/pdf')
  @ApiOperation({ summary: 'The account statement as PDF', description: 'PDF/A-3b, DIN 5008 letter: every booking with the running balance, open items, payment instructions.' })
  async statementPdf(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const { content, fileName } = await this.payments.statementPdf(id, principal);
    return new StreamableFile(content, { type: 'application/pdf', disposition: `attachment; filename="${fileName}"` });
  }

  @Post('prepayments')
  @ApiProblems(409, 422)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Top up a prepaid balance',
    description: 'Charged to the card on file through the PSP; `201 { id, status: "pending" }`, booked when the PSP reports success. Prepayments are not refundable. `409 NOT_PREPAID`, `422 NO_CARD_ON_FILE`. Send an `Idempotency-Key`.',
  })
  @ApiZodBody(PrepaymentSchema)
  prepay(@Param('id') id: string, @Body(new ZodPipe(PrepaymentSchema)) body: PrepaymentBody, @CurrentPrincipal() principal: Principal, @Headers('idempotency-key') idempotencyKey: string | undefined) {
    return this.payments.prepay(id, body, principal, idempotencyKey);
  }
}
