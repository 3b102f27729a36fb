import { simpleParser } from 'mailparser';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config/config';
import type { AppConfig } from '../../src/config/config';
import { createPrismaClient } from '../../src/database/prisma-client';
import type { PrismaClient } from '../../src/database/prisma-client';
import { startSmtpSink } from '../../src/mail/smtp-sink';
import { startPlatform } from '../../src/platform/platform';
import type { RunningPlatform } from '../../src/platform/platform';
import { createTimeSkippingControl } from '../../src/sandbox/time-skipping-control';
import { createTestDatabase } from './database';
import { createDevServerEnv, createTimeSkippingEnv, workflowBundleOption } from './temporal-env';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

/** A mail as the SMTP sink received it. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  messageId: string | undefined;
}

/** The whole platform on real PostgreSQL, a real Temporal server and a real SMTP sink. */
export interface TestPlatform {
  url: string;
  env: TestWorkflowEnvironment;
  prisma: PrismaClient;
  config: AppConfig;
  mails: ReceivedMail[];
  /** Addresses the SMTP sink refuses with 550 (a permanent failure), e.g. to make a notice bounce. */
  rejectedRecipients: Set<string>;
  platform: RunningPlatform;
  stop(): Promise<void>;
}

/** `options.platform` replaces startPlatform's options (a test's own logger, tracing or workflow bundle). */
export async function startTestPlatform(
  mode: 'sandbox' | 'dev',
  options: { configure?: (config: AppConfig) => AppConfig; platform?: Partial<Parameters<typeof startPlatform>[0]> } = {},
): Promise<TestPlatform> {
  const database = await createTestDatabase();
  const mails: ReceivedMail[] = [];
  const rejectedRecipients = new Set<string>();
  const sink = await startSmtpSink({
    port: 0,
    rejectRecipient: (address) => rejectedRecipients.has(address),
    outboxDir: `var/test/outbox-${database.name}`,
    onMessage: async ({ raw }) => {
      const parsed = await simpleParser(raw);
      const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
      mails.push({ to: to ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '', messageId: parsed.messageId });
    },
  });
  const env = mode === 'sandbox' ? await createTimeSkippingEnv() : await createDevServerEnv();
  // Task queues of their own (the main one and mail/documents/partners derived from it): platforms of other files may share a dev server.
  const base = loadConfig({ OPERATOR_TOKEN, PORT: '0', SANDBOX: mode === 'sandbox' ? 'true' : 'false', TEMPORAL_TASK_QUEUE: `contracts-${database.name}` });
  let config: AppConfig = {
    ...base,
    // Letters of this platform go to a folder of its own (the local print partner's drop folder).
    printPartner: { ...base.printPartner, local: { ...base.printPartner.local, dropDir: `var/test/print-partner-${database.name}` } },
    // The local PSP's charge log of this platform (a shared one would resume other platforms' deliveries).
    payments: { ...base.payments, local: { ...base.payments.local, dataDir: `var/test/psp-${database.name}` } },
    dunning: { agency: { kind: 'local', dropDir: `var/test/collection-agency-${database.name}` }, bureau: { kind: 'local', dropDir: `var/test/credit-bureau-${database.name}` } },
    databaseUrl: database.url,
    mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'Vertragswerk Test <billing@test.example>' },
    temporal: { ...base.temporal, address: env.address, namespace: 'default' },
  };
  if (options.configure) config = options.configure(config);
  const prisma = createPrismaClient(database.url, { maxConnections: config.sizing.databasePoolSize });
  const bundle = workflowBundleOption();
  const platform = await startPlatform({
    config,
    prisma,
    client: env.client,
    nativeConnection: env.nativeConnection,
    sandbox: mode === 'sandbox' ? createTimeSkippingControl(env, prisma, env.client) : undefined,
    workflowBundle: 'workflowBundle' in bundle ? bundle.workflowBundle : undefined,
    logger: false,
    ...options.platform,
  });
  return {
    url: platform.url as string,
    env,
    prisma,
    config,
    mails,
    rejectedRecipients,
    platform,
    async stop() {
      await platform.stop();
      await prisma.$disconnect();
      // NOTE: a client call still in flight when the server goes away is retried by the SDK on a
      // timer, which then throws "Channel has been shut down" outside any test; let calls drain first.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await env.teardown();
      await sink.close();
      await database.drop();
    },
  };
}

/** A small HTTP client for the API (real HTTP, fetch). */
export function apiClient(baseUrl: string) {
  return async function call(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if ((options.body !== undefined || options.rawBody !== undefined) && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
    });
    const text = await response.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, body: json };
  };
}
