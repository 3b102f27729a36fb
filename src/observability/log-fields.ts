import { contractWorkflowId } from '../temporal/contract-workflow-id';

/** `contract-`: a contract's workflow id is this prefix and the contract id. */
const CONTRACT_WORKFLOW_PREFIX = contractWorkflowId('');

/** The log fields that name a contract: `contractId` and `workflowId`. */
export interface ContractLogFields {
  readonly contractId: string;
  readonly workflowId: string;
}

/** The fields of a contract id. */
export function contractLogFields(contractId: string): ContractLogFields {
  return { contractId, workflowId: contractWorkflowId(contractId) };
}

/** `workflowId`, and `contractId` when it is a contract's workflow (`contract-<id>`); nothing without an id. */
export function workflowLogFields(workflowId: string | undefined): Partial<ContractLogFields> {
  if (!workflowId) return {};
  if (!workflowId.startsWith(CONTRACT_WORKFLOW_PREFIX)) return { workflowId };
  return { contractId: workflowId.slice(CONTRACT_WORKFLOW_PREFIX.length), workflowId };
}
