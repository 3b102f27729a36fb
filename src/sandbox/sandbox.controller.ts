import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DateTime, Duration } from 'luxon';
import { z } from 'zod';
import type { SandboxControl } from '../app/clock';
import { SANDBOX_CONTROL } from '../app/tokens';
import { ProblemError } from '../http/problem';
import { ZodPipe } from '../http/zod-body';
import { ApiProblems } from '../http/openapi';

const AdvanceSchema = z.union([
  z.strictObject({ to: z.iso.datetime({ offset: true }) }),
  z.strictObject({ by: z.string().regex(/^P/, 'must be an ISO 8601 duration such as P30D') }),
]);
type AdvanceBody = z.infer<typeof AdvanceSchema>;

/** Sandbox clock (only registered in sandbox mode). */
@ApiTags('sandbox')
@ApiBearerAuth()
@Controller('v1/sandbox/clock')
export class SandboxController {
  constructor(@Inject(SANDBOX_CONTROL) private readonly sandbox: SandboxControl) {}

  @Get()
  @ApiOperation({ summary: 'Read the sandbox clock', description: "Sandbox mode only (404 otherwise). `{ now }`: the time-skipping server's current time." })
  async now() {
    return { now: (await this.sandbox.now()).toISOString() };
  }

  /** Skips time; returns once every timer due by then has fired and workflows have settled. */
  @Post('advance')
  @ApiProblems(422)
  @ApiOperation({ summary: 'Advance the sandbox clock', description: 'Body `{ to: instant }` or `{ by: ISO 8601 duration }`. Answers `{ now }` once every timer due by then has fired and the workflows have settled. The clock never moves backwards (422 `CLOCK_BACKWARDS`).' })
  @HttpCode(200)
  async advance(@Body(new ZodPipe(AdvanceSchema)) body: AdvanceBody) {
    const now = await this.sandbox.now();
    let to: Date;
    if ('to' in body) {
      to = new Date(body.to);
    } else {
      const duration = Duration.fromISO(body.by);
      if (!duration.isValid) throw new ProblemError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', `by: ${duration.invalidExplanation ?? 'invalid duration'}`);
      // Calendar arithmetic in UTC: P1M is a month, not 30 days.
      to = DateTime.fromJSDate(now, { zone: 'utc' }).plus(duration).toJSDate();
    }
    if (to.getTime() < now.getTime()) {
      throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, 'CLOCK_BACKWARDS', 'The clock only moves forward', `now is ${now.toISOString()}`);
    }
    return { now: (await this.sandbox.advanceTo(to)).toISOString() };
  }
}
