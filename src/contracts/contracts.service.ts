import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { APP_CONFIG, CLOCK, PRISMA, TEMPORAL_CLIENT } from '../app/tokens';
import type { Clock } from '../app/clock';
import type { Principal } from '../auth/principal';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import type { ContractState, NewContract } from '../domain/contract';
import { previewCancellation, startContract, timeZoneForCountry } from '../domain/contract';
import { DomainError } from '../domain/errors';
import { DEFAULT_PLAN_CATALOGUE } from '../domain/plans';
import type { Contract } from '../generated/prisma/client';
import { ProblemError } from '../http/problem';
import { isUuid } from '../customers/customers.service';
import { contractWorkflowId } from '../temporal/contract-workflow-id';
import type { CancelRequest } from '../../workflows/messages';
import { cancelUpdate, revokeCancellationUpdate } from '../../workflows/messages';
import type { contractWorkflow } from '../../workflows/contract.workflow';
import { cancellationOf, toCommunicationResource, toContractResource } from './contract.mapper';
import type { CancelContractBody, CreateContractBody, ListContractsQuery } from './contract.schema';

@Injectable()
export class ContractsService {
  private readonly logger = new Logger('Contracts');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the contract row and starts its workflow. */
  async create(body: CreateContractBody, principal: Principal) {
    const customerId = principal.role === 'customer' ? principal.customerId : body.customerId;
    if (!customerId) {
      throw new ProblemError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', 'customerId: required for operators');
    }
    if (principal.role === 'customer' && body.customerId && body.customerId !== customerId) throw ProblemError.notFound('Customer');
    const customer = await this.prisma.customer.findUnique({ where: { id: customerId } });
    if (!customer || customer.personalDataDeletedAt) throw ProblemError.notFound('Customer');
    const plan = DEFAULT_PLAN_CATALOGUE.find((p) => p.id === (body.trial ? 'plus' : body.plan));
    if (plan?.maxSeats !== null && plan !== undefined && body.seats > plan.maxSeats) {
      throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, 'SEATS_EXCEED_PLAN', 'Too many seats', `Plan ${plan.id} allows ${plan.maxSeats} seat(s).`);
    }
    const id = randomUUID();
    const contract: NewContract = {
      id,
      customerId,
      customerType: customer.type === 'consumer' ? 'consumer' : 'business',
      plan: body.plan,
      seats: body.seats,
      timeZone: timeZoneForCountry(customer.country),
      trial: body.trial,
      billingMode: body.billingMode,
    };
    const requestedAt = await this.clock.now();
    const { state } = startContract(contract, requestedAt);
    const workflowId = contractWorkflowId(id);
    // The main user is created with the contract, from the customer's profile.
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await tx.contract.create({ data: { ...rowOf(state), workflowId } });
      await tx.user.create({ data: { id: randomUUID(), contractId: id, name: customer.name ?? '', email: customer.email ?? '', role: 'main' } });
      return created;
    });
    try {
      await this.temporal.workflow.start<typeof contractWorkflow>('contractWorkflow', {
        workflowId,
        taskQueue: this.config.temporal.taskQueue,
        args: [{ kind: 'new', contract, requestedAt: requestedAt.toISOString(), searchAttributes: !this.config.sandbox }],
      });
    } catch (error) {
      // Without its workflow the contract would never end: do not leave the rows behind.
      await this.prisma.$transaction([this.prisma.user.deleteMany({ where: { contractId: id } }), this.prisma.contract.delete({ where: { id } })]);
      throw error;
    }
    this.logger.log(`contract ${id} created for customer ${customerId} (${state.status}, ${state.plan})`);
    return toContractResource(row);
  }

  async get(id: string, principal: Principal) {
    return toContractResource(await this.find(id, principal));
  }

  async list(query: ListContractsQuery, principal: Principal) {
    const customerId = principal.role === 'customer' ? principal.customerId : query.customerId;
    if (principal.role === 'customer' && query.customerId && query.customerId !== customerId) return { items: [], nextCursor: null };
    const rows = await this.prisma.contract.findMany({
      where: { ...(customerId ? { customerId } : {}), ...(query.status ? { status: query.status } : {}) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: query.limit + 1,
      ...(query.cursor && isUuid(query.cursor) ? { cursor: { id: query.cursor }, skip: 0 } : {}),
    });
    const page = rows.slice(0, query.limit);
    return { items: page.map(toContractResource), nextCursor: rows.length > query.limit ? rows[query.limit].id : null };
  }

  /** `{ endsOn }` for a notice received now. */
  async previewCancellation(id: string, principal: Principal) {
    const row = await this.find(id, principal);
    const state = await this.stateOf(row);
    if (state.status === 'ended') throw new DomainError('CONTRACT_ENDED', `The contract ended on ${state.endedOn ?? '?'}.`);
    if (state.cancellation) throw new DomainError('ALREADY_CANCELLED', `The contract is already cancelled and ends on ${state.cancellation.endsOn}.`);
    const now = await this.clock.now();
    const { receivedOn, endsOn } = previewCancellation(state, now);
    return { receivedOn, endsOn, receivedAt: now.toISOString() };
  }

  async cancel(id: string, body: CancelContractBody, principal: Principal) {
    if (principal.role === 'customer' && (body.receivedAt !== undefined || body.channel !== undefined)) {
      throw new ProblemError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', 'receivedAt and channel are for operators only.');
    }
    const row = await this.find(id, principal);
    if (row.status === 'ended') throw new DomainError('CONTRACT_ENDED', `The contract ended on ${row.endedOn ?? '?'}.`);
    const request: CancelRequest = {
      ...(body.receivedAt ? { receivedAt: new Date(body.receivedAt).toISOString() } : {}),
      deleteData: body.deleteData,
      channel: body.channel ?? 'online',
      reason: body.reason ?? null,
    };
    await this.update(row, (handle) => handle.executeUpdate(cancelUpdate, { args: [request] }), 'CONTRACT_ENDED');
    return this.get(id, principal);
  }

  async revokeCancellation(id: string, principal: Principal) {
    const row = await this.find(id, principal);
    if (row.status === 'ended') throw new DomainError('NOTICE_PERIOD_OVER', `The contract ended on ${row.endedOn ?? '?'}.`);
    await this.update(row, (handle) => handle.executeUpdate(revokeCancellationUpdate), 'NOTICE_PERIOD_OVER');
    return this.get(id, principal);
  }

  async communications(id: string, principal: Principal) {
    const row = await this.find(id, principal);
    const items = await this.prisma.communication.findMany({ where: { contractId: row.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return { items: items.map(toCommunicationResource) };
  }

  /** A contract visible to `principal`; 404 for unknown or someone else's (never reveal which). */
  private async find(id: string, principal: Principal): Promise<Contract> {
    const row = isUuid(id) ? await this.prisma.contract.findUnique({ where: { id } }) : null;
    if (!row || (principal.role === 'customer' && row.customerId !== principal.customerId)) throw ProblemError.notFound('Contract');
    return row;
  }

  private async stateOf(row: Contract): Promise<ContractState> {
    const customer = await this.prisma.customer.findUniqueOrThrow({ where: { id: row.customerId } });
    return {
      id: row.id,
      customerId: row.customerId,
      customerType: customer.type === 'consumer' ? 'consumer' : 'business',
      plan: row.plan === 'plus' ? 'plus' : 'basis',
      seats: row.seats,
      status: row.status as ContractState['status'],
      timeZone: row.timeZone,
      startedOn: row.startedOn,
      trialEndsOn: row.trialEndsOn,
      billingMode: row.billingMode === 'prepaid' ? 'prepaid' : 'postpaid',
      cancellation: cancellationOf(row),
      endedOn: row.endedOn,
      revision: row.revision,
    };
  }

  /** Sends an update; a workflow that has already finished means the contract has ended. */
  private async update(row: Contract, send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<unknown>, endedCode: 'CONTRACT_ENDED' | 'NOTICE_PERIOD_OVER') {
    try {
      await send(this.temporal.workflow.getHandle(row.workflowId));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || isCompletedError(error)) {
        throw new DomainError(endedCode, 'The contract has ended.');
      }
      throw error;
    }
  }
}

function isCompletedError(error: unknown): boolean {
  return error instanceof Error && /workflow execution already completed/i.test(error.message);
}

/** Database columns of a freshly started contract. */
function rowOf(state: ContractState) {
  return {
    id: state.id,
    customerId: state.customerId,
    plan: state.plan,
    seats: state.seats,
    status: state.status,
    timeZone: state.timeZone,
    startedOn: state.startedOn,
    trialEndsOn: state.trialEndsOn,
    billingMode: state.billingMode,
    revision: state.revision,
  };
}
