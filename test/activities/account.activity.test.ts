/**
 * The account activities against a real PostgreSQL database: rows are seeded with Prisma, the
 * activities run in Temporal's MockActivityEnvironment, and every one runs twice (idempotency).
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type AccountActivities, createAccountActivities } from '../../activities/account.activity';
import { createPrismaClient, type PrismaClient } from '../../src/database/prisma-client';
import { suppressionHash } from '../../src/suppression/suppression-hash';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
let prisma: PrismaClient;
let activities: AccountActivities;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  activities = createAccountActivities({ prisma });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

const silentLogger: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Runs an activity the way the worker would: inside an activity context. */
function run<I, O>(fn: (input: I) => Promise<O>, input: I): Promise<O> {
  return new MockActivityEnvironment(undefined, { logger: silentLogger }).run(fn, input);
}

async function seedCustomer() {
  const id = randomUUID();
  await prisma.customer.create({
    data: {
      id,
      type: 'consumer',
      name: 'Erika Mustermann',
      birthName: 'Gabler',
      email: `erika-${id}@example.org`,
      phone: '+49 30 1234567',
      dateOfBirth: '1964-08-12',
      occupation: 'Ärztin',
      locale: 'en',
      invoiceDelivery: 'post',
      vatId: 'DE123456789',
      addressLine1: 'Heidestraße 17',
      addressLine2: 'Hinterhaus',
      postalCode: '51147',
      city: 'Köln',
      country: 'DE',
    },
  });
  await prisma.apiToken.create({ data: { id: randomUUID(), tokenHash: `hash-${id}`, customerId: id } });
  return id;
}

async function seedContract(customerId: string, plan: 'plus' | 'basis' = 'plus', members = 2) {
  const id = randomUUID();
  await prisma.contract.create({
    data: {
      id,
      customerId,
      plan,
      seats: members + 1,
      status: 'ended',
      timeZone: 'Europe/Berlin',
      startedOn: '2027-01-15',
      billingMode: 'postpaid',
      endedOn: '2027-06-30',
      workflowId: `contract-${id}`,
    },
  });
  await prisma.user.create({ data: { id: randomUUID(), contractId: id, name: 'Erika Mustermann', email: 'erika@example.org', role: 'main' } });
  for (let i = 1; i <= members; i++) {
    await prisma.user.create({ data: { id: randomUUID(), contractId: id, name: `Member ${i}`, email: `member${i}@example.org`, role: 'member' } });
  }
  await prisma.communication.create({
    data: {
      id: randomUUID(),
      idempotencyKey: `contract-${id}/r1/contract-started`,
      contractId: id,
      kind: 'contract-started',
      channel: 'email',
      template: 'contract-started',
      locale: 'en',
      recipient: 'erika@example.org',
      subject: 'Welcome',
      status: 'sent',
    },
  });
  await prisma.contractEvent.create({
    data: { id: randomUUID(), idempotencyKey: `contract-${id}/r1/started`, contractId: id, type: 'started', occurredAt: new Date('2027-01-15T09:00:00Z'), data: {} },
  });
  return id;
}

async function seedAppointment(contractId: string, startsAt: string, participants: number, status = 'scheduled', cancelledReason: string | null = null) {
  const id = randomUUID();
  await prisma.appointment.create({ data: { id, contractId, startsAt: new Date(startsAt), participants, status, cancelledReason } });
  return id;
}

async function appointmentsOf(contractId: string) {
  const rows = await prisma.appointment.findMany({ where: { contractId }, orderBy: { startsAt: 'asc' } });
  return rows.map((a) => ({ startsAt: a.startsAt.toISOString(), participants: a.participants, status: a.status, cancelledReason: a.cancelledReason }));
}

async function rolesOf(contractId: string) {
  return (await prisma.user.findMany({ where: { contractId }, orderBy: { role: 'asc' } })).map((u) => u.role);
}

describe('applyDowngrade', () => {
  // The downgrade takes effect on 01.07.2027 00:00 Berlin (= 30.06. 22:00 UTC).
  const effectiveAt = '2027-06-30T22:00:00.000Z';

  test('keeps the main user only and cancels scheduled conferences from the effective instant on; a second run changes nothing', async () => {
    const customerId = await seedCustomer();
    const contractId = await seedContract(customerId, 'plus', 3);
    const other = await seedContract(customerId, 'plus', 2);
    await seedAppointment(contractId, '2027-06-20T08:00:00Z', 5); // before the switch: took place under plus
    await seedAppointment(contractId, '2027-07-01T08:00:00Z', 2); // video call: allowed on basis
    await seedAppointment(contractId, '2027-07-02T08:00:00Z', 3); // conference: cancelled
    await seedAppointment(contractId, '2027-07-03T08:00:00Z', 12); // conference: cancelled
    await seedAppointment(contractId, '2027-07-04T08:00:00Z', 4, 'cancelled', 'customer'); // already cancelled: keeps its reason
    const otherConference = await seedAppointment(other, '2027-07-02T08:00:00Z', 3);

    const first = await run(activities.applyDowngrade, { contractId, effectiveAt });
    expect(first).toEqual({ removedUsers: 3, cancelledAppointments: 2 });
    expect(await rolesOf(contractId)).toEqual(['main']);
    const after = await appointmentsOf(contractId);
    expect(after).toEqual([
      { startsAt: '2027-06-20T08:00:00.000Z', participants: 5, status: 'scheduled', cancelledReason: null },
      { startsAt: '2027-07-01T08:00:00.000Z', participants: 2, status: 'scheduled', cancelledReason: null },
      { startsAt: '2027-07-02T08:00:00.000Z', participants: 3, status: 'cancelled', cancelledReason: 'plan-downgrade' },
      { startsAt: '2027-07-03T08:00:00.000Z', participants: 12, status: 'cancelled', cancelledReason: 'plan-downgrade' },
      { startsAt: '2027-07-04T08:00:00.000Z', participants: 4, status: 'cancelled', cancelledReason: 'customer' },
    ]);

    // Retry (e.g. the worker died before reporting): nothing more to do.
    expect(await run(activities.applyDowngrade, { contractId, effectiveAt })).toEqual({ removedUsers: 0, cancelledAppointments: 0 });
    expect(await rolesOf(contractId)).toEqual(['main']);
    expect(await appointmentsOf(contractId)).toEqual(after);

    // Another contract of the same customer is not touched.
    expect(await rolesOf(other)).toEqual(['main', 'member', 'member']);
    expect((await prisma.appointment.findUniqueOrThrow({ where: { id: otherConference } })).status).toBe('scheduled');
  });

  test('without effectiveAt every scheduled conference is cancelled', async () => {
    const contractId = await seedContract(await seedCustomer(), 'plus', 1);
    await seedAppointment(contractId, '2027-06-20T08:00:00Z', 5);
    await seedAppointment(contractId, '2027-07-02T08:00:00Z', 3);
    await seedAppointment(contractId, '2027-07-02T09:00:00Z', 2);
    expect(await run(activities.applyDowngrade, { contractId })).toEqual({ removedUsers: 1, cancelledAppointments: 2 });
    expect((await appointmentsOf(contractId)).map((a) => a.status)).toEqual(['cancelled', 'cancelled', 'scheduled']);
    expect(await run(activities.applyDowngrade, { contractId })).toEqual({ removedUsers: 0, cancelledAppointments: 0 });
  });

  test('an unknown contract is a non-retryable failure', async () => {
    const failure = await run(activities.applyDowngrade, { contractId: randomUUID() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).type).toBe('CONTRACT_ROW_MISSING');
  });
});

describe('deletePersonalData', () => {
  async function customerRow(id: string) {
    return prisma.customer.findUniqueOrThrow({ where: { id } });
  }

  /** Rows that retention owns: they must survive every deletion. */
  async function retainedCounts(contractIds: string[]) {
    return {
      communications: await prisma.communication.count({ where: { contractId: { in: contractIds } } }),
      events: await prisma.contractEvent.count({ where: { contractId: { in: contractIds } } }),
      contracts: await prisma.contract.count({ where: { id: { in: contractIds } } }),
    };
  }

  test('a customer with two contracts keeps its profile until both are deleted; suppression, communications and events survive', async () => {
    const customerId = await seedCustomer();
    const a = await seedContract(customerId, 'plus', 2);
    const b = await seedContract(customerId, 'basis', 0);
    await seedAppointment(a, '2027-07-02T08:00:00Z', 3);
    await seedAppointment(a, '2027-07-03T08:00:00Z', 2);
    await seedAppointment(b, '2027-07-03T08:00:00Z', 2);
    const suppressed = suppressionHash(`erika-${customerId}@example.org`);
    await prisma.suppressedAddress.create({ data: { emailHash: suppressed, source: 'unsubscribe' } });
    const retained = await retainedCounts([a, b]);
    expect(retained).toEqual({ communications: 2, events: 2, contracts: 2 });

    // Contract A: its users and appointments go; B still needs the profile.
    const deletedAt = '2027-07-01T00:00:00.000Z';
    expect(await run(activities.deletePersonalData, { contractId: a, deletedAt })).toEqual({ deletedUsers: 3, deletedAppointments: 2, customerProfileDeleted: false });
    expect(await prisma.user.count({ where: { contractId: a } })).toBe(0);
    expect(await prisma.appointment.count({ where: { contractId: a } })).toBe(0);
    expect((await prisma.contract.findUniqueOrThrow({ where: { id: a } })).dataDeletedAt?.toISOString()).toBe(deletedAt);
    expect(await prisma.user.count({ where: { contractId: b } })).toBe(1);
    expect(await prisma.appointment.count({ where: { contractId: b } })).toBe(1);
    const kept = await customerRow(customerId);
    expect(kept).toMatchObject({ name: 'Erika Mustermann', city: 'Köln', personalDataDeletedAt: null });
    expect(await prisma.apiToken.count({ where: { customerId } })).toBe(1);

    // Retried later: nothing more, and the first deletion instant stays.
    expect(await run(activities.deletePersonalData, { contractId: a, deletedAt: '2027-07-02T00:00:00.000Z' })).toEqual({
      deletedUsers: 0,
      deletedAppointments: 0,
      customerProfileDeleted: false,
    });
    expect((await prisma.contract.findUniqueOrThrow({ where: { id: a } })).dataDeletedAt?.toISOString()).toBe(deletedAt);
    expect((await customerRow(customerId)).name).toBe('Erika Mustermann');

    // Contract B: the last one; the profile goes with it.
    const lastAt = '2027-10-01T00:00:00.000Z';
    expect(await run(activities.deletePersonalData, { contractId: b, deletedAt: lastAt })).toEqual({ deletedUsers: 1, deletedAppointments: 1, customerProfileDeleted: true });
    const deleted = await customerRow(customerId);
    expect(deleted).toEqual({
      id: customerId,
      type: 'consumer',
      name: null,
      birthName: null,
      email: null,
      phone: null,
      dateOfBirth: null,
      occupation: null,
      locale: 'en',
      invoiceDelivery: 'post',
      vatId: null,
      addressLine1: null,
      addressLine2: null,
      postalCode: null,
      city: null,
      country: 'DE',
      createdAt: kept.createdAt,
      personalDataDeletedAt: new Date(lastAt),
    });
    expect(await prisma.apiToken.count({ where: { customerId } })).toBe(0);

    // Retried: the same answer, nothing changes (personalDataDeletedAt keeps the first instant).
    expect(await run(activities.deletePersonalData, { contractId: b, deletedAt: '2027-12-01T00:00:00.000Z' })).toEqual({
      deletedUsers: 0,
      deletedAppointments: 0,
      customerProfileDeleted: true,
    });
    expect(await customerRow(customerId)).toEqual(deleted);
    // And a late retry of A now reports the profile as deleted (state after the call).
    expect((await run(activities.deletePersonalData, { contractId: a, deletedAt })).customerProfileDeleted).toBe(true);

    // Never deleted: the suppression list, communications and contract events, the contract rows.
    expect(await prisma.suppressedAddress.findUnique({ where: { emailHash: suppressed } })).toMatchObject({ source: 'unsubscribe' });
    expect(await retainedCounts([a, b])).toEqual(retained);
  });

  test('a customer with one contract loses its profile at once', async () => {
    const customerId = await seedCustomer();
    const contractId = await seedContract(customerId, 'plus', 1);
    const result = await run(activities.deletePersonalData, { contractId, deletedAt: '2027-07-01T00:00:00Z' });
    expect(result).toEqual({ deletedUsers: 2, deletedAppointments: 0, customerProfileDeleted: true });
    expect(await customerRow(customerId)).toMatchObject({ name: null, email: null, personalDataDeletedAt: new Date('2027-07-01T00:00:00Z') });
  });

  test('two contracts of one customer deleted at the same time: the profile is deleted (no lost update)', async () => {
    // Several customers at once, on a pool large enough to run every transaction concurrently,
    // so that without the customer lock the interleaving that loses the profile deletion shows up.
    const wide = createPrismaClient(database.url, { maxConnections: 12 });
    try {
      const concurrent = createAccountActivities({ prisma: wide });
      const customers = await Promise.all([1, 2, 3, 4, 5].map(() => seedCustomer()));
      const pairs = await Promise.all(customers.map(async (customerId) => [await seedContract(customerId, 'plus', 1), await seedContract(customerId, 'plus', 1)]));
      const results = await Promise.all(
        pairs.map(([a, b]) =>
          Promise.all([
            run(concurrent.deletePersonalData, { contractId: a, deletedAt: '2027-07-01T00:00:00Z' }),
            run(concurrent.deletePersonalData, { contractId: b, deletedAt: '2027-07-01T00:00:00Z' }),
          ]),
        ),
      );
      for (const [index, pair] of results.entries()) {
        // Exactly one of the two found the other already deleted and took the profile with it.
        expect(pair.map((r) => r.customerProfileDeleted).sort()).toEqual([false, true]);
        expect((await customerRow(customers[index])).personalDataDeletedAt).not.toBeNull();
      }
    } finally {
      await wide.$disconnect();
    }
  });

  test('an unknown contract or a bad instant is a non-retryable failure', async () => {
    const missing = await run(activities.deletePersonalData, { contractId: randomUUID(), deletedAt: '2027-07-01T00:00:00Z' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ type: 'CONTRACT_ROW_MISSING', nonRetryable: true });
    const contractId = await seedContract(await seedCustomer());
    const bad = await run(activities.deletePersonalData, { contractId, deletedAt: 'yesterday' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ type: 'INVALID_INPUT', nonRetryable: true });
    expect(await prisma.user.count({ where: { contractId } })).toBe(3);
  });
});
