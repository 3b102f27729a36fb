import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';
import { ApiFileResponse } from '../http/openapi';
import { Metrics, METRICS, METRICS_CONTENT_TYPE } from './metrics';

/** `GET /metrics` for Prometheus (no token; turn it off with METRICS_ENABLED=false or keep it off the public network). */
@ApiTags('observability')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  @ApiFileResponse('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics', description: 'Text format 0.0.4: HTTP, activity and domain counters, process metrics (docs/observability.md).' })
  scrape(): Promise<string> {
    return this.metrics.exposition();
  }
}
