import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/client';
import { isWorkflowGone } from '../temporal/workflow-gone';
import { RETENTION_FAILURE_TYPES, setInvoiceLegalHold } from '../../activities/retention.activity';
import { legalHoldUpdate } from '../../workflows/messages';
import type { Clock } from '../app/clock';
import { CLOCK, PRISMA, TEMPORAL_CLIENT } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import type { Invoice } from '../generated/prisma/client';
import { ProblemCode, ProblemError } from '../http/problem';
import { isUuid } from '../http/uuid';
import { toInvoiceResource } from '../invoices/invoice.mapper';
import { invoiceDestroyed } from './record-destroyed';

/**
 * Legal holds on invoices (operators). A hold is a command to the contract's workflow (update
 * `legalHold`), which owns the retention schedule and writes the columns through its activity; once
 * the workflow has completed, the columns are written here directly with the same function.
 */
@Injectable()
export class LegalHoldService {
  private readonly logger = new Logger('LegalHold');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `PUT …/legal-hold`: the invoice and every record about it are kept until the hold is lifted. */
  place(id: string, reason: string) {
    return this.set(id, true, reason);
  }

  /** `DELETE …/legal-hold`: lifted (idempotent); what is past its retention is destroyed at the workflow's next run. */
  lift(id: string) {
    return this.set(id, false, null);
  }

  private async set(id: string, hold: boolean, reason: string | null) {
    const invoice = await this.find(id);
    const { workflowId } = await this.prisma.contract.findUniqueOrThrow({ where: { id: invoice.contractId }, select: { workflowId: true } });
    const request = { invoiceId: invoice.id, hold, reason };
    try {
      await this.temporal.workflow.getHandle(workflowId).executeUpdate(legalHoldUpdate, { args: [request] });
    } catch (error) {
      if (!isWorkflowGone(error)) throw problemOfUpdateFailure(error, invoice);
      // Completed: no workflow destroys anything any more, but the columns still show the hold.
      try {
        await setInvoiceLegalHold(this.prisma, { ...request, at: (await this.clock.now()).toISOString() });
      } catch (direct) {
        throw problemOfUpdateFailure(direct, invoice);
      }
    }
    this.logger.log(`invoice ${invoice.number}: legal hold ${hold ? 'placed' : 'lifted'} (${workflowId})`);
    return toInvoiceResource(await this.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } }));
  }

  /** The invoice; 404 unknown, 410 destroyed (nothing left to hold). */
  private async find(id: string): Promise<Invoice> {
    const row = isUuid(id) ? await this.prisma.invoice.findUnique({ where: { id } }) : null;
    if (!row) throw ProblemError.notFound('Invoice');
    if (row.status === 'destroyed') throw invoiceDestroyed(row.number);
    return row;
  }
}

/** The typed failure behind an update or activity error (the workflow may pass on its activity's failure). */
function failureTypeOf(error: unknown): string | undefined {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type) return cause.type;
  }
  return undefined;
}

/** Known failures as problems; anything else is passed on to the exception filter. */
function problemOfUpdateFailure(error: unknown, invoice: Invoice): unknown {
  const type = failureTypeOf(error);
  if (type === RETENTION_FAILURE_TYPES.RECORD_DESTROYED) return invoiceDestroyed(invoice.number);
  if (type === RETENTION_FAILURE_TYPES.INVOICE_MISSING) return ProblemError.notFound('Invoice');
  if (type === RETENTION_FAILURE_TYPES.INVALID_LEGAL_HOLD) return new ProblemError(HttpStatus.BAD_REQUEST, ProblemCode.VALIDATION_FAILED, 'Validation failed', error instanceof Error ? error.message : String(error));
  // Other update failures (a validator's code) are mapped by the exception filter.
  return error;
}
