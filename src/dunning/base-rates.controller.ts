import { Body, Controller, Get, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { OperatorOnly } from '../auth/auth.guard';
import { isHalfYearStart } from '../domain/interest';
import { ApiProblems, ApiZodBody } from '../http/openapi';
import { ZodPipe } from '../http/zod-body';
import { BaseRatesService } from './base-rates.service';

/** Body of `POST /v1/base-rates`: one half-year's Basiszinssatz in basis points (−10.00 % to 20.00 %). */
export const AddBaseRateSchema = z.strictObject({
  validFrom: z.string().refine(isHalfYearStart, 'must be the start of a half-year, YYYY-01-01 or YYYY-07-01'),
  basisPoints: z.number().int().min(-1000).max(2000),
});
type AddBaseRateBody = z.infer<typeof AddBaseRateSchema>;

@ApiTags('dunning')
@ApiBearerAuth()
@Controller('v1/base-rates')
export class BaseRatesController {
  constructor(private readonly baseRates: BaseRatesService) {}

  @Get()
  @ApiOperation({
    summary: 'List the base interest rates',
    description: 'Customers and operators. The Basiszinssatz table (§ 247 BGB) that default interest is computed from: `{ items: [{ validFrom, basisPoints }] }`, oldest first; rates may be negative.',
  })
  list() {
    return this.baseRates.list();
  }

  @Post()
  @ApiProblems(409)
  @OperatorOnly()
  @ApiOperation({
    summary: "Add a half-year's base rate",
    description:
      'Operators. `{ validFrom: "YYYY-01-01" | "YYYY-07-01", basisPoints }` (integer, −1000 to 2000) → `201`; the same value again → `200`; ' +
      'another value for a half-year that has one → `409 BASE_RATE_EXISTS`. Interest for a half-year without a rate is not booked until it is added.',
  })
  @ApiZodBody(AddBaseRateSchema)
  @ApiCreatedResponse({ description: 'Added: `{ validFrom, basisPoints }`.' })
  @ApiOkResponse({ description: 'The half-year had this rate already: `{ validFrom, basisPoints }`.' })
  async add(@Body(new ZodPipe(AddBaseRateSchema)) body: AddBaseRateBody, @Res({ passthrough: true }) response: Response) {
    const { rate, created } = await this.baseRates.add(body);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return rate;
  }
}
