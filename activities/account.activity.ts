/**
 * Activities on a contract's account: users and appointments, and the deletion of personal
 * data (DOMAIN.md, "Plan changes", "Retention and deletion"). Each runs in one transaction and
 * is idempotent: a retry finds the work done and changes nothing.
 */
import { ApplicationFailure } from '@temporalio/common';
import { lockContract, lockCustomer } from '../src/database/row-locks';
import type { PrismaClient } from '../src/database/prisma-client';
import { type AppointmentStatus, CONFERENCE_MIN_PARTICIPANTS, DOWNGRADE_CANCELLED_REASON, MAIN_USER_ROLE } from '../src/domain/account-rules';

/** Input of {@link AccountActivities.applyDowngrade}. */
export interface ApplyDowngradeInput {
  readonly contractId: string;
  /**
   * Instant (ISO 8601) the downgrade took effect: 00:00 local time of `effectiveOn`. When given,
   * only conferences starting at or after it are cancelled; earlier ones took place under `plus`
   * and stay as they are. Without it every scheduled conference is cancelled.
   */
  readonly effectiveAt?: string;
}

/** Input of {@link AccountActivities.deletePersonalData}. */
export interface DeletePersonalDataInput {
  readonly contractId: string;
  /** Instant (ISO 8601) of the deletion: workflow time, stored as `data_deleted_at`. */
  readonly deletedAt: string;
}

/** The account activities the contract workflow calls. */
export interface AccountActivities {
  /**
   * Downgrade plus → basis took effect: removes every user except the main user and cancels
   * scheduled conference appointments (3+ participants) with reason `plan-downgrade`.
   * Idempotent: a second run changes nothing and reports zeros. Call it after the contract row
   * says `basis` (saveContract), so that no user can be added between the two.
   */
  applyDowngrade(input: ApplyDowngradeInput): Promise<{ removedUsers: number; cancelledAppointments: number }>;
  /**
   * Deletes the contract's personal and account data: its users and appointments; and the
   * customer's profile (personal fields nulled, `personalDataDeletedAt` set, API tokens deleted)
   * once no other contract of the customer still needs it, i.e. every other contract has
   * `dataDeletedAt` set or there is none. Sets `contracts.data_deleted_at` (first deletion wins).
   * Never touches suppressed_addresses, communications or contract_events (retention's business).
   * Idempotent: a second run deletes nothing more and reports zero rows;
   * `customerProfileDeleted` says whether the profile is deleted after the call (now or earlier).
   */
  deletePersonalData(input: DeletePersonalDataInput): Promise<{ deletedUsers: number; deletedAppointments: number; customerProfileDeleted: boolean }>;
}

/** Non-retryable failure types of the account activities. */
export const ACCOUNT_FAILURE_TYPES = {
  CONTRACT_ROW_MISSING: 'CONTRACT_ROW_MISSING',
  INVALID_INPUT: 'INVALID_INPUT',
} as const;

/**
 * Personal fields of a customer profile. Kept on deletion: id, type, country, locale and
 * invoice delivery — not personal, and tax and billing records (retention) still need them.
 */
const DELETED_PROFILE = {
  name: null,
  birthName: null,
  email: null,
  phone: null,
  dateOfBirth: null,
  occupation: null,
  vatId: null,
  addressLine1: null,
  addressLine2: null,
  postalCode: null,
  city: null,
} as const;

export function createAccountActivities(deps: { prisma: PrismaClient }): AccountActivities {
  const { prisma } = deps;
  return {
    async applyDowngrade(input) {
      const effectiveAt = input.effectiveAt === undefined ? undefined : parseInstant(input.effectiveAt, 'effectiveAt');
      return prisma.$transaction(async (tx) => {
        // The contract lock waits for a running "add user" and keeps new ones out until commit.
        const contract = await lockContract(tx, input.contractId);
        if (!contract) throw contractMissing(input.contractId);
        const removed = await tx.user.deleteMany({ where: { contractId: contract.id, role: { not: MAIN_USER_ROLE } } });
        const cancelled = await tx.appointment.updateMany({
          where: {
            contractId: contract.id,
            status: 'scheduled' satisfies AppointmentStatus,
            participants: { gte: CONFERENCE_MIN_PARTICIPANTS },
            ...(effectiveAt ? { startsAt: { gte: effectiveAt } } : {}),
          },
          data: { status: 'cancelled' satisfies AppointmentStatus, cancelledReason: DOWNGRADE_CANCELLED_REASON },
        });
        return { removedUsers: removed.count, cancelledAppointments: cancelled.count };
      });
    },

    async deletePersonalData(input) {
      const deletedAt = parseInstant(input.deletedAt, 'deletedAt');
      return prisma.$transaction(async (tx) => {
        const owner = await tx.contract.findUnique({ where: { id: input.contractId }, select: { customerId: true } });
        if (!owner) throw contractMissing(input.contractId);
        // Customer before contract, in every deletion: two contracts of one customer ending
        // together run one after the other (no deadlock), and the second sees the first's
        // data_deleted_at, so the profile is deleted exactly when the last contract lets go.
        await lockCustomer(tx, owner.customerId);
        const contract = await lockContract(tx, input.contractId);
        if (!contract) throw contractMissing(input.contractId);

        const users = await tx.user.deleteMany({ where: { contractId: contract.id } });
        const appointments = await tx.appointment.deleteMany({ where: { contractId: contract.id } });
        // The cancellation reason is the customer's free text: personal data too.
        await tx.contract.updateMany({ where: { id: contract.id, dataDeletedAt: null }, data: { dataDeletedAt: deletedAt, cancellationReason: null } });

        const stillNeeded = await tx.contract.count({ where: { customerId: contract.customerId, id: { not: contract.id }, dataDeletedAt: null } });
        let customerProfileDeleted: boolean;
        if (stillNeeded === 0) {
          const customer = await tx.customer.findUniqueOrThrow({ where: { id: contract.customerId }, select: { personalDataDeletedAt: true } });
          await tx.customer.update({
            where: { id: contract.customerId },
            data: { ...DELETED_PROFILE, personalDataDeletedAt: customer.personalDataDeletedAt ?? deletedAt },
          });
          // Portal tokens would otherwise outlive the profile they log into.
          await tx.apiToken.deleteMany({ where: { customerId: contract.customerId } });
          customerProfileDeleted = true;
        } else {
          const customer = await tx.customer.findUniqueOrThrow({ where: { id: contract.customerId }, select: { personalDataDeletedAt: true } });
          customerProfileDeleted = customer.personalDataDeletedAt !== null;
        }
        return { deletedUsers: users.count, deletedAppointments: appointments.count, customerProfileDeleted };
      });
    },
  };
}

function contractMissing(contractId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Contract ${contractId} has no database row`, ACCOUNT_FAILURE_TYPES.CONTRACT_ROW_MISSING);
}

function parseInstant(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw ApplicationFailure.nonRetryable(`${field} is not an instant: ${value}`, ACCOUNT_FAILURE_TYPES.INVALID_INPUT);
  return date;
}
