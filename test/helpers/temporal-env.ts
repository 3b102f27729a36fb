import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CONTRACT_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/** The workflow bundle built once per run by the jest global setup (or bundled per worker as a fallback). */
export function workflowBundleOption(): { workflowBundle: { code: string } } | { workflowsPath: string } {
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  if (bundlePath && fs.existsSync(bundlePath)) return { workflowBundle: { code: fs.readFileSync(bundlePath, 'utf8') } };
  return { workflowsPath: require.resolve(path.join(__dirname, '../../workflows/index.ts')) };
}

/** Temporal's time-skipping test server, from the binary resolved by the global setup. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const executable = process.env.TEMPORAL_TEST_SERVER_PATH;
  return TestWorkflowEnvironment.createTimeSkipping(executable ? { server: { executable: { type: 'existing-path', path: executable } } } : {});
}

/** Temporal's dev server (real server, SQLite in memory) with the contract search attributes. */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  const executable = process.env.TEMPORAL_CLI_PATH;
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(executable ? { executable: { type: 'existing-path' as const, path: executable } } : {}),
      ip: '127.0.0.1',
      searchAttributes: [...CONTRACT_SEARCH_ATTRIBUTES],
    },
  });
}

/** Skips the test server's clock to `to` (no-op if already past). */
export async function skipTo(env: TestWorkflowEnvironment, to: Date): Promise<void> {
  const now = await env.currentTimeMs();
  if (to.getTime() > now) await env.sleep(to.getTime() - now);
}
