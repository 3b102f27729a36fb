import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Response } from 'express';
import { DomainError } from '../domain/errors';
import { ProblemCode, ProblemError, problemType, statusOfDomainCode } from './problem';

/** Maps every error to RFC 9457 problem+json with a stable `code`. Never a 500 for bad input. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
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
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : exception.message;
      // body-parser's JSON errors arrive as 400 HttpExceptions ("Unexpected token ...").
      if (status === HttpStatus.BAD_REQUEST) return new ProblemError(status, ProblemCode.MALFORMED_JSON, 'Malformed request body', message);
      if (status === HttpStatus.NOT_FOUND) return new ProblemError(status, ProblemCode.NOT_FOUND, 'Not found', message);
      if (status === HttpStatus.PAYLOAD_TOO_LARGE) return new ProblemError(status, ProblemCode.VALIDATION_FAILED, 'Payload too large', message);
      return new ProblemError(status, status >= 500 ? ProblemCode.INTERNAL : `HTTP_${status}`, exception.name, message);
    }
    if (isBodyParserError(exception)) {
      return new ProblemError(HttpStatus.BAD_REQUEST, ProblemCode.MALFORMED_JSON, 'Malformed request body', exception.message);
    }
    return new ProblemError(HttpStatus.INTERNAL_SERVER_ERROR, ProblemCode.INTERNAL, 'Internal error', 'An unexpected error occurred.');
  }
}

function isBodyParserError(e: unknown): e is { message: string; type: string } {
  return typeof e === 'object' && e !== null && 'type' in e && (e as { type: unknown }).type === 'entity.parse.failed';
}
