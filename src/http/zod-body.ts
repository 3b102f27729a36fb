import type { PipeTransform } from '@nestjs/common';
import { HttpStatus } from '@nestjs/common';
import type { z } from 'zod';
import { ProblemCode, ProblemError } from './problem';

/** Validates a request body (or query) against a zod schema; failures are 400 VALIDATION_FAILED. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const withNul = pathsWithNul(value ?? {});
    const result = withNul.length === 0 ? this.schema.safeParse(value ?? {}) : undefined;
    if (result?.success) return result.data;
    const errors = result ? result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) : withNul.map((path) => ({ path, message: NUL_MESSAGE }));
    throw new ProblemError(
      HttpStatus.BAD_REQUEST,
      ProblemCode.VALIDATION_FAILED,
      'Validation failed',
      errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
      { errors },
    );
  }
}

const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/**
 * Paths of the strings (and keys) in a request value that contain U+0000: PostgreSQL cannot store
 * it in text, so such a value would fail at the database (a 500) instead of here (found by the
 * fuzzing tier, docs/fuzzing.md).
 */
function pathsWithNul(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path.join('.')] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [...(key.includes('\u0000') ? [[...path, key].join('.')] : []), ...pathsWithNul(item, [...path, key])]);
}
