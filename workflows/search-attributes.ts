import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes of contract workflows, shown and filterable in the Temporal UI, e.g.
 * `ContractStatus = 'active' AND EndsOn = '2027-06-30'`. Legal dates are Keywords in
 * `YYYY-MM-DD` form (they are calendar dates of the contract's zone, not instants).
 */
export const ContractStatusKey = defineSearchAttributeKey('ContractStatus', SearchAttributeType.KEYWORD);
export const PlanKey = defineSearchAttributeKey('Plan', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const EndsOnKey = defineSearchAttributeKey('EndsOn', SearchAttributeType.KEYWORD);
/** Target plan of a pending downgrade (unset when none is pending). */
export const PendingPlanChangeKey = defineSearchAttributeKey('PendingPlanChange', SearchAttributeType.KEYWORD);
export const TrialEndsOnKey = defineSearchAttributeKey('TrialEndsOn', SearchAttributeType.KEYWORD);
/** A cancellation is pending (received, not revoked, contract not ended yet): `CancellationPending = true`. */
export const CancellationPendingKey = defineSearchAttributeKey('CancellationPending', SearchAttributeType.BOOL);
/** Some step failed for good and waits for an operator (docs/attention.md): `NeedsAttention = true`. */
export const NeedsAttentionKey = defineSearchAttributeKey('NeedsAttention', SearchAttributeType.BOOL);
/** Steps waiting for an operator, e.g. `AttentionSteps = 'r7/contract-ended'`. */
export const AttentionStepsKey = defineSearchAttributeKey('AttentionSteps', SearchAttributeType.KEYWORD_LIST);

/** Open principal of the contract's invoices in cents (`OpenAmount > 0`: something is unpaid). */
export const OpenAmountKey = defineSearchAttributeKey('OpenAmount', SearchAttributeType.INT);

/** The highest dunning level among the contract's open invoices: 0 none … 4 handed over. */
export const DunningLevelKey = defineSearchAttributeKey('DunningLevel', SearchAttributeType.INT);

/** Every key, for registration on a server (src/temporal/search-attribute-registration.ts, docker-compose). */
export const CONTRACT_SEARCH_ATTRIBUTES = [
  ContractStatusKey,
  PlanKey,
  CustomerIdKey,
  EndsOnKey,
  PendingPlanChangeKey,
  TrialEndsOnKey,
  CancellationPendingKey,
  NeedsAttentionKey,
  AttentionStepsKey,
  OpenAmountKey,
  DunningLevelKey,
] as const;
