/**
 * The platform's HTTP application alone (createApp: every route, guard, filter and header) on
 * real HTTP and a real PostgreSQL test database, without Temporal: the Temporal client is lazy
 * and never connects, so only routes that do not reach a workflow can be used. For the API
 * hardening tests (rate limits, body limits, headers, CORS, errors, audit log).
 */
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AuditLog } from '../../src/audit/audit-log';
import { createApp } from '../../src/app/create-app';
import type { AppConfig } from '../../src/config/config';
import { loadConfig } from '../../src/config/config';
import type { PrismaClient } from '../../src/database/prisma-client';
import { createPrismaClient } from '../../src/database/prisma-client';
import type { TestDatabase } from './database';
import { createTestDatabase } from './database';
import { apiClient, OPERATOR_TOKEN } from './platform';

/** What the log of the app received (level and message), for tests that look into it. */
export interface CapturedLog {
  level: string;
  message: string;
}

export interface HttpApp {
  url: string;
  api: ReturnType<typeof apiClient>;
  prisma: PrismaClient;
  database: TestDatabase;
  config: AppConfig;
  /**
   * Sends Nest's log to a fresh list from now on and returns it. The logger is process-wide:
   * an app created later (with its log off) takes it over, so call this right before the requests.
   */
  captureLogs(): CapturedLog[];
  stop(): Promise<void>;
}

function capturingLogger(logs: CapturedLog[]): LoggerService {
  const push = (level: string) => (message: unknown) => {
    logs.push({ level, message: String(message) });
  };
  return { log: push('log'), error: push('error'), warn: push('warn'), debug: push('debug'), verbose: push('verbose') };
}

/** Starts createApp on port 0 with `env` added to the test configuration; `database` is created when not given. */
export async function startHttpApp(env: Record<string, string> = {}, options: { database?: TestDatabase; auditLog?: AuditLog } = {}): Promise<HttpApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({ OPERATOR_TOKEN, PORT: '0', ...env });
  const prisma = createPrismaClient(database.url);
  const app: INestApplication = await createApp({ config, prisma, temporal: new Client(), auditLog: options.auditLog }, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    url,
    api: apiClient(url),
    prisma,
    database,
    config,
    captureLogs() {
      const logs: CapturedLog[] = [];
      app.useLogger(capturingLogger(logs));
      return logs;
    },
    async stop() {
      await app.close();
      await prisma.$disconnect();
      if (!options.database) await database.drop();
    },
  };
}
