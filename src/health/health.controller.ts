import { Controller, Get, HttpStatus, Inject, Logger } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import { PRISMA, TEMPORAL_CLIENT } from '../app/tokens';
import { Public } from '../auth/auth.guard';
import type { PrismaClient } from '../database/prisma-client';
import { ProblemError } from '../http/problem';
import { ApiProblems } from '../http/openapi';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness', description: 'The process answers; checks nothing else.' })
  live() {
    return { status: 'ok' };
  }

  /** Ready when the database and Temporal answer. */
  @Get('ready')
  @ApiProblems(503)
  @ApiOperation({ summary: 'Readiness: database and Temporal', description: '200 when PostgreSQL and Temporal answer, else 503 with `checks`.' })
  async ready() {
    // Public route: why a dependency is down (host, port, driver message) goes to the log only.
    const down = (what: string) => (e: Error) => {
      this.logger.warn(`${what} is down: ${e.message}`);
      return 'down';
    };
    const [database, temporal] = await Promise.all([
      this.prisma.$queryRaw`SELECT 1`.then(() => 'up', down('database')),
      this.temporal.connection.workflowService.getSystemInfo({}).then(() => 'up', down('Temporal')),
    ]);
    if (database !== 'up' || temporal !== 'up') {
      throw new ProblemError(HttpStatus.SERVICE_UNAVAILABLE, 'UNAVAILABLE', 'Not ready', 'A dependency is down.', { checks: { database, temporal } });
    }
    return { status: 'ok', checks: { database, temporal } };
  }
}
