/**
 * Production entry point (docker-compose: APP_ROLE=api or worker). Connects to the configured
 * PostgreSQL, Temporal and SMTP; for a zero-install dev stack use `npm start` instead.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from './config/config';
import { createPrismaClient } from './database/prisma-client';
import { createLogger, routeNestLogsTo } from './observability/logger';
import { installTemporalRuntime } from './observability/temporal-runtime';
import { startTracing } from './observability/tracing';
import { startPlatform } from './platform/platform';

async function main(): Promise<void> {
  const config = loadConfig();
  // One root logger (JSON lines): Nest's Logger, the API's request logs and the Temporal runtime.
  const log = createLogger(config.observability.logging);
  routeNestLogsTo(log);
  installTemporalRuntime(config.observability, log);
  const tracing = await startTracing(config.observability.tracing);
  const logger = new Logger('Main');
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required (npm start runs an embedded database instead).');
  const prisma = createPrismaClient(config.databaseUrl, { maxConnections: config.sizing.databasePoolSize });
  const connection = await Connection.connect({ address: config.temporal.address });
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const platform = await startPlatform({ config, prisma, client, nativeConnection, host: '0.0.0.0', log, tracing });
  logger.log(`role=${config.role}${platform.url ? ` api=${platform.url}` : ''} temporal=${config.temporal.address}`);
  const shutdown = async (signal: string) => {
    logger.log(`${signal}: shutting down`);
    await platform.stop();
    await nativeConnection.close();
    await connection.close();
    await prisma.$disconnect();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
