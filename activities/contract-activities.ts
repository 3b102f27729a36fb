/**
 * Activities of the contract workflow that touch the database and notify the customer.
 * Personal data (name, e-mail) is loaded here, never carried in workflow history.
 */
import { ApplicationFailure } from '@temporalio/common';
import { contractColumnsOf } from '../src/database/contract-columns';
import type { PrismaClient } from '../src/database/prisma-client';
import { contractWorkflowId } from '../src/temporal/contract-workflow-id';
import { Prisma } from '../src/generated/prisma/client';
import type { ContractFact, ContractNotice, ContractState } from '../src/domain/contract';
import type { ContractNoticeOf, Locale, MailMessage, MailTemplateName } from '../src/mail/mail-templates';
import type { MailActivities } from './mail.activity';

/** Input of {@link ContractActivities.notifyCustomer}. */
export interface NotifyCustomerInput {
  /** `<workflowId>/<step>`: the same notice is never sent twice. */
  readonly idempotencyKey: string;
  readonly contractId: string;
  readonly notice: ContractNotice;
}

/** Input of {@link ContractActivities.recordFact}. */
export interface RecordFactInput {
  readonly idempotencyKey: string;
  readonly contractId: string;
  readonly fact: ContractFact;
  readonly occurredAt: string;
}

/** The activities the contract workflow calls. */
export interface ContractActivities {
  /**
   * Mirrors the workflow state into the contracts table (only if newer than what is stored).
   * The first call creates the row and the main user (from the customer's profile).
   */
  saveContract(state: ContractState): Promise<{ applied: boolean }>;
  /** Renders and sends a notice to the contract's customer, recorded as a communication. */
  notifyCustomer(input: NotifyCustomerInput): Promise<{ communicationId: string; status: string }>;
  /** Appends a fact to the contract's event log (plan changes, pauses, …), once per key. */
  recordFact(input: RecordFactInput): Promise<{ id: string }>;
}

export function createContractActivities(deps: { prisma: PrismaClient; mail: MailActivities; newId: () => string }): ContractActivities {
  const { prisma, mail } = deps;
  return {
    async saveContract(state) {
      // Guarded by revision: a retried or late write never overwrites newer state.
      const guarded = () => prisma.contract.updateMany({ where: { id: state.id, revision: { lt: state.revision } }, data: contractColumnsOf(state) });
      const result = await guarded();
      if (result.count > 0) return { applied: true };
      if ((await prisma.contract.count({ where: { id: state.id } })) > 0) return { applied: false };
      // The workflow's first save creates the row (the API only starts the workflow, so a start
      // that timed out after the server accepted it can never leave a workflow without its row).
      try {
        await createContractRow(prisma, state, deps.newId);
        return { applied: true };
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return { applied: (await guarded()).count > 0 };
        throw error;
      }
    },

    async notifyCustomer(input) {
      const contract = await prisma.contract.findUnique({ where: { id: input.contractId }, include: { customer: true } });
      if (!contract) throw ApplicationFailure.nonRetryable(`Contract ${input.contractId} not found`, 'CONTRACT_ROW_MISSING');
      const customer = contract.customer;
      const locale: Locale = customer.locale === 'en' ? 'en' : 'de';
      const message = toMailMessage(input.notice, customer.name ?? '', contract.id);
      const result = await mail.sendMail({
        idempotencyKey: input.idempotencyKey,
        contractId: contract.id,
        to: customer.email,
        locale,
        message,
        kind: input.notice.template,
      });
      return { communicationId: result.communicationId, status: result.status };
    },

    async recordFact(input) {
      // upsert with an empty update: a retried activity finds the first attempt's row.
      const row = await prisma.contractEvent.upsert({
        where: { idempotencyKey: input.idempotencyKey },
        create: {
          id: deps.newId(),
          idempotencyKey: input.idempotencyKey,
          contractId: input.contractId,
          type: input.fact.type,
          occurredAt: new Date(input.occurredAt),
          effectiveOn: input.fact.effectiveOn,
          data: input.fact.data,
        },
        update: {},
      });
      return { id: row.id };
    },
  };
}

/** Adds what only the database knows (the customer's name) to a domain notice. */
export function toMailMessage<K extends MailTemplateName>(notice: ContractNoticeOf<K>, customerName: string, contractId: string): MailMessage<K> {
  // MailMessage is derived from ContractNotice: every notice is a mail with these two fields more.
  return { template: notice.template, context: { ...notice.context, customerName, contractId } };
}

/** Inserts a new contract row and its main user in one transaction. */
async function createContractRow(prisma: PrismaClient, state: ContractState, newId: () => string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const customer = await tx.customer.findUnique({ where: { id: state.customerId } });
    if (!customer) throw ApplicationFailure.nonRetryable(`Customer ${state.customerId} of contract ${state.id} does not exist`, 'CUSTOMER_MISSING');
    await tx.contract.create({
      data: { id: state.id, customerId: state.customerId, timeZone: state.timeZone, workflowId: contractWorkflowId(state.id), ...contractColumnsOf(state) },
    });
    // The main user is created with the contract, from the customer's profile.
    await tx.user.create({ data: { id: newId(), contractId: state.id, name: customer.name ?? '', email: customer.email ?? '', role: 'main' } });
  });
}
