import type { OpenAPIObject } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtension, ApiOkResponse, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import type { ResourceName } from './resource-schemas';
import { RESOURCE_SCHEMAS } from './resource-schemas';

/** Documents a request body in the OpenAPI document from the zod schema that validates it. */
export const ApiZodBody = (schema: z.ZodType) => ApiBody({ schema: z.toJSONSchema(schema, { io: 'input' }) as object });

/**
 * Documents a query's parameters from the zod object schema that validates it (each property a
 * query parameter, with its JSON schema), so that clients and the fuzzing tier see the filters.
 */
export function ApiZodQuery(schema: z.ZodObject) {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, { description?: string }>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: property as object, description: property.description }),
    ),
  );
}

/**
 * Documents a `200` answer that is not JSON (a PDF, XML, metrics text) with its media type; every
 * other success answer is documented as JSON by withProblemResponses.
 */
export const ApiFileResponse = (mediaType: string, description = '') =>
  ApiOkResponse({ description, content: { [mediaType]: { schema: { type: 'string', format: mediaType.startsWith('text/') ? undefined : 'binary' } } } });

/** Documents a JSON success answer with a resource schema (src/http/resource-schemas.ts). */
export const ApiResource = (name: ResourceName, status = 200) =>
  ApiResponse({ status, description: '', content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } });

const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const PROBLEM_REF = '#/components/schemas/Problem';

/** RFC 9457 problem details as the ProblemFilter writes them (src/http/problem.filter.ts). */
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'URI of the problem type' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable machine code (VALIDATION_FAILED, NOT_FOUND, …)' },
  },
  // Extensions such as validation `errors` or a ladder's `problems`.
  additionalProperties: true,
};

/** What each problem status means on this API (the description of its response). */
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `VALIDATION_FAILED` (with `errors`), `MALFORMED_JSON`, or another stable code.',
  401: '`UNAUTHENTICATED`: no bearer token, or one that is not valid.',
  403: '`FORBIDDEN`: for operators only.',
  404: '`NOT_FOUND`: unknown, or not the caller\'s.',
  409: 'Conflict with the current state (a stable domain code such as `ALREADY_CANCELLED`, or `IDEMPOTENCY_KEY_REUSED`).',
  410: 'Gone: the resource was deleted (retention).',
  413: '`PAYLOAD_TOO_LARGE`: JSON over 256 kB, XML or zip over 25 MB.',
  415: 'Unsupported media type of the request body.',
  422: 'Not allowed by the domain rules (a stable domain code).',
  429: '`RATE_LIMITED`: over the per-token or per-IP limit; `Retry-After` in seconds.',
  503: '`UNAVAILABLE`: a dependency (Temporal, a partner) is unavailable; try again later.',
};

function problemResponse(status: number) {
  const description = PROBLEM_DESCRIPTIONS[status];
  if (!description) throw new Error(`no problem description for ${status}`);
  const headers = status === 429 ? { 'Retry-After': { description: 'Seconds until a request is counted again', schema: { type: 'integer' } } } : undefined;
  return { description, content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_REF } } }, ...(headers ? { headers } : {}) };
}

const PROBLEMS = 'x-problems';
const OPERATORS_ONLY = 'x-operators-only';

/**
 * Documents a route's own problem answers (problem+json), e.g. `@ApiProblems(409, 422)`; once per
 * route. NOTE: an extension that withProblemResponses turns into responses, not `@ApiResponse`:
 * with any `@ApiResponse` Nest would leave out the route's default success response.
 */
export const ApiProblems = (...statuses: number[]) => ApiExtension(PROBLEMS, statuses);

/** Marks a route (or a controller's routes) as operators-only in the document: `x-operators-only`, and 403. */
export const ApiOperatorsOnly = () => ApiExtension(OPERATORS_ONLY, true);

/**
 * Adds the problem answers every route of a kind can give, so that the document describes each
 * answer the platform sends (the fuzzing tier checks it, docs/fuzzing.md):
 * - every route: 429 (rate limits), except signed webhooks (exempt);
 * - routes with a bearer token: 401;
 * - routes with parameters or a body: 400 (validation, malformed JSON);
 * - routes with path parameters: 404 (unknown, or not the caller's);
 * - routes with a body: 413;
 * - operators-only routes (`@OperatorOnly()`): 403;
 * - and each route's own, given with `@ApiProblems`.
 * Success answers without a media type are JSON (`ApiFileResponse` documents the others).
 */
export function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...RESOURCE_SCHEMAS, Problem: PROBLEM_SCHEMA } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = (operation.parameters ?? []) as { in?: string }[];
      const extensions = operation as unknown as Record<string, unknown>;
      const own = extensions[PROBLEMS] as number[] | undefined;
      delete extensions[PROBLEMS];
      const statuses = [
        ...(path.startsWith('/v1/webhooks/') ? [] : [429]),
        ...((operation.security ?? []).some((requirement) => 'bearer' in requirement) ? [401] : []),
        ...(parameters.length > 0 || operation.requestBody ? [400] : []),
        ...(parameters.some((parameter) => parameter.in === 'path') ? [404] : []),
        ...(operation.requestBody ? [413] : []),
        ...(extensions[OPERATORS_ONLY] ? [403] : []),
        ...(own ?? []),
      ];
      for (const status of [...new Set(statuses)].sort()) operation.responses[status] ??= problemResponse(status);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^2\d\d$/.test(status) && response && !('$ref' in response) && !response.content) response.content = { 'application/json': { schema: {} } };
      }
    }
  }
  return document;
}
