import { createHash, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { APP_CONFIG, CLOCK, PRISMA, TEMPORAL_CLIENT } from '../app/tokens';
import type { Clock } from '../app/clock';
import type { Principal } from '../auth/principal';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import type { ContractState, NewContract } from '../domain/contract';
import { checkSeats } from '../domain/account-rules';
import { DEFAULT_CONTRACT_POLICY, suspensionDaysOf, timeZoneForCountry } from '../domain/contract';
import { contractColumnsOf } from '../database/contract-columns';
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

  /** Starts the contract's workflow (which stores the contract) and answers with the stored contract. */
  async create(body: CreateContractBody, principal: Principal, idempotencyKey?: string) {
    const customerId = principal.role === 'customer' ? principal.customerId : body.customerId;
    if (!customerId) {
      throw new ProblemError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', 'customerId: required for operators');
    }
    if (principal.role === 'customer' && body.customerId && body.customerId !== customerId) throw ProblemError.notFound('Customer');
    const customer = await this.prisma.customer.findUnique({ where: { id: customerId } });
    if (!customer || customer.personalDataDeletedAt) throw ProblemError.notFound('Customer');
    const tooManySeats = checkSeats(body.trial ? 'plus' : body.plan, body.seats);
    if (tooManySeats) throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, tooManySeats.code, 'Too many seats', tooManySeats.message);
    // The id comes from the Idempotency-Key when there is one: a retried request starts the same
    // workflow id, and the idempotent start turns it into "the existing contract".
    const id = idempotencyKey ? contractIdFromKey(principal, idempotencyKey, body) : randomUUID();
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
    const workflowId = contractWorkflowId(id);
    try {
      // The workflow's first activity creates the row and the main user; the API writes nothing,
      // so a start that fails (or times out after the server accepted it) cannot orphan anything.
      await this.temporal.workflow.start<typeof contractWorkflow>('contractWorkflow', {
        workflowId,
        taskQueue: this.config.temporal.taskQueue,
        args: [
          {
            kind: 'new',
            contract,
            requestedAt: requestedAt.toISOString(),
            searchAttributes: !this.config.sandbox,
            billingSpreadMinutes: this.config.billing.spreadMinutes,
            // Mail, documents and partner activities go to their own task queues (docs/deployment.md).
            activityQueues: this.config.worker.activityQueues,
            // PREPAID_SUSPENSION_DAYS: only a value other than the default is carried in the input.
            ...(this.config.payments.prepaidSuspensionDays !== suspensionDaysOf(DEFAULT_CONTRACT_POLICY)
              ? { policy: { ...DEFAULT_CONTRACT_POLICY, suspensionDays: this.config.payments.prepaidSuspensionDays } }
              : {}),
          },
        ],
        // A contract id is never used twice, not even after its workflow completed.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      this.logger.log(`contract ${id} created for customer ${customerId} (${body.trial ? 'trial' : body.plan})`);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      this.logger.log(`contract ${id}: creation retried, answering with the existing contract`);
    }
    const row = await this.waitForRow(id);
    if (!row) {
      throw new ProblemError(HttpStatus.SERVICE_UNAVAILABLE, 'CONTRACT_PENDING', 'Contract not ready yet', `Contract ${id} was accepted but its workflow has not stored it yet; retry the request with the same Idempotency-Key.`, { contractId: id });
    }
    return this.resourceOf(row);
  }

  /** The contract row once the workflow's first activity stored it (polled; null after the timeout). */
  private async waitForRow(id: string): Promise<Contract | null> {
    const deadline = Date.now() + ROW_WAIT_MS;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      const row = await this.prisma.contract.findUnique({ where: { id } });
      if (row || Date.now() > deadline) return row;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async get(id: string, principal: Principal) {
    return this.resourceOf(await this.find(id, principal));
  }

  /**
   * The contract resource: the row, its open attention items and current payment method. With
   * `state` (what an update returned), the workflow's state wins over the row: a command answers
   * with the contract exactly as it left it.
   */
  async resourceOf(row: Contract, state?: ContractState) {
    const [attention, paymentMethod, open] = await Promise.all([
      this.prisma.attentionItem.findMany({ where: { contractId: row.id, resolvedAt: null }, orderBy: [{ since: 'asc' }, { step: 'asc' }] }),
      this.prisma.paymentMethod.findFirst({ where: { contractId: row.id, revokedAt: null }, orderBy: { createdAt: 'desc' } }),
      this.prisma.invoice.findMany({ where: { contractId: row.id, status: 'open' }, select: { openCents: true, dunningLevel: true, disputeReason: true } }),
    ]);
    return toContractResource({ ...row, ...(state ? contractColumnsOf(state) : {}) }, { attention, paymentMethod, ...openInvoiceDetails(open) });
  }

  async list(query: ListContractsQuery, principal: Principal) {
    const customerId = principal.role === 'customer' ? principal.customerId : query.customerId;
    if (principal.role === 'customer' && query.customerId && query.customerId !== customerId) return { items: [], nextCursor: null };
    const rows = await this.prisma.contract.findMany({
      where: {
        ...(customerId ? { customerId } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.needsAttention === undefined
          ? {}
          : query.needsAttention
            ? { attention: { some: { resolvedAt: null } } }
            : { attention: { none: { resolvedAt: null } } }),
      },
      include: {
        attention: { where: { resolvedAt: null }, orderBy: [{ since: 'asc' }, { step: 'asc' }] },
        paymentMethods: { where: { revokedAt: null }, orderBy: { createdAt: 'desc' }, take: 1 },
        invoices: { where: { status: 'open' }, select: { openCents: true, dunningLevel: true, disputeReason: true } },
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: query.limit + 1,
      ...(query.cursor && isUuid(query.cursor) ? { cursor: { id: query.cursor }, skip: 0 } : {}),
    });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(({ attention, paymentMethods, invoices, ...row }) =>
        toContractResource(row, { attention, paymentMethod: paymentMethods[0] ?? null, ...openInvoiceDetails(invoices) }),
      ),
      nextCursor: rows.length > query.limit ? rows[query.limit].id : null,
    };
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

/** How long `POST /v1/contracts` waits for the workflow to store the new contract. */
const ROW_WAIT_MS = 15_000;

/**
 * A contract id derived from the caller, its Idempotency-Key and the request body (UUID form,
 * version 8 "custom"): the same request retried gets the same id, another body a new one.
 */
export function contractIdFromKey(principal: Principal, key: string, body: CreateContractBody): string {
  const scope = principal.role === 'customer' ? `customer:${principal.customerId}` : 'operator';
  const hex = createHash('sha256').update(`${scope}\n${key}\n${JSON.stringify(body)}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Open amount and dunning of a contract from its open invoices: the highest level, any on hold. */
function openInvoiceDetails(open: readonly { openCents: number; dunningLevel: number; disputeReason: string | null }[]) {
  return {
    openCents: open.reduce((sum, i) => sum + i.openCents, 0),
    dunningLevel: open.reduce((max, i) => Math.max(max, i.dunningLevel), 0),
    dunningOnHold: open.some((i) => i.disputeReason !== null),
  };
}
