/**
 * Retention activities of the contract workflow (DOMAIN.md, "Retention and deletion"): what is
 * left of the contract's tax records and when the next falls due, the destruction of what is due
 * (rows, stored documents, print copies on disk) with one log entry per record, and legal holds.
 *
 * Exactly once: the destruction log's unique (record_type, record_id) decides which call destroys
 * a record — its log row and the destruction commit together — so a retried or concurrent call
 * destroys and logs nothing twice, whatever its idempotency key.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/database/prisma-client';
import { lockContract } from '../src/database/row-locks';
import type { LocalDate } from '../src/domain/calendar';
import type { Country } from '../src/domain/invoice';
import type { RetentionPolicy } from '../src/domain/retention';
import type { ContractRecordType, PlannedRecord, RetentionPlan } from '../src/domain/retention-plan';
import { planRetention } from '../src/domain/retention-plan';
import type { Prisma } from '../src/generated/prisma/client';
import { loadContractRecords } from './retention-records';

/** Input of {@link RetentionActivities.retentionStatus}. */
export interface RetentionStatusInput {
  readonly contractId: string;
}

/** What is left of a contract's records. */
export interface RetentionStatus {
  /** The earliest last day of a record no hold keeps: destroy on the day after. Null: only held records (or none) are left. */
  readonly nextRetainUntil: LocalDate | null;
  /** Records left that no legal hold keeps. */
  readonly remaining: number;
  /** Records left that a legal hold keeps (the invoice and every record about it). */
  readonly held: number;
}

/** Input of {@link RetentionActivities.destroyDueRecords}. */
export interface DestroyDueRecordsInput {
  readonly contractId: string;
  /** The contract's local date: records whose `retainUntil` is before it are destroyed. */
  readonly today: LocalDate;
  /** `<workflowId>/retention/<today>`: named in the log lines; exactly-once comes from the per-record log key. */
  readonly idempotencyKey: string;
}

/** How many records of one kind a call destroyed. */
export interface DestroyedCount {
  readonly recordType: ContractRecordType;
  readonly count: number;
}

/** Result of {@link RetentionActivities.destroyDueRecords}: what this call destroyed (a retry reports only what was left) and what is left. */
export interface DestroyDueRecordsResult extends RetentionStatus {
  readonly destroyed: readonly DestroyedCount[];
}

/** Input of {@link RetentionActivities.setLegalHold}. */
export interface SetLegalHoldInput {
  readonly invoiceId: string;
  /** True: place (or re-word) the hold; false: lift it. */
  readonly hold: boolean;
  /** Why (required when placing a hold); operators' text, kept on the invoice only, never in the log. */
  readonly reason: string | null;
  /** ISO instant of the request (workflow time): `since` of a new hold. */
  readonly at: string;
}

/** An invoice's legal hold after {@link RetentionActivities.setLegalHold}. */
export interface LegalHoldState {
  readonly invoiceId: string;
  readonly contractId: string;
  readonly hold: boolean;
  readonly reason: string | null;
  /** ISO instant the hold was first placed; a re-worded hold keeps it. Null when not held. */
  readonly since: string | null;
}

/** The retention activities the contract workflow calls. */
export interface RetentionActivities {
  /** What is left of the contract's records and when the next one is due (the workflow sleeps until the day after `nextRetainUntil`). */
  retentionStatus(input: RetentionStatusInput): Promise<RetentionStatus>;
  /**
   * Destroys every record due on `today` that no legal hold keeps, in batches of one transaction
   * each: rows deleted (invoices become tombstones), stored documents and print copies removed,
   * one `retention_destructions` row per record.
   */
  destroyDueRecords(input: DestroyDueRecordsInput): Promise<DestroyDueRecordsResult>;
  /** Places or lifts an invoice's legal hold (the workflow's `legalHold` update calls it). */
  setLegalHold(input: SetLegalHoldInput): Promise<LegalHoldState>;
}

/** Non-retryable failure types of the retention activities. */
export const RETENTION_FAILURE_TYPES = {
  CONTRACT_ROW_MISSING: 'CONTRACT_ROW_MISSING',
  INVOICE_MISSING: 'INVOICE_MISSING',
  /** The invoice was destroyed: nothing left to hold (the API answers 410). */
  RECORD_DESTROYED: 'RECORD_DESTROYED',
  /** A hold without a reason, or `at` not an instant. */
  INVALID_LEGAL_HOLD: 'INVALID_LEGAL_HOLD',
} as const;

/**
 * What stays of a destroyed invoice's document data: nothing about the customer or the lines.
 * Shaped like an empty document so that lists of invoices still map it. The row keeps its number
 * (gapless numbering stays provable), dates, status `destroyed` and amounts — no personal content.
 */
export const DESTROYED_INVOICE_DOCUMENT = { destroyed: true, servicePeriod: null, lines: [], vatGroups: [] } as const;

/** Records destroyed per transaction: small enough for short locks, large enough for few round trips. */
const DEFAULT_BATCH_SIZE = 500;
const BATCH_TIMEOUT_MS = 60_000;

export interface RetentionActivityDeps {
  readonly prisma: PrismaClient;
  readonly issuerCountry: Country;
  /** The local print partner's drop folder: print copies are `<dir>/<partner letter id or letter id>/`. */
  readonly printDropDir: string;
  /** Stamps `destroyedAt`. */
  readonly now: () => Date;
  readonly policy?: RetentionPolicy;
  readonly newId?: () => string;
  readonly batchSize?: number;
}

export function createRetentionActivities(deps: RetentionActivityDeps): RetentionActivities {
  const { prisma } = deps;
  const newId = deps.newId ?? randomUUID;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;

  const planOf = async (contractId: string): Promise<RetentionPlan> => {
    const contract = await prisma.contract.findUnique({ where: { id: contractId }, select: { timeZone: true } });
    if (!contract) throw ApplicationFailure.nonRetryable(`Contract ${contractId} has no database row`, RETENTION_FAILURE_TYPES.CONTRACT_ROW_MISSING);
    return planRetention(await loadContractRecords(prisma, contractId, contract.timeZone), deps.issuerCountry, deps.policy);
  };
  const statusOf = (plan: RetentionPlan): RetentionStatus => ({ nextRetainUntil: plan.nextRetainUntil, remaining: plan.remaining, held: plan.held });

  /** Destroys one batch under the contract lock; returns the records this call logged (and so destroyed). */
  const destroyBatch = (contractId: string, batch: readonly PlannedRecord[]): Promise<PlannedRecord[]> =>
    prisma.$transaction(
      async (tx) => {
        await lockContract(tx, contractId);
        // A hold placed after the plan was read (setLegalHold takes the same lock) still keeps its records.
        const named = [...new Set(batch.flatMap((r) => (r.recordType === 'invoice' ? [r.recordId] : (r.invoiceIds ?? []))))];
        const heldNow = new Set((await tx.invoice.findMany({ where: { id: { in: named }, legalHoldReason: { not: null } }, select: { id: true } })).map((i) => i.id));
        const free = batch.filter((r) => !(r.recordType === 'invoice' ? [r.recordId] : (r.invoiceIds ?? [])).some((id) => heldNow.has(id)));
        const destroyedAt = deps.now();
        const logged = await tx.retentionDestruction.createManyAndReturn({
          data: free.map((r) => ({ id: newId(), recordType: r.recordType, recordId: r.recordId, year: r.year, rule: r.rule, retainUntil: r.retainUntil, contractId, destroyedAt })),
          skipDuplicates: true,
          select: { recordType: true, recordId: true },
        });
        const ours = new Set(logged.map((l) => `${l.recordType}/${l.recordId}`));
        const mine = free.filter((r) => ours.has(`${r.recordType}/${r.recordId}`));
        const idsOf = (...types: ContractRecordType[]) => mine.filter((r) => types.includes(r.recordType)).map((r) => r.recordId);
        await destroyInvoices(tx, idsOf('invoice'), destroyedAt);
        await tx.payment.deleteMany({ where: { id: { in: idsOf('payment') } } });
        await tx.cardCharge.deleteMany({ where: { id: { in: idsOf('card-charge') } } });
        await tx.sepaDebit.deleteMany({ where: { id: { in: idsOf('sepa-debit') } } });
        await tx.prepayment.deleteMany({ where: { id: { in: idsOf('prepayment') } } });
        await destroyLedgerEntries(tx, idsOf('ledger-entry'));
        await destroyLetters(tx, idsOf('letter', 'dunning-letter'), deps.printDropDir);
        await tx.communication.deleteMany({ where: { id: { in: idsOf('billing-mail') } } });
        await tx.dunningStep.deleteMany({ where: { id: { in: idsOf('dunning-step') } } });
        await tx.collectionHandover.deleteMany({ where: { id: { in: idsOf('collection-handover') } } });
        await tx.creditReport.deleteMany({ where: { id: { in: idsOf('credit-report') } } });
        return mine;
      },
      { timeout: BATCH_TIMEOUT_MS },
    );

  return {
    async retentionStatus(input) {
      return statusOf(await planOf(input.contractId));
    },

    async destroyDueRecords(input) {
      const due = (await planOf(input.contractId)).due(input.today);
      const counts = new Map<ContractRecordType, number>();
      for (let start = 0; start < due.length; start += batchSize) {
        for (const record of await destroyBatch(input.contractId, due.slice(start, start + batchSize))) counts.set(record.recordType, (counts.get(record.recordType) ?? 0) + 1);
      }
      const destroyed = [...counts].map(([recordType, count]) => ({ recordType, count })).sort((a, b) => a.recordType.localeCompare(b.recordType));
      return { destroyed, ...statusOf(await planOf(input.contractId)) };
    },

    setLegalHold: (input) => setInvoiceLegalHold(prisma, input),
  };
}

/**
 * Places or lifts an invoice's legal hold under the contract lock (so no destruction runs beside
 * it). Used by the activity and, for a contract whose workflow has completed, by the API directly.
 */
export async function setInvoiceLegalHold(prisma: PrismaClient, input: SetLegalHoldInput): Promise<LegalHoldState> {
  const reason = input.reason?.trim() || null;
  if (input.hold && !reason) throw ApplicationFailure.nonRetryable(`A legal hold of invoice ${input.invoiceId} needs a reason`, RETENTION_FAILURE_TYPES.INVALID_LEGAL_HOLD);
  const at = new Date(input.at);
  if (Number.isNaN(at.getTime())) throw ApplicationFailure.nonRetryable(`Not an instant: ${JSON.stringify(input.at)}`, RETENTION_FAILURE_TYPES.INVALID_LEGAL_HOLD);
  return prisma.$transaction(async (tx) => {
    const found = await tx.invoice.findUnique({ where: { id: input.invoiceId }, select: { contractId: true } });
    if (!found) throw ApplicationFailure.nonRetryable(`Invoice ${input.invoiceId} does not exist`, RETENTION_FAILURE_TYPES.INVOICE_MISSING);
    await lockContract(tx, found.contractId);
    const invoice = await tx.invoice.findUniqueOrThrow({ where: { id: input.invoiceId } });
    if (invoice.status === 'destroyed') throw ApplicationFailure.nonRetryable(`Invoice ${invoice.number} was destroyed after its retention period`, RETENTION_FAILURE_TYPES.RECORD_DESTROYED);
    const since = input.hold ? (invoice.legalHoldSince ?? at) : null;
    await tx.invoice.update({ where: { id: invoice.id }, data: { legalHoldReason: input.hold ? reason : null, legalHoldSince: since } });
    return { invoiceId: invoice.id, contractId: invoice.contractId, hold: input.hold, reason: input.hold ? reason : null, since: since?.toISOString() ?? null };
  });
}

/** Invoices become tombstones (number, dates, amounts, status `destroyed`); their stored PDF/XML and billed usage go. */
async function destroyInvoices(tx: Prisma.TransactionClient, ids: string[], destroyedAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.invoiceDocument.deleteMany({ where: { invoiceId: { in: ids } } });
  await tx.usageEvent.deleteMany({ where: { invoiceId: { in: ids } } });
  await tx.invoice.updateMany({
    where: { id: { in: ids } },
    data: {
      status: 'destroyed',
      destroyedAt,
      document: DESTROYED_INVOICE_DOCUMENT,
      // Operators' free text may name people: it goes with the document.
      disputeReason: null,
      disputedSince: null,
      legalHoldReason: null,
      legalHoldSince: null,
      dunningNextStepOn: null,
    },
  });
}

/** Ledger entries are deleted (the table refuses UPDATE, not DELETE), with every allocation from or to them. */
async function destroyLedgerEntries(tx: Prisma.TransactionClient, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.ledgerAllocation.deleteMany({ where: { OR: [{ creditEntryId: { in: ids } }, { claimEntryId: { in: ids } }] } });
  await tx.ledgerEntry.deleteMany({ where: { id: { in: ids } } });
}

/**
 * Letters go with their communication and the print copy in the drop folder. The copy is removed
 * before the rows commit: removing is idempotent, and a copy must never outlive its row.
 */
async function destroyLetters(tx: Prisma.TransactionClient, ids: string[], printDropDir: string): Promise<void> {
  if (ids.length === 0) return;
  const letters = await tx.letter.findMany({ where: { id: { in: ids } }, select: { id: true, partnerLetterId: true, communicationId: true } });
  const folders = letters.flatMap((l) => [l.id, l.partnerLetterId]).filter((name): name is string => name !== null && /^[A-Za-z0-9_-]+$/.test(name));
  await Promise.all(folders.map((name) => rm(path.join(printDropDir, name), { recursive: true, force: true })));
  await tx.letter.deleteMany({ where: { id: { in: ids } } });
  // `ids` may also name letter communications that have no letters row.
  await tx.communication.deleteMany({ where: { id: { in: [...ids, ...letters.map((l) => l.communicationId)] } } });
}
