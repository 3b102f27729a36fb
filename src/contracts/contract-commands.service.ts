import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
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
  stateQuery,
} from '../../workflows/messages';
import type { CancelContractBody, ChangePlanBody, ChangeSeatsBody, ConvertTrialBody } from './contract.schema';
import { ContractsService } from './contracts.service';

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
    // Only the method's type is workflow state; mandate and card details belong to billing.
    return this.send(id, principal, convertTrialUpdate, [{ plan: body.plan, paymentMethod: body.paymentMethod.type }], 'CONTRACT_ENDED');
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
  private async send<Args extends unknown[]>(id: string, principal: Principal, update: UpdateDefinition<ContractState, Args>, args: Args, endedCode: DomainErrorCode) {
    const row = await this.contracts.find(id, principal);
    try {
      // The generic Args cannot be matched to executeUpdate's overloads; the definitions are typed in messages.ts.
      await this.temporal.workflow.getHandle(row.workflowId).executeUpdate(update as unknown as UpdateDefinition<ContractState, [unknown]>, { args: args as unknown as [unknown] });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || (error instanceof Error && /workflow execution already completed/i.test(error.message))) {
        throw new DomainError(endedCode, 'The contract has ended.');
      }
      throw error;
    }
    this.logger.log(`contract ${row.id}: ${update.name} by ${principal.role}`);
    return this.contracts.get(id, principal);
  }
}
