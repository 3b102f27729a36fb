/** The workflow id of a contract: one long-running workflow per contract. */
export function contractWorkflowId(contractId: string): string {
  return `contract-${contractId}`;
}
