import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { OperatorOnly } from '../auth/auth.guard';
import { ZodPipe } from '../http/zod-body';
import { LettersService } from './letters.service';

const ListLettersSchema = z.strictObject({ contractId: z.uuid() });
type ListLettersQuery = z.infer<typeof ListLettersSchema>;

@ApiTags('letters')
@ApiBearerAuth()
@Controller('v1/letters')
export class LettersController {
  constructor(private readonly letters: LettersService) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: "List a contract's letters",
    description:
      'Operators. `contractId` (required) → `{ items: [{ id, communicationId, kind, status, partnerLetterId, submittedAt, invoiceId }] }`, oldest first. ' +
      '`status`: submitted | printed | posted | returned | failed; `submitted` without `partnerLetterId` means the hand-over to the print partner is still under way.',
  })
  @ApiQuery({ name: 'contractId', required: true, description: 'The contract whose letters to list.' })
  list(@Query(new ZodPipe(ListLettersSchema)) query: ListLettersQuery) {
    return this.letters.listForContract(query.contractId);
  }
}
