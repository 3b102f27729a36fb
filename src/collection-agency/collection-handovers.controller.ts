import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { OperatorOnly } from '../auth/auth.guard';
import { ZodPipe } from '../http/zod-body';
import { CollectionHandoversService } from './collection-handovers.service';

const ListHandoversSchema = z.strictObject({ contractId: z.uuid() });
type ListHandoversQuery = z.infer<typeof ListHandoversSchema>;

@ApiTags('dunning')
@ApiBearerAuth()
@Controller('v1/collection-handovers')
export class CollectionHandoversController {
  constructor(private readonly handovers: CollectionHandoversService) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: "List a contract's collection handovers",
    description:
      'Operators. `contractId` (required) → `{ items: [{ id, contractId, handedOverOn, debtor, claims: [{ invoiceNumber, issuedOn, dueOn, openAmount, fees, interest }], claimTotal, status }] }`, oldest first. ' +
      '`debtor` has exactly `name, birthName, address, email, dateOfBirth, occupation, phone, contractDate` (the data set handed over); `status`: delivered | failed | closed.',
  })
  @ApiQuery({ name: 'contractId', required: true, description: 'The contract whose handovers to list.' })
  list(@Query(new ZodPipe(ListHandoversSchema)) query: ListHandoversQuery) {
    return this.handovers.listForContract(query.contractId);
  }
}
