/**
 * The platform as a user runs it: `npm run start:sandbox` (= `node dist/scripts/start.js
 * --sandbox`) on its embedded defaults — embedded PostgreSQL, time-skipping Temporal, local SMTP
 * sink — driven by 10 concurrent clients over real HTTP. 40 contracts are created, paused,
 * resumed, cancelled and ended: no 5xx, every response and the GET after it show the effect.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { apiClient } from '../helpers/platform';

const root = path.join(__dirname, '../..');
const START_SCRIPT = path.join(root, 'dist/scripts/start.js');
const TOKEN = 'default-runtime-operator-token-0123';
const CONTRACTS = 40;
const CLIENTS = 10;

let child: ChildProcess | undefined;
let output = '';
let api: ReturnType<typeof apiClient>;
const statuses: { what: string; status: number; body: unknown }[] = [];

/** Runs `task` for every item with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index], index);
      }
    }),
  );
  return results;
}

/** An API call whose status is recorded (no 5xx may appear anywhere in the run). */
async function call(what: string, method: string, url: string, options: Parameters<typeof api>[2] = {}) {
  const res = await api(method, url, { ...options });
  statuses.push({ what, status: res.status, body: res.body });
  return res;
}

/** Spawns `start.js --sandbox` on the embedded defaults; resolves once it printed its API line. */
async function startSandboxProcess(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  if (!fs.existsSync(START_SCRIPT)) throw new Error(`${START_SCRIPT} is missing: run \`npm run build\` first (npm test does).`);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', OPERATOR_TOKEN: TOKEN };
  // The embedded defaults: no external database or mail server.
  delete env.DATABASE_URL;
  delete env.SMTP_URL;
  const spawned = spawn(process.execPath, [START_SCRIPT, '--sandbox'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start:sandbox printed no API line within 120 s:\n${text}`)), 120_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /API:\s+(http:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    spawned.stdout?.on('data', onData);
    spawned.stderr?.on('data', onData);
    spawned.once('exit', (code) => reject(new Error(`start:sandbox exited with ${code}:\n${text}`)));
  });
  return { child: spawned, url, output: () => text };
}

beforeAll(async () => {
  const started = Date.now();
  const platform = await startSandboxProcess();
  child = platform.child;
  output = platform.output();
  platform.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  platform.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  process.stderr.write(`[default-runtime] start:sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${platform.url}\n`);
  expect(output).toMatch(/embedded PostgreSQL/i);
  api = apiClient(platform.url);
}, 150_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGINT');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}, 40_000);

const address = { line1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

test(`${CONTRACTS} contracts by ${CLIENTS} concurrent clients: created, paused, resumed, cancelled, ended 01.07. with one end notice each`, async () => {
  // Day 0: 15.03.2027 10:00 Berlin.
  expect((await call('advance', 'POST', '/v1/sandbox/clock/advance', { token: TOKEN, body: { to: '2027-03-15T09:00:00Z' } })).status).toBe(200);
  // This story is about the contract lifecycle under concurrency; nobody pays, so the operators'
  // ladder starts after its end (dunning has its own tiers).
  const ladder = await call('ladder', 'PUT', '/v1/dunning/ladder', {
    token: TOKEN,
    body: {
      steps: [
        { step: 'reminder', offsetDays: 200, channels: ['email'], fee: { amount: 0, currency: 'EUR' } },
        { step: 'handover', offsetDays: 300, channels: [], fee: { amount: 0, currency: 'EUR' } },
      ],
    },
  });
  expect(ladder.status).toBe(200);

  const customers = await pool(Array.from({ length: CONTRACTS }, (_, i) => i), CLIENTS, async (i) => {
    const created = await call('customer', 'POST', '/v1/customers', {
      token: TOKEN,
      body: { type: 'business', name: `Praxis ${i}`, email: `runtime-${i}@example.org`, address },
    });
    expect(created.status).toBe(201);
    const token = await call('token', 'POST', `/v1/customers/${created.body.id}/tokens`, { token: TOKEN });
    expect(token.status).toBe(201);
    return { id: created.body.id as string, token: token.body.token as string };
  });

  const contracts = await pool(customers, CLIENTS, async (customer, i) => {
    const res = await call('create', 'POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus', seats: 3 }, headers: { 'idempotency-key': `runtime-${i}` } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', plan: 'plus', seats: 3, startedOn: '2027-03-15', customerId: customer.id });
    return { id: res.body.id as string, token: customer.token };
  });

  /** Sends one command to every contract, 10 at a time; the response and the GET after it must show `expected`. */
  const everyContract = async (what: string, method: string, suffix: string, body: unknown, expected: Record<string, unknown>) => {
    await pool(contracts, CLIENTS, async (contract) => {
      const res = await call(what, method, `/v1/contracts/${contract.id}/${suffix}`, { token: contract.token, body });
      expect({ what, status: res.status }).toEqual({ what, status: 200 });
      expect(res.body).toMatchObject(expected);
      const got = await call(`${what}: GET after`, 'GET', `/v1/contracts/${contract.id}`, { token: contract.token });
      expect(got.body).toMatchObject(expected);
    });
  };
  await everyContract('pause', 'POST', 'pause', undefined, { status: 'paused', pausedSince: '2027-03-15' });
  await everyContract('resume', 'DELETE', 'pause', undefined, { status: 'active', pausedSince: null });
  await everyContract('cancel', 'POST', 'cancellation', { confirm: true }, { status: 'active', cancellation: expect.objectContaining({ endsOn: '2027-06-30' }) });

  // Day 108: 01.07.2027 00:00 Berlin — every contract has ended.
  expect((await call('advance', 'POST', '/v1/sandbox/clock/advance', { token: TOKEN, body: { to: '2027-06-30T22:00:00Z' } })).status).toBe(200);
  await pool(contracts, CLIENTS, async (contract) => {
    const got = await call('ended', 'GET', `/v1/contracts/${contract.id}`, { token: contract.token });
    expect(got.body).toMatchObject({ status: 'ended', endedOn: '2027-06-30', attention: [] });
    const comms = await call('communications', 'GET', `/v1/contracts/${contract.id}/communications`, { token: contract.token });
    const templates: string[] = comms.body.items.map((c: { template: string }) => c.template);
    expect(templates.filter((t) => t === 'contract-ended')).toHaveLength(1);
    expect(templates.filter((t) => t !== 'invoice-issued')).toEqual(['contract-started', 'contract-paused', 'contract-resumed', 'cancellation-confirmed', 'contract-ended']);
    expect(comms.body.items.every((c: { status: string }) => c.status === 'sent')).toBe(true);
    // Invoices of 15.03. (17/31 of March), 01.04. (with the pause fee of 15.–31.03.: 5.00 × 17/31 = 2.74;
    // the base fee was paid in advance, so resuming the same day adds nothing), 01.05. and 01.06.; each mailed once.
    const invoices = await call('invoices', 'GET', `/v1/contracts/${contract.id}/invoices`, { token: contract.token });
    expect(invoices.body.items.map((i: { issuedOn: string; net: { amount: number } }) => [i.issuedOn, i.net.amount])).toEqual([
      ['2027-03-15', 3126],
      ['2027-04-01', 5974],
      ['2027-05-01', 5700],
      ['2027-06-01', 5700],
    ]);
    expect(templates.filter((t) => t === 'invoice-issued')).toHaveLength(4);
  });

  // Numbers are gapless across all contracts of the year: 2027-000001 … 2027-000160.
  const all = await call('all invoices', 'GET', '/v1/invoices?year=2027&limit=200', { token: TOKEN });
  expect(all.body.items.map((i: { number: string }) => i.number)).toEqual(Array.from({ length: CONTRACTS * 4 }, (_, i) => `2027-${String(i + 1).padStart(6, '0')}`));

  const serverErrors = statuses.filter((s) => s.status >= 500);
  expect(serverErrors).toEqual([]);
  expect(output).not.toMatch(/prepared statement|bind message supplies/);
  process.stderr.write(`[default-runtime] ${statuses.length} requests, ${serverErrors.length} 5xx\n`);
}, 300_000);

test('Ctrl-C stops the platform and removes the sandbox data (database included)', async () => {
  const runDir = /database: embedded PostgreSQL 17 in (\S+)/.exec(output)?.[1];
  const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
  child?.kill('SIGINT');
  expect(await exited).toBe(0);
  if (runDir) expect(fs.existsSync(path.isAbsolute(runDir) ? runDir : path.join(root, runDir))).toBe(false);
}, 60_000);

test('kill -9 of the start process: the Temporal server it started stops within seconds (no orphan on its port)', async () => {
  const killed = await startSandboxProcess();
  const pid = killed.child.pid as number;
  // The time-skipping server is the start process's child (in a session of its own).
  const servers = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm?.startsWith('temporal'))
    .map(([p]) => Number(p));
  expect(servers).toHaveLength(1);
  const exited = new Promise((resolve) => killed.child.once('exit', resolve));
  killed.child.kill('SIGKILL');
  await exited;
  const alive = (p: number) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 10_000;
  while (alive(servers[0]) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  expect(alive(servers[0])).toBe(false);
}, 150_000);
