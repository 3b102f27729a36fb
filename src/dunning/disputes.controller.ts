import { Body, Controller, Delete, HttpCode, HttpStatus, Inject, Injectable, Logger, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import { isWorkflowGone } from '../temporal/workflow-gone';
import { z } from 'zod';
import { PRISMA, TEMPORAL_CLIENT } from '../app/tokens';
import { CurrentPrincipal, OperatorOnly } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import type { PrismaClient } from '../database/prisma-client';
import { ApiProblems, ApiZodBody } from '../http/openapi';
import { ProblemError } from '../http/problem';
import { isUuid } from '../http/uuid';
import { ZodPipe } from '../http/zod-body';
import { InvoicesService } from '../invoices/invoices.service';
import { disputeUpdate } from '../../workflows/messages';

const DisputeSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });
type DisputeBody = z.infer<typeof DisputeSchema>;

/** Dispute holds: the contract's workflow pauses the invoice's dunning (and withholds any credit-bureau report). */
@Injectable()
export class DisputesService {
  private readonly logger = new Logger('Dunning');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    private readonly invoices: InvoicesService,
  ) {}

  async set(invoiceId: string, onHold: boolean, reason: string | null, principal: Principal) {
    const invoice = isUuid(invoiceId) ? await this.prisma.invoice.findUnique({ where: { id: invoiceId }, include: { contract: { select: { workflowId: true } } } }) : null;
    if (!invoice) throw ProblemError.notFound('Invoice');
    if (invoice.status === 'destroyed') throw new ProblemError(HttpStatus.GONE, 'RECORD_DESTROYED', 'Record destroyed', `Invoice ${invoice.number} was destroyed after its retention period.`);
    if (invoice.status === 'paid') throw new ProblemError(HttpStatus.CONFLICT, 'INVOICE_PAID', 'Invoice paid', `Invoice ${invoice.number} is paid: there is no dunning to hold.`);
    try {
      await this.temporal.workflow.getHandle(invoice.contract.workflowId).executeUpdate(disputeUpdate, { args: [{ invoiceId: invoice.id, onHold, reason }] });
    } catch (error) {
      if (isWorkflowGone(error)) throw new ProblemError(HttpStatus.CONFLICT, 'CONTRACT_ENDED', 'Contract ended', 'The contract’s workflow has completed.');
      throw error;
    }
    this.logger.log(`invoice ${invoice.number} (contract ${invoice.contractId}): dunning ${onHold ? 'on hold' : 'resumed'} by ${principal.role}${reason ? `: ${reason}` : ''}`);
    return this.invoices.get(invoice.id, principal);
  }
}

@ApiTags('dunning')
@ApiBearerAuth()
@Controller('v1/invoices/:id/dispute')
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Put()
  @ApiProblems(409)
  @OperatorOnly()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Put an invoice’s dunning on hold (dispute)',
    description: 'Operators. `{ reason }` → the invoice with `dunning.onHold: true`; the ladder pauses (no letter, no handover, no credit-bureau report). `409 INVOICE_NOT_IN_DUNNING` before the invoice is overdue, `409 INVOICE_PAID`.',
  })
  @ApiZodBody(DisputeSchema)
  hold(@Param('id') id: string, @Body(new ZodPipe(DisputeSchema)) body: DisputeBody, @CurrentPrincipal() principal: Principal) {
    return this.disputes.set(id, true, body.reason, principal);
  }

  @Delete()
  @ApiProblems(409)
  @OperatorOnly()
  @ApiOperation({ summary: 'Lift a dispute hold', description: 'Operators. The remaining steps move by the length of the hold. → the invoice with `dunning.onHold: false`.' })
  lift(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.disputes.set(id, false, null, principal);
  }
}
