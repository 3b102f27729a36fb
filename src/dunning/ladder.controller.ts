import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/auth.guard';
import { ApiProblems, ApiZodBody } from '../http/openapi';
import { ZodPipe } from '../http/zod-body';
import type { PutLadderBody } from './ladder.schema';
import { ladderView, PutLadderSchema } from './ladder.schema';
import { LadderService } from './ladder.service';

@ApiTags('dunning')
@ApiBearerAuth()
@Controller('v1/dunning/ladder')
export class LadderController {
  constructor(private readonly ladder: LadderService) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Get the dunning ladder in force',
    description: 'Operators. `{ version, steps: [{ step, offsetDays, channels, fee }] }`; version 1 is the built-in default (reminder D+7, 1st letter D+14, final letter D+28, handover D+42).',
  })
  async get() {
    return ladderView(await this.ladder.current());
  }

  @Put()
  @ApiProblems(422)
  @OperatorOnly()
  @ApiOperation({
    summary: 'Replace the dunning ladder',
    description:
      'Operators. `{ steps: [{ step: "reminder"|"first-letter"|"final-letter"|"handover", offsetDays, channels: ["email","letter"], fee: { amount, currency: "EUR" } }] }` → `200` the new version. ' +
      'Invoices already overdue keep the ladder of their due date. Steps in ascending order, each kind at most once, exactly one handover (last, no channels), fees ≥ 0: otherwise `422 INVALID_LADDER` with `problems`. The ladder in force again makes no new version.',
  })
  @ApiZodBody(PutLadderSchema)
  async replace(@Body(new ZodPipe(PutLadderSchema)) body: PutLadderBody) {
    return ladderView(await this.ladder.replace(body));
  }
}
