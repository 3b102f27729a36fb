import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { OperatorOnly } from '../auth/auth.guard';
import { ZodPipe } from '../http/zod-body';
import { CreditReportsService } from './credit-reports.service';

const ListCreditReportsSchema = z.strictObject({ contractId: z.uuid() });
type ListCreditReportsQuery = z.infer<typeof ListCreditReportsSchema>;

@ApiTags('dunning')
@ApiBearerAuth()
@Controller('v1/credit-reports')
export class CreditReportsController {
  constructor(private readonly reports: CreditReportsService) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: "List a contract's credit-bureau decisions",
    description:
      'Operators. `contractId` (required) → `{ items: [{ id, contractId, invoiceId, decision: "sent"|"withheld", reason, decidedOn }] }`, oldest first. ' +
      'A report is sent at the handover only when § 31 (2) Nr. 4 BDSG holds; otherwise `reason` names the unmet condition: DISPUTED, TOO_FEW_LETTERS, FIRST_LETTER_TOO_RECENT or NOT_ANNOUNCED.',
  })
  @ApiQuery({ name: 'contractId', required: true, description: 'The contract whose decisions to list.' })
  list(@Query(new ZodPipe(ListCreditReportsSchema)) query: ListCreditReportsQuery) {
    return this.reports.listForContract(query.contractId);
  }
}
