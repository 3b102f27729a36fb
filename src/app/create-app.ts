import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { JSON_BODY_LIMIT, JSON_MEDIA_TYPES, UPLOAD_BODY_LIMIT, UPLOAD_MEDIA_TYPES } from '../http/body-limits';
import { withProblemResponses } from '../http/openapi';
import { ProblemFilter } from '../http/problem.filter';
import type { ApiObservabilityOptions } from '../observability/api-observability';
import { apiObservability } from '../observability/api-observability';
import { corsOptions, securityHeaders } from '../security/security-headers';
import type { AppDependencies } from './app.module';
import { AppModule } from './app.module';

/** Builds the HTTP application: routes, problem+json errors, OpenAPI at /v1/openapi.json, Swagger UI at /docs. */
export async function createApp(deps: AppDependencies, options: ApiObservabilityOptions = {}): Promise<INestApplication> {
  // JSON logs (nestjs-pino), request ids, the HTTP histogram, GET /metrics, spans (docs/observability.md).
  const observability = apiObservability(deps.config, options);
  const app = await NestFactory.create<NestExpressApplication>(observability.wrap(AppModule.create(deps)), {
    ...observability.nestOptions,
    bodyParser: true,
    // Keeps each JSON body's bytes as `request.rawBody`: webhook signatures are over the raw body.
    rawBody: true,
  });
  observability.attach(app);
  // Security headers and CORS come first, so every answer carries them (a 413 of the body parser too).
  app.use(securityHeaders(deps.config.security));
  const cors = corsOptions(deps.config.security);
  if (cors) app.enableCors(cors);
  app.useBodyParser('json', { type: JSON_MEDIA_TYPES, limit: JSON_BODY_LIMIT });
  // Bank statements (camt.053) arrive as XML, often zipped; 10,000 entries are a few MB.
  app.useBodyParser('raw', { type: UPLOAD_MEDIA_TYPES, limit: UPLOAD_BODY_LIMIT });
  // Errors thrown before routing (e.g. malformed JSON in the body parser) need the filter too.
  app.useGlobalFilters(new ProblemFilter());
  // No enableShutdownHooks(): Nest would re-raise SIGINT and kill the process before the
  // callers (main.ts, scripts/start.ts) have stopped the worker, Temporal and the database.
  const document = withProblemResponses(
    SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Vertragswerk contract and billing API').setVersion('1').addBearerAuth().build()),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'v1/openapi.json' });
  return app;
}
