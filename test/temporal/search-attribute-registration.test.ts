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
    expect((await ensureSearchAttributes(env.connection, 'default')).sort()).toEqual(['CustomerId', 'EndsOn', 'PendingPlanChange', 'TrialEndsOn']);
    expect(await ensureSearchAttributes(env.connection, 'default')).toEqual([]);
    const listed = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(['ContractStatus', 'Plan', 'CustomerId', 'EndsOn', 'PendingPlanChange', 'TrialEndsOn']));
  } finally {
    await env.teardown();
  }
});
