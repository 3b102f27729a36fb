import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { OperatorOnly } from '../auth/auth.guard';
import { ZodPipe } from '../http/zod-body';
import { LETTER_STATUSES } from './letter-status';
import { LettersService } from './letters.service';

const ListLettersSchema = z
  .strictObject({
    contractId: z.uuid().optional(),
    status: z.enum(LETTER_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.uuid().optional(),
  })
  .refine((query) => query.contractId !== undefined || query.status !== undefined, { message: 'contractId or status is required', path: ['contractId'] });
type ListLettersQuery = z.infer<typeof ListLettersSchema>;

@ApiTags('letters')
@ApiBearerAuth()
@Controller('v1/letters')
export class LettersController {
  constructor(private readonly letters: LettersService) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: "List a contract's letters, or all letters of a status",
    description:
      'Operators. `contractId` → `{ items: [{ id, contractId, communicationId, kind, status, error, partnerLetterId, submittedAt, invoiceId }] }`, all of the contract\'s, oldest first (optionally only `status`). ' +
      '`status` alone (e.g. `status=failed`: letters the print partner refused or reported an issue for, with the reason in `error`) → every contract\'s, oldest first, ' +
      '`limit` (default 50, at most 200) per page, `nextCursor` for the next (`cursor`). ' +
      '`status`: submitted | printed | posted | returned | failed; `submitted` without `partnerLetterId` means the hand-over to the print partner is still under way.',
  })
  @ApiQuery({ name: 'contractId', required: false, description: 'The contract whose letters to list (this or `status` is required).' })
  @ApiQuery({ name: 'status', required: false, enum: LETTER_STATUSES, description: 'Only letters of this status (without `contractId`: of every contract, paged).' })
  @ApiQuery({ name: 'limit', required: false, description: 'Page size without `contractId` (1–200, default 50).' })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page (without `contractId`).' })
  list(@Query(new ZodPipe(ListLettersSchema)) query: ListLettersQuery) {
    if (query.contractId !== undefined) return this.letters.listForContract(query.contractId, query.status);
    return this.letters.listByStatus(query.status as NonNullable<ListLettersQuery['status']>, query.limit, query.cursor);
  }
}
