import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { APP_CONFIG, CLOCK, PRISMA, TEMPORAL_CLIENT } from '../app/tokens';
import type { Clock } from '../app/clock';
import type { Principal } from '../auth/principal';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import type { ContractState, NewContract } from '../domain/contract';
import { checkSeats } from '../domain/account-rules';
import { startContract, timeZoneForCountry } from '../domain/contract';
import type { Contract } from '../generated/prisma/client';
import { ProblemError } from '../http/problem';
import { isUuid } from '../http/uuid';
import { contractWorkflowId } from '../temporal/contract-workflow-id';
import type { contractWorkflow } from '../../workflows/contract.workflow';
import { findVisibleContract } from './contract-access';
import { toCommunicationResource, toContractEventResource, toContractResource } from './contract.mapper';
import type { CreateContractBody, ListContractsQuery } from './contract.schema';

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
    const tooManySeats = checkSeats(body.trial ? 'plus' : body.plan, body.seats);
    if (tooManySeats) throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, tooManySeats.code, 'Too many seats', tooManySeats.message);
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

  async communications(id: string, principal: Principal) {
    const row = await this.find(id, principal);
    const items = await this.prisma.communication.findMany({ where: { contractId: row.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return { items: items.map(toCommunicationResource) };
  }

  /** What happened to the contract, in order: the fact log the workflow writes (plan changes, pauses, end, …). */
  async events(id: string, principal: Principal) {
    const row = await this.find(id, principal);
    const items = await this.prisma.contractEvent.findMany({ where: { contractId: row.id }, orderBy: [{ occurredAt: 'asc' }, { createdAt: 'asc' }] });
    return { items: items.map(toContractEventResource) };
  }

  /** A contract visible to `principal`; 404 for unknown or someone else's (never reveal which). */
  find(id: string, principal: Principal): Promise<Contract> {
    return findVisibleContract(this.prisma, id, principal);
  }
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
