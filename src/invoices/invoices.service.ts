import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Clock } from '../app/clock';
import { CLOCK, PRISMA } from '../app/tokens';
import type { Principal } from '../auth/principal';
import { findVisibleContract } from '../contracts/contract-access';
import type { PrismaClient } from '../database/prisma-client';
import { isUniqueViolation } from '../database/unique-violation';
import { ensureInvoiceDocuments } from '../documents/invoice-document-store';
import { localDateOf } from '../domain/calendar';
import { DomainError } from '../domain/errors';
import { isPlanId, planOf } from '../domain/plans';
import type { Invoice } from '../generated/prisma/client';
import { ProblemError } from '../http/problem';
import { isUuid } from '../http/uuid';
import { invoiceDestroyed } from '../retention/record-destroyed';
import { toInvoiceResource } from './invoice.mapper';
import type { ListInvoicesQuery, RecordUsageBody } from './invoice.schema';

/** How far in the future a usage event may be dated (clock skew of the reporting system). */
const MAX_USAGE_CLOCK_SKEW_MS = 5 * 60_000;

/** Invoices (read side) and metered usage. Invoices are issued by the contract workflows only. */
@Injectable()
export class InvoicesService {
  private readonly logger = new Logger('Invoices');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Operators: every invoice, filtered, ordered by number. */
  async list(query: ListInvoicesQuery) {
    const rows = await this.prisma.invoice.findMany({
      where: {
        ...(query.contractId ? { contractId: query.contractId } : {}),
        ...(query.customerId ? { customerId: query.customerId } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.year ? { year: query.year } : {}),
        ...(query.cursor ? { number: { gt: query.cursor } } : {}),
      },
      orderBy: { number: 'asc' },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return { items: page.map(toInvoiceResource), nextCursor: rows.length > query.limit ? page[page.length - 1].number : null };
  }

  /** A contract's invoices, oldest first. */
  async ofContract(contractId: string, principal: Principal) {
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    const rows = await this.prisma.invoice.findMany({ where: { contractId: contract.id }, orderBy: { number: 'asc' } });
    return { items: rows.map(toInvoiceResource) };
  }

  /** One invoice; `410 RECORD_DESTROYED` once destroyed (its lines and parties are gone). */
  async get(id: string, principal: Principal) {
    return toInvoiceResource(await this.findLive(id, principal));
  }

  /** The stored PDF (PDF/A-3 with the ZUGFeRD XML embedded) or XRechnung; rendered once if not stored yet. */
  async document(id: string, principal: Principal, kind: 'pdf' | 'xrechnung'): Promise<{ content: Buffer; fileName: string }> {
    const invoice = await this.findLive(id, principal);
    const { pdf, xml } = await ensureInvoiceDocuments(this.prisma, invoice.id);
    return kind === 'pdf' ? { content: pdf, fileName: `Rechnung-${invoice.number}.pdf` } : { content: xml, fileName: `Rechnung-${invoice.number}-xrechnung.xml` };
  }

  /**
   * Records metered usage, counted once per Idempotency-Key and contract (a unique key, not only
   * the replay cache: a key seen again a year later still counts once).
   */
  async recordUsage(contractId: string, body: RecordUsageBody, principal: Principal, idempotencyKey: string | undefined) {
    if (!idempotencyKey) {
      throw new ProblemError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Validation failed', 'Idempotency-Key header is required: usage must be counted exactly once.');
    }
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    if (contract.status === 'ended' || contract.dataDeletedAt) throw new DomainError('CONTRACT_ENDED', `The contract ended on ${contract.endedOn ?? '?'}.`);
    if (!isPlanId(contract.plan) || !planOf(contract.plan).features.includes('sms-invitations')) {
      throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, 'FEATURE_NOT_IN_PLAN', 'Feature not in plan', `SMS invitations are not part of plan ${contract.plan}.`);
    }
    if (contract.status === 'paused' || contract.status === 'suspended') throw new DomainError('CONTRACT_READ_ONLY', `The contract is ${contract.status}: features are read-only.`);
    const occurredAt = new Date(body.occurredAt);
    const now = await this.clock.now();
    if (occurredAt.getTime() > now.getTime() + MAX_USAGE_CLOCK_SKEW_MS) {
      throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, 'USAGE_IN_FUTURE', 'Usage in the future', `occurredAt ${body.occurredAt} lies in the future.`);
    }
    const occurredOn = localDateOf(occurredAt, contract.timeZone);
    if (occurredOn < contract.startedOn) {
      throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, 'USAGE_BEFORE_START', 'Usage before the contract start', `The contract started on ${contract.startedOn}.`);
    }
    const data = { id: randomUUID(), contractId: contract.id, kind: body.kind, quantity: body.quantity, occurredAt, occurredOn, idempotencyKey };
    try {
      const row = await this.prisma.usageEvent.create({ data });
      this.logger.log(`contract ${contract.id}: ${row.quantity} ${row.kind} on ${row.occurredOn}`);
      return this.usageResource(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.prisma.usageEvent.findUniqueOrThrow({ where: { contractId_idempotencyKey: { contractId: contract.id, idempotencyKey } } });
      if (existing.quantity !== body.quantity || existing.occurredAt.getTime() !== occurredAt.getTime()) {
        throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key reused', 'This key was used for different usage.');
      }
      return this.usageResource(existing);
    }
  }

  private usageResource(row: { id: string; contractId: string; kind: string; quantity: number; occurredAt: Date; occurredOn: string; invoiceId: string | null }) {
    return { id: row.id, contractId: row.contractId, kind: row.kind, quantity: row.quantity, occurredAt: row.occurredAt.toISOString(), occurredOn: row.occurredOn, invoiceId: row.invoiceId };
  }

  /** An invoice visible to `principal`; 404 for unknown or someone else's. */
  private async find(id: string, principal: Principal): Promise<Invoice> {
    const row = isUuid(id) ? await this.prisma.invoice.findUnique({ where: { id } }) : null;
    if (!row || (principal.role === 'customer' && row.customerId !== principal.customerId)) throw ProblemError.notFound('Invoice');
    return row;
  }

  /** {@link find}, and `410 RECORD_DESTROYED` for a destroyed invoice. */
  private async findLive(id: string, principal: Principal): Promise<Invoice> {
    const invoice = await this.find(id, principal);
    if (invoice.status === 'destroyed') throw invoiceDestroyed(invoice.number);
    return invoice;
  }
}
