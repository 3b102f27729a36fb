import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { idempotentIdFor } from '../http/idempotency-context';
import { isWorkflowGone } from '../temporal/workflow-gone';
import type { UpdateDefinition } from '@temporalio/common';
import type { Clock } from '../app/clock';
import { CLOCK, PRISMA, TEMPORAL_CLIENT } from '../app/tokens';
import type { Principal } from '../auth/principal';
import type { PrismaClient } from '../database/prisma-client';
import type { ContractState } from '../domain/contract';
import { previewCancellation } from '../domain/contract';
import { DomainError } from '../domain/errors';
import type { DomainErrorCode } from '../domain/errors';
import { ProblemError } from '../http/problem';
import {
  cancelUpdate,
  changePlanUpdate,
  changeSeatsUpdate,
  convertTrialUpdate,
  pauseUpdate,
  resumeUpdate,
  revokeCancellationUpdate,
  revokePlanChangeUpdate,
  retryStepUpdate,
  stateQuery,
} from '../../workflows/messages';
import type { CancelContractBody, ChangePlanBody, ChangeSeatsBody, ConvertTrialBody, PaymentMethodBody } from './contract.schema';
import { ContractsService } from './contracts.service';
import { replacePaymentMethod } from './payment-methods';
import type { Contract } from '../generated/prisma/client';

/**
 * Customer and operator commands on a contract. Each is a Temporal update of the contract's
 * workflow: the workflow's validator applies the domain rules and answers synchronously.
 */
@Injectable()
export class ContractCommandsService {
  private readonly logger = new Logger('ContractCommands');

  constructor(
    private readonly contracts: ContractsService,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `{ endsOn }` for a notice received now (from the workflow's state, the source of truth). */
  async previewCancellation(id: string, principal: Principal) {
    const row = await this.contracts.find(id, principal);
    const state = await this.temporal.workflow.getHandle(row.workflowId).query(stateQuery);
    if (state.status === 'ended') throw new DomainError('CONTRACT_ENDED', `The contract ended on ${state.endedOn ?? '?'}.`);
    if (state.cancellation) throw new DomainError('ALREADY_CANCELLED', `The contract is already cancelled and ends on ${state.cancellation.endsOn}.`);
    const now = await this.clock.now();
    const { receivedOn, endsOn } = previewCancellation(state, now);
    return { receivedOn, endsOn, receivedAt: now.toISOString() };
  }

  cancel(id: string, body: CancelContractBody, principal: Principal) {
    if (principal.role === 'customer' && (body.receivedAt !== undefined || body.channel !== undefined)) {
      throw new ProblemError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', 'receivedAt and channel are for operators only.');
    }
    const request = {
      ...(body.receivedAt ? { receivedAt: new Date(body.receivedAt).toISOString() } : {}),
      deleteData: body.deleteData,
      channel: body.channel ?? ('online' as const),
      reason: body.reason ?? null,
    };
    return this.send(id, principal, cancelUpdate, [request], 'CONTRACT_ENDED');
  }

  revokeCancellation(id: string, principal: Principal) {
    return this.send(id, principal, revokeCancellationUpdate, [], 'NOTICE_PERIOD_OVER');
  }

  changePlan(id: string, body: ChangePlanBody, principal: Principal) {
    return this.send(id, principal, changePlanUpdate, [{ plan: body.plan, acceptTerms: body.acceptTerms }], 'CONTRACT_ENDED');
  }

  revokePlanChange(id: string, principal: Principal) {
    return this.send(id, principal, revokePlanChangeUpdate, [], 'NOTHING_TO_REVOKE');
  }

  convertTrial(id: string, body: ConvertTrialBody, principal: Principal) {
    // Only the method's type is workflow state; mandate and card details belong to billing and
    // are stored once the conversion is accepted (masked in the response).
    return this.send(id, principal, convertTrialUpdate, [{ plan: body.plan, paymentMethod: body.paymentMethod.type }], 'CONTRACT_ENDED', (row) =>
      replacePaymentMethod(this.prisma, row.id, body.paymentMethod, randomUUID),
    );
  }

  pause(id: string, principal: Principal) {
    return this.send(id, principal, pauseUpdate, [], 'CONTRACT_ENDED');
  }

  resume(id: string, principal: Principal) {
    return this.send(id, principal, resumeUpdate, [], 'CONTRACT_ENDED');
  }

  async changeSeats(id: string, body: ChangeSeatsBody, principal: Principal) {
    const row = await this.contracts.find(id, principal);
    const userCount = await this.prisma.user.count({ where: { contractId: row.id } });
    return this.send(id, principal, changeSeatsUpdate, [{ seats: body.seats, userCount }], 'CONTRACT_ENDED');
  }

  /**
   * Sends an update and returns the contract as stored after it. A finished workflow means the
   * contract has ended long ago (its data is deleted): that is `endedCode`.
   */
  private async send<Args extends unknown[]>(
    id: string,
    principal: Principal,
    update: UpdateDefinition<ContractState, Args>,
    args: Args,
    endedCode: DomainErrorCode,
    /** Database work that belongs to an accepted command (before the response is built). */
    afterAccepted?: (row: Contract) => Promise<unknown>,
  ) {
    const row = await this.contracts.find(id, principal);
    let state: ContractState;
    try {
      // The generic Args cannot be matched to executeUpdate's overloads; the definitions are typed in messages.ts.
      state = await this.temporal.workflow
        .getHandle(row.workflowId)
        .executeUpdate(update as unknown as UpdateDefinition<ContractState, [unknown]>, { args: args as unknown as [unknown], ...updateIdOf(update.name) });
    } catch (error) {
      if (isWorkflowGone(error)) throw new DomainError(endedCode, 'The contract has ended.');
      throw error;
    }
    this.logger.log(`contract ${row.id}: ${update.name} by ${principal.role} (revision ${state.revision}, ${state.status})`);
    if (afterAccepted) await afterAccepted(row);
    // The update's result is the source of truth: the response shows exactly what it did. The
    // workflow mirrored the same state before answering, so a GET right after shows it too.
    return this.contracts.resourceOf(await this.contracts.find(id, principal), state);
  }

  /** `PUT …/payment-method`: the new method replaces the current one (masked in the response). */
  async setPaymentMethod(id: string, body: PaymentMethodBody, principal: Principal) {
    const row = await this.contracts.find(id, principal);
    if (row.status === 'ended') throw new DomainError('CONTRACT_ENDED', `The contract ended on ${row.endedOn ?? '?'}.`);
    await replacePaymentMethod(this.prisma, row.id, body, randomUUID);
    this.logger.log(`contract ${row.id}: payment method set to ${body.type} by ${principal.role}`);
    return this.contracts.get(id, principal);
  }

  /** `DELETE …/payment-method`: revokes the mandate or removes the card; invoices are then paid by bank transfer. */
  removePaymentMethod(id: string, principal: Principal) {
    return this.setPaymentMethod(id, { type: 'transfer' }, principal);
  }

  /** Operators: runs a step that failed for good again (`POST …/attention/{step}/retry` → 202). */
  async retryStep(id: string, step: string, principal: Principal) {
    if (principal.role !== 'operator') throw new ProblemError(HttpStatus.FORBIDDEN, 'FORBIDDEN', 'Operators only', 'Only operators may retry a failed step.');
    const row = await this.contracts.find(id, principal);
    try {
      const result = await this.temporal.workflow.getHandle(row.workflowId).executeUpdate(retryStepUpdate, { args: [step], ...updateIdOf(`${retryStepUpdate.name}-${step}`) });
      this.logger.log(`contract ${row.id}: operator retries step ${step}`);
      return { contractId: row.id, ...result };
    } catch (error) {
      if (isWorkflowGone(error)) throw ProblemError.notFound(`Attention item ${step}`);
      throw error;
    }
  }
}

/**
 * With an Idempotency-Key, the update id derives from it: a retry of a request whose update did
 * reach the workflow gets that update's result from Temporal, not a second run of the command.
 */
function updateIdOf(what: string): { updateId?: string } {
  const updateId = idempotentIdFor(what);
  return updateId ? { updateId } : {};
}
