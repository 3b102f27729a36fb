/**
 * Replay tier: recorded histories of real runs replayed against today's workflow code. A change
 * that would break running contracts (non-determinism) fails here; guard it with `patched()`
 * (docs/versioning.md). Re-record with `RECORD_HISTORIES=1 npx jest test/workflows/cancellation`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromObject } from '../helpers/histories';
import { workflowBundleOption } from '../helpers/temporal-env';

const dir = path.join(__dirname, '../histories');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

test.each(files)('%s replays without non-determinism', async (file) => {
  const history = historyFromObject(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  const results = Worker.runReplayHistories(workflowBundleOption(), [{ workflowId: file.replace(/\.json$/, ''), history }]);
  let count = 0;
  for await (const result of results) {
    expect(result.error).toBeUndefined();
    count++;
  }
  expect(count).toBe(1);
});
