/** A dev server whose database predates newer search attributes gets them registered at start. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureSearchAttributes } from '../../src/temporal/search-attribute-registration';
import { ContractStatusKey, PlanKey } from '../../workflows/search-attributes';

test('registers only the missing contract search attributes, and nothing the second time', async () => {
  const executable = process.env.TEMPORAL_CLI_PATH;
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ...(executable ? { executable: { type: 'existing-path' as const, path: executable } } : {}),
      ip: '127.0.0.1',
      searchAttributes: [ContractStatusKey, PlanKey],
    },
  });
  try {
    expect((await ensureSearchAttributes(env.connection, 'default')).sort()).toEqual(['AttentionSteps', 'CancellationPending', 'CustomerId', 'DunningLevel', 'EndsOn', 'NeedsAttention', 'OpenAmount', 'PendingPlanChange', 'TrialEndsOn']);
    expect(await ensureSearchAttributes(env.connection, 'default')).toEqual([]);
    const listed = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(['ContractStatus', 'Plan', 'CustomerId', 'EndsOn', 'PendingPlanChange', 'TrialEndsOn', 'NeedsAttention']));
    // Each with its type: a Bool registered as Keyword would fail every upsert of the workflow.
    const { IndexedValueType } = (await import('@temporalio/proto')).temporal.api.enums.v1;
    expect(listed.customAttributes?.NeedsAttention).toBe(IndexedValueType.INDEXED_VALUE_TYPE_BOOL);
    expect(listed.customAttributes?.AttentionSteps).toBe(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
  } finally {
    await env.teardown();
  }
});
