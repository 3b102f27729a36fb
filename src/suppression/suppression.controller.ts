import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OperatorOnly } from '../auth/auth.guard';
import { ZodPipe } from '../http/zod-body';
import type { CreateSuppressionBody } from './suppression.schema';
import { CreateSuppressionSchema } from './suppression.schema';
import { SuppressionService } from './suppression.service';
import { ApiZodBody } from '../http/openapi';

@ApiTags('suppressions')
@ApiBearerAuth()
@Controller('v1/suppressions')
export class SuppressionController {
  constructor(private readonly suppressions: SuppressionService) {}

  /** Suppresses an address: `201` when added, `200` with the same `emailHash` when it was already listed. */
  @Post()
  @ApiOperation({ summary: 'Suppress an e-mail address', description: 'Operators. Only the SHA-256 of the trimmed, lower-cased address is stored; the list is never deleted.' })
  @OperatorOnly()
  @ApiZodBody(CreateSuppressionSchema)
  @ApiCreatedResponse({ description: 'Added: `{ emailHash, createdAt }` (SHA-256 of the trimmed, lower-cased address).' })
  @ApiOkResponse({ description: 'Already on the list: the same `{ emailHash, createdAt }` as the first time.' })
  async create(@Body(new ZodPipe(CreateSuppressionSchema)) body: CreateSuppressionBody, @Res({ passthrough: true }) response: Response) {
    const { emailHash, created, createdAt } = await this.suppressions.suppress(body.email, 'operator');
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return { emailHash, createdAt };
  }
}
