import { HttpStatus } from '@nestjs/common';
import { ProblemError } from '../http/problem';

/** `410 RECORD_DESTROYED`: the invoice existed and was destroyed after its retention period (only its tombstone is left). */
export function invoiceDestroyed(number: string): ProblemError {
  return new ProblemError(HttpStatus.GONE, 'RECORD_DESTROYED', 'Record destroyed', `Invoice ${number} was destroyed after its retention period.`);
}
