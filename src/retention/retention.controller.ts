import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/auth.guard';
import { ApiProblems, ApiZodBody, ApiZodQuery } from '../http/openapi';
import { ZodPipe } from '../http/zod-body';
import { DestructionsService } from './destructions.service';
import { LegalHoldService } from './legal-hold.service';
import type { LegalHoldBody, ListDestructionsQuery } from './retention.schema';
import { LegalHoldSchema, ListDestructionsSchema } from './retention.schema';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('v1/retention')
export class RetentionController {
  constructor(private readonly destructions: DestructionsService) {}

  @Get('destructions')
  @ApiZodQuery(ListDestructionsSchema)
  @OperatorOnly()
  @ApiOperation({
    summary: 'The destruction log (operators)',
    description:
      '`{ items: [{ id, recordType, recordId, year, rule, retainUntil, destroyedAt, contractId }], nextCursor }` in the order written; filters `recordType`, `year` (creation year), `contractId`; pages with `cursor`. No personal content.',
  })
  list(@Query(new ZodPipe(ListDestructionsSchema)) query: ListDestructionsQuery) {
    return this.destructions.list(query);
  }
}

@ApiTags('retention')
@ApiBearerAuth()
@Controller('v1/invoices/:id/legal-hold')
export class InvoiceLegalHoldController {
  constructor(private readonly legalHolds: LegalHoldService) {}

  @Put()
  @ApiProblems(410)
  @OperatorOnly()
  @ApiOperation({
    summary: 'Place a legal hold on an invoice (operators)',
    description: '`{ reason }` → invoice with `legalHold: { reason, since }`. The invoice and every record about it (payments, ledger entries, letters, mails, dunning) are kept past their retention until the hold is lifted. `410 RECORD_DESTROYED` when already destroyed.',
  })
  @ApiZodBody(LegalHoldSchema)
  place(@Param('id') id: string, @Body(new ZodPipe(LegalHoldSchema)) body: LegalHoldBody) {
    return this.legalHolds.place(id, body.reason);
  }

  @Delete()
  @OperatorOnly()
  @ApiOperation({ summary: 'Lift a legal hold (operators)', description: '→ invoice with `legalHold: null` (also when none was set). Records past their retention are destroyed at the contract workflow\'s next run.' })
  lift(@Param('id') id: string) {
    return this.legalHolds.lift(id);
  }
}
