import type { DynamicModule, Provider } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { Client } from '@temporalio/client';
import { AppointmentsController } from '../accounts/appointments.controller';
import { AppointmentsService } from '../accounts/appointments.service';
import type { AuditLog } from '../audit/audit-log';
import { AuditController } from '../audit/audit.controller';
import { AuditInterceptor } from '../audit/audit.interceptor';
import { createPrismaAuditLog } from '../audit/prisma-audit-log';
import { UsersController } from '../accounts/users.controller';
import { UsersService } from '../accounts/users.service';
import { AuthGuard } from '../auth/auth.guard';
import type { AppConfig } from '../config/config';
import { ContractCommandsController } from '../contracts/contract-commands.controller';
import { ContractCommandsService } from '../contracts/contract-commands.service';
import { ContractsController } from '../contracts/contracts.controller';
import { ContractsService } from '../contracts/contracts.service';
import { CustomersController } from '../customers/customers.controller';
import { CustomersService } from '../customers/customers.service';
import type { PrismaClient } from '../database/prisma-client';
import { HealthController } from '../health/health.controller';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { ContractInvoicesController, InvoicesController } from '../invoices/invoices.controller';
import { InvoicesService } from '../invoices/invoices.service';
import { LettersController } from '../letters/letters.controller';
import { LettersService } from '../letters/letters.service';
import { LedgerSignals } from '../payments/ledger-signals';
import { ContractAccountController, PaymentsController } from '../payments/payments.controller';
import { PaymentsService } from '../payments/payments.service';
import type { PspRef } from '../payments/psp-ref';
import { createPspRef } from '../payments/psp-ref';
import { PlansController } from '../plans/plans.controller';
import { PortalController } from '../portal/portal.controller';
import { DestructionsService } from '../retention/destructions.service';
import { CollectionHandoversController } from '../collection-agency/collection-handovers.controller';
import { CollectionHandoversService } from '../collection-agency/collection-handovers.service';
import { CreditReportsController } from '../credit-bureau/credit-reports.controller';
import { CreditReportsService } from '../credit-bureau/credit-reports.service';
import { BaseRatesController } from '../dunning/base-rates.controller';
import { BaseRatesService } from '../dunning/base-rates.service';
import { DisputesController, DisputesService } from '../dunning/disputes.controller';
import { LadderController } from '../dunning/ladder.controller';
import { LadderService } from '../dunning/ladder.service';
import { LegalHoldService } from '../retention/legal-hold.service';
import { InvoiceLegalHoldController, RetentionController } from '../retention/retention.controller';
import { SandboxPspController } from '../sandbox/sandbox-psp.controller';
import { PspWebhookController } from '../webhooks/psp-webhook.controller';
import { SandboxController } from '../sandbox/sandbox.controller';
import { RateLimitGuard, rateLimitEnabled, rateLimitModule } from '../security/rate-limit';
import { SuppressionController } from '../suppression/suppression.controller';
import { SuppressionService } from '../suppression/suppression.service';
import { PrintPartnerWebhookController } from '../webhooks/print-partner-webhook.controller';
import { PrintPartnerWebhookService } from '../webhooks/print-partner-webhook.service';
import { PingenWebhookController } from '../webhooks/pingen-webhook.controller';
import { PingenWebhookService } from '../webhooks/pingen-webhook.service';
import type { Clock, SandboxControl } from './clock';
import { systemClock } from './clock';
import { APP_CONFIG, AUDIT_LOG, CLOCK, PRISMA, PSP, SANDBOX_CONTROL, TEMPORAL_CLIENT } from './tokens';

/** What the HTTP application is built from; created by the caller (main, start script, tests). */
export interface AppDependencies {
  readonly config: AppConfig;
  readonly prisma: PrismaClient;
  readonly temporal: Client;
  /** Present in sandbox mode: then it is also the clock. */
  readonly sandbox?: SandboxControl;
  readonly clock?: Clock;
  /** The process's PSP (set once the API listens); a fresh empty one when absent. */
  readonly psp?: PspRef;
  /** Where operator actions are recorded; the `audit_log` table when absent (docs/security.md). */
  readonly auditLog?: AuditLog;
}

@Module({})
export class AppModule {
  static create(deps: AppDependencies): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: deps.config },
      { provide: PRISMA, useValue: deps.prisma },
      { provide: TEMPORAL_CLIENT, useValue: deps.temporal },
      { provide: CLOCK, useValue: deps.sandbox ?? deps.clock ?? systemClock },
      { provide: PSP, useValue: deps.psp ?? createPspRef() },
      { provide: AUDIT_LOG, useValue: deps.auditLog ?? createPrismaAuditLog(deps.prisma) },
      // Global guards run in this order: rate limits first, so a flood of bad tokens is limited too.
      ...(rateLimitEnabled(deps.config.security.rateLimit) ? [{ provide: APP_GUARD, useClass: RateLimitGuard }] : []),
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      CustomersService,
      ContractsService,
      ContractCommandsService,
      UsersService,
      AppointmentsService,
      SuppressionService,
      LettersService,
      InvoicesService,
      PrintPartnerWebhookService,
      PingenWebhookService,
      LedgerSignals,
      PaymentsService,
      DestructionsService,
      LegalHoldService,
      BaseRatesService,
      LadderService,
      CollectionHandoversService,
      CreditReportsService,
      DisputesService,
    ];
    const controllers: DynamicModule['controllers'] = [
      HealthController,
      PortalController,
      PlansController,
      CustomersController,
      ContractsController,
      ContractCommandsController,
      UsersController,
      AppointmentsController,
      SuppressionController,
      LettersController,
      InvoicesController,
      ContractInvoicesController,
      PrintPartnerWebhookController,
      PingenWebhookController,
      PspWebhookController,
      PaymentsController,
      ContractAccountController,
      RetentionController,
      InvoiceLegalHoldController,
      BaseRatesController,
      LadderController,
      CollectionHandoversController,
      CreditReportsController,
      DisputesController,
      AuditController,
    ];
    // The sandbox endpoints exist only in sandbox mode; elsewhere they are plain 404s.
    if (deps.sandbox) {
      providers.push({ provide: SANDBOX_CONTROL, useValue: deps.sandbox });
      controllers.push(SandboxController, SandboxPspController);
    }
    const imports = rateLimitEnabled(deps.config.security.rateLimit) ? [rateLimitModule(deps.config.security.rateLimit)] : [];
    return { module: AppModule, imports, providers, controllers };
  }
}
