import type { PipeTransform } from '@nestjs/common';
import { HttpStatus } from '@nestjs/common';
import type { z } from 'zod';
import { ProblemCode, ProblemError } from './problem';

/** Validates a request body (or query) against a zod schema; failures are 400 VALIDATION_FAILED. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const errors = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new ProblemError(
      HttpStatus.BAD_REQUEST,
      ProblemCode.VALIDATION_FAILED,
      'Validation failed',
      errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
      { errors },
    );
  }
}
