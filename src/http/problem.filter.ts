import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ApplicationFailure, ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Request, Response } from 'express';
import { DomainError } from '../domain/errors';
import { JSON_BODY_LIMIT, UPLOAD_BODY_LIMIT } from './body-limits';
import { ProblemCode, ProblemError, problemType, statusOfDomainCode } from './problem';

/** Maps every error to RFC 9457 problem+json with a stable `code`. Never a 500 for bad input. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception);
    // The details (message, stack, SQL of a database error) go to the log, never into the body.
    if (problem.status >= 500) {
      const request = http.getRequest<Request>();
      const details = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`${request.method} ${request.originalUrl} → ${problem.status} ${problem.code}: ${details}`);
    }
    response
      .status(problem.status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: problemType(problem.code),
          title: problem.title,
          status: problem.status,
          detail: problem.detail,
          code: problem.code,
          ...problem.extensions,
        }),
      );
  }

  private toProblem(exception: unknown): ProblemError {
    if (exception instanceof ProblemError) return exception;
    if (exception instanceof DomainError) {
      return new ProblemError(statusOfDomainCode(exception.code), exception.code, 'Not allowed in the contract state', exception.message);
    }
    if (exception instanceof WorkflowUpdateFailedError && exception.cause instanceof ApplicationFailure && exception.cause.type) {
      const code = exception.cause.type;
      return new ProblemError(statusOfDomainCode(code), code, 'Not allowed in the contract state', exception.cause.message);
    }
    if (exception instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isTemporalUnavailable(exception)) {
      // A worker restarting, Temporal unreachable: nothing the request did wrong, and a retry with
      // the same Idempotency-Key is safe (a command's update id derives from it).
      return new ProblemError(
        HttpStatus.SERVICE_UNAVAILABLE,
        ProblemCode.UNAVAILABLE,
        'Contract workflow unavailable',
        "The contract's workflow did not answer in time (a worker may be restarting); retry the request with the same Idempotency-Key.",
      );
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : exception.message;
      // body-parser's JSON errors arrive as 400 HttpExceptions ("Unexpected token ...").
      if (status === HttpStatus.BAD_REQUEST) return new ProblemError(status, ProblemCode.MALFORMED_JSON, 'Malformed request body', message);
      if (status === HttpStatus.NOT_FOUND) return new ProblemError(status, ProblemCode.NOT_FOUND, 'Not found', message);
      if (status === HttpStatus.PAYLOAD_TOO_LARGE) return payloadTooLarge();
      if (status === HttpStatus.TOO_MANY_REQUESTS) return new ProblemError(status, ProblemCode.RATE_LIMITED, 'Too many requests', message);
      if (status >= 500) return internalError();
      return new ProblemError(status, `HTTP_${status}`, exception.name, message);
    }
    if (isBodyParserError(exception)) {
      if (exception.type === 'entity.parse.failed') {
        return new ProblemError(HttpStatus.BAD_REQUEST, ProblemCode.MALFORMED_JSON, 'Malformed request body', exception.message);
      }
      if (exception.type === 'entity.too.large') return payloadTooLarge();
      // Other client errors of the body parser (unsupported charset or encoding, aborted upload).
      if (exception.status >= 400 && exception.status < 500) {
        return new ProblemError(exception.status, `HTTP_${exception.status}`, 'Unreadable request body', exception.message);
      }
    }
    return internalError();
  }
}

function payloadTooLarge(): ProblemError {
  return new ProblemError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    ProblemCode.PAYLOAD_TOO_LARGE,
    'Payload too large',
    `The request body is over the limit: ${JSON_BODY_LIMIT} for JSON, ${UPLOAD_BODY_LIMIT} for XML and zip uploads.`,
  );
}

/** Anything unexpected: a generic detail (what happened is in the log). */
function internalError(): ProblemError {
  return new ProblemError(HttpStatus.INTERNAL_SERVER_ERROR, ProblemCode.INTERNAL, 'Internal error', 'An unexpected error occurred.');
}

/** An error of the body parser (http-errors: `type` such as `entity.too.large`, `status` its HTTP status). */
function isBodyParserError(e: unknown): e is { message: string; type: string; status: number } {
  if (typeof e !== 'object' || e === null) return false;
  const { type, status, message } = e as { type?: unknown; status?: unknown; message?: unknown };
  return typeof type === 'string' && /^(entity|encoding|charset|request|stream|parameters)\./.test(type) && typeof status === 'number' && typeof message === 'string';
}

/** gRPC status codes (grpc/doc/statuscodes.md). */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** A Temporal RPC that failed because the server was unreachable or too slow (not because of the request). */
function isTemporalUnavailable(e: unknown): boolean {
  if (!(e instanceof ServiceError)) return false;
  const code = (e.cause as { code?: unknown } | undefined)?.code;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
}
