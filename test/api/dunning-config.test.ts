/**
 * The dunning configuration and read-side endpoints over real HTTP on real PostgreSQL: base
 * rates, the dunning ladder, collection handovers and credit reports. The app here is built
 * from just these controllers with the platform's auth guard and problem filter (no Temporal:
 * none of them talks to a workflow); handover and report rows are seeded as the dunning
 * activities would write them.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { APP_CONFIG, PRISMA } from '../../src/app/tokens';
import { AuthGuard, hashToken } from '../../src/auth/auth.guard';
import { CollectionHandoversController } from '../../src/collection-agency/collection-handovers.controller';
import { CollectionHandoversService } from '../../src/collection-agency/collection-handovers.service';
import { loadConfig } from '../../src/config/config';
import { CreditReportsController } from '../../src/credit-bureau/credit-reports.controller';
import { CreditReportsService } from '../../src/credit-bureau/credit-reports.service';
import type { PrismaClient } from '../../src/database/prisma-client';
import { createPrismaClient } from '../../src/database/prisma-client';
import { DEFAULT_DUNNING_LADDER } from '../../src/domain/dunning';
import { baseRateFor, DEFAULT_BASE_RATES } from '../../src/domain/interest';
import { BaseRatesController } from '../../src/dunning/base-rates.controller';
import { BaseRatesService } from '../../src/dunning/base-rates.service';
import { loadBaseRates } from '../../src/dunning/base-rates.store';
import { LadderController } from '../../src/dunning/ladder.controller';
import { LadderService } from '../../src/dunning/ladder.service';
import { loadCurrentLadder } from '../../src/dunning/ladder.store';
import { ProblemFilter } from '../../src/http/problem.filter';
import type { TestDatabase } from '../helpers/database';
import { createTestDatabase } from '../helpers/database';
import { apiClient, OPERATOR_TOKEN } from '../helpers/platform';

let database: TestDatabase;
let prisma: PrismaClient;
let app: INestApplication;
let api: ReturnType<typeof apiClient>;
let customerToken: string;

@Module({})
class DunningApiModule {}

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url);
  app = await NestFactory.create(
    {
      module: DunningApiModule,
      providers: [
        { provide: APP_CONFIG, useValue: loadConfig({ OPERATOR_TOKEN }) },
        { provide: PRISMA, useValue: prisma },
        { provide: APP_GUARD, useClass: AuthGuard },
        BaseRatesService,
        LadderService,
        CollectionHandoversService,
        CreditReportsService,
      ],
      controllers: [BaseRatesController, LadderController, CollectionHandoversController, CreditReportsController],
    },
    { logger: false },
  );
  app.useGlobalFilters(new ProblemFilter());
  await app.listen(0, '127.0.0.1');
  api = apiClient(await app.getUrl());
  const customer = await prisma.customer.create({ data: { id: randomUUID(), type: 'business', name: 'Praxis Dr. Muster', country: 'DE' } });
  customerToken = `customer-token-${randomUUID()}`;
  await prisma.apiToken.create({ data: { id: randomUUID(), tokenHash: hashToken(customerToken), customerId: customer.id } });
});
afterAll(async () => {
  await app?.close();
  await prisma?.$disconnect();
  await database?.drop();
});

function expectProblem(res: { status: number; contentType: string; body: { code?: string } }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.contentType).toContain('application/problem+json');
  expect(res.body.code).toBe(code);
}

describe('base rates', () => {
  it('lists the seeded Basiszinssatz table, oldest first, to customers and operators; needs a token', async () => {
    const seeded = DEFAULT_BASE_RATES.map((r) => ({ validFrom: r.validFrom, basisPoints: r.basisPoints }));
    expect(await api('GET', '/v1/base-rates', { token: OPERATOR_TOKEN })).toMatchObject({ status: 200, body: { items: seeded } });
    expect(await api('GET', '/v1/base-rates', { token: customerToken })).toMatchObject({ status: 200, body: { items: seeded } });
    expectProblem(await api('GET', '/v1/base-rates'), 401, 'UNAUTHENTICATED');
  });

  it('operators add a half-year: 201, the same again 200, another value 409 BASE_RATE_EXISTS; loadBaseRates sees it', async () => {
    const body = { validFrom: '2026-07-01', basisPoints: 127 };
    expectProblem(await api('POST', '/v1/base-rates', { token: customerToken, body }), 403, 'FORBIDDEN');
    expect(await api('POST', '/v1/base-rates', { token: OPERATOR_TOKEN, body })).toMatchObject({ status: 201, body });
    expect(await api('POST', '/v1/base-rates', { token: OPERATOR_TOKEN, body })).toMatchObject({ status: 200, body });
    const conflict = await api('POST', '/v1/base-rates', { token: OPERATOR_TOKEN, body: { ...body, basisPoints: 130 } });
    expectProblem(conflict, 409, 'BASE_RATE_EXISTS');
    expect(conflict.body).toMatchObject({ validFrom: '2026-07-01', basisPoints: 127 });

    const rates = await loadBaseRates(prisma);
    expect(rates.at(-1)).toEqual(body);
    expect(baseRateFor(rates, '2026-12-31').basisPoints).toBe(127);
    expect((await api('GET', '/v1/base-rates', { token: customerToken })).body.items.at(-1)).toEqual(body);
  });

  it('a negative rate is a rate; concurrent adds of one half-year create it once', async () => {
    const body = { validFrom: '2027-01-01', basisPoints: -88 };
    const answers = await Promise.all([1, 2, 3, 4].map(() => api('POST', '/v1/base-rates', { token: OPERATOR_TOKEN, body })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(answers.every((a) => a.body.basisPoints === -88)).toBe(true);
    expect(await prisma.baseRate.count({ where: { validFrom: '2027-01-01' } })).toBe(1);
  });

  it.each<[string, unknown]>([
    ['not a half-year start', { validFrom: '2027-04-01', basisPoints: 100 }],
    ['the 2nd of July', { validFrom: '2027-07-02', basisPoints: 100 }],
    ['no date', { validFrom: '01.07.2027', basisPoints: 100 }],
    ['fractional basis points', { validFrom: '2027-07-01', basisPoints: 12.5 }],
    ['above 2000', { validFrom: '2027-07-01', basisPoints: 2001 }],
    ['below −1000', { validFrom: '2027-07-01', basisPoints: -1001 }],
    ['a percent string', { validFrom: '2027-07-01', basisPoints: '1.27' }],
    ['an unknown field', { validFrom: '2027-07-01', basisPoints: 100, note: 'x' }],
  ])('400 VALIDATION_FAILED for %s', async (_, body) => {
    expectProblem(await api('POST', '/v1/base-rates', { token: OPERATOR_TOKEN, body }), 400, 'VALIDATION_FAILED');
  });
});

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('dunning ladder', () => {
  const shortened = [
    { step: 'reminder', offsetDays: 5, channels: ['email'], fee: eur(0) },
    { step: 'first-letter', offsetDays: 12, channels: ['letter', 'email'], fee: eur(750) },
    { step: 'final-letter', offsetDays: 26, channels: ['letter'], fee: eur(750) },
    { step: 'handover', offsetDays: 40, channels: [], fee: eur(0) },
  ];

  it('walks through default → a new version → the same again → invalid → another version', async () => {
    // No stored version yet: the built-in default, fees as money.
    const initial = await api('GET', '/v1/dunning/ladder', { token: OPERATOR_TOKEN });
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({ version: 1, steps: DEFAULT_DUNNING_LADDER.steps.map((s) => ({ ...s, fee: eur(s.fee) })) });
    expect(await loadCurrentLadder(prisma)).toBe(DEFAULT_DUNNING_LADDER);
    expectProblem(await api('GET', '/v1/dunning/ladder', { token: customerToken }), 403, 'FORBIDDEN');
    expectProblem(await api('PUT', '/v1/dunning/ladder', { token: customerToken, body: { steps: shortened } }), 403, 'FORBIDDEN');

    // A new ladder is version 2; the table keeps cents; activities load it.
    const stored = await api('PUT', '/v1/dunning/ladder', { token: OPERATOR_TOKEN, body: { steps: shortened } });
    expect(stored).toMatchObject({ status: 200, body: { version: 2, steps: shortened } });
    expect(await api('GET', '/v1/dunning/ladder', { token: OPERATOR_TOKEN })).toMatchObject({ status: 200, body: { version: 2, steps: shortened } });
    const row = await prisma.dunningLadder.findUniqueOrThrow({ where: { version: 2 } });
    expect(row.steps).toEqual(shortened.map((s) => ({ ...s, fee: s.fee.amount })));
    expect(await loadCurrentLadder(prisma)).toEqual({ version: 2, steps: shortened.map((s) => ({ ...s, fee: s.fee.amount })) });

    // PUT is idempotent: the ladder in force again makes no version 3.
    expect(await api('PUT', '/v1/dunning/ladder', { token: OPERATOR_TOKEN, body: { steps: shortened } })).toMatchObject({ status: 200, body: { version: 2 } });
    expect(await prisma.dunningLadder.count()).toBe(1);

    // The ladder rules: 422 INVALID_LADDER with every problem listed; nothing stored.
    const invalid = await api('PUT', '/v1/dunning/ladder', {
      token: OPERATOR_TOKEN,
      body: {
        steps: [
          { step: 'handover', offsetDays: 40, channels: [], fee: eur(0) },
          { step: 'reminder', offsetDays: 7, channels: ['email'], fee: eur(-100) },
        ],
      },
    });
    expectProblem(invalid, 422, 'INVALID_LADDER');
    expect(invalid.body.problems).toEqual(
      expect.arrayContaining(['steps[1].offsetDays must be greater than the step before (40)', 'steps[1].fee must be whole cents ≥ 0', 'steps[0]: the handover must be the last step']),
    );
    expectProblem(await api('PUT', '/v1/dunning/ladder', { token: OPERATOR_TOKEN, body: { steps: [] } }), 422, 'INVALID_LADDER');
    expect(await prisma.dunningLadder.count()).toBe(1);

    // Back to the default's steps: a new version (3), not version 1 again.
    const back = await api('PUT', '/v1/dunning/ladder', { token: OPERATOR_TOKEN, body: { steps: initial.body.steps } });
    expect(back).toMatchObject({ status: 200, body: { version: 3, steps: initial.body.steps } });
    expect((await loadCurrentLadder(prisma)).version).toBe(3);

    // Two operators at once with different ladders: each gets a version of its own.
    const [a, b] = await Promise.all([
      api('PUT', '/v1/dunning/ladder', { token: OPERATOR_TOKEN, body: { steps: shortened } }),
      api('PUT', '/v1/dunning/ladder', { token: OPERATOR_TOKEN, body: { steps: shortened.map((s) => ({ ...s, offsetDays: s.offsetDays + 1 })) } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.version, b.body.version].sort()).toEqual([4, 5]);
    expect(await prisma.dunningLadder.count()).toBe(4);
  });

  const step = { step: 'handover', offsetDays: 42, channels: [], fee: eur(0) };
  it.each<[string, unknown]>([
    ['an unknown step kind', { steps: [{ ...step, step: 'court' }] }],
    ['an unknown channel', { steps: [{ ...step, step: 'reminder', channels: ['sms'] }] }],
    ['a channel twice', { steps: [{ ...step, step: 'reminder', channels: ['email', 'email'] }] }],
    ['a fee in cents without currency', { steps: [{ ...step, fee: 500 }] }],
    ['a fee in USD', { steps: [{ ...step, fee: { amount: 500, currency: 'USD' } }] }],
    ['fractional days', { steps: [{ ...step, offsetDays: 1.5 }] }],
    ['fractional cents', { steps: [{ ...step, fee: eur(2.5) }] }],
    ['no steps field', {}],
  ])('400 VALIDATION_FAILED for %s', async (_, body) => {
    expectProblem(await api('PUT', '/v1/dunning/ladder', { token: OPERATOR_TOKEN, body }), 400, 'VALIDATION_FAILED');
  });
});

describe('collection handovers and credit reports (read side)', () => {
  const contractId = randomUUID();
  const otherContractId = randomUUID();
  const debtor = {
    name: 'Praxis Dr. Muster',
    birthName: 'Muster',
    address: { line1: 'Hauptstraße 1', line2: null, postalCode: '10115', city: 'Berlin', country: 'DE' },
    email: 'praxis@example.org',
    dateOfBirth: '1980-05-17',
    occupation: 'Ärztin',
    phone: '+49 30 1234567',
    contractDate: '2027-01-15',
  };
  const claims = [{ invoiceNumber: '2027-000002', issuedOn: '2027-02-01', dueOn: '2027-02-15', openAmount: eur(8211), fees: eur(5000), interest: eur(91) }];

  beforeAll(async () => {
    const handover = (id: string, contract: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
      id,
      idempotencyKey: `contract-${contract}/dunning/${id}`,
      contractId: contract,
      handedOverOn: '2027-03-29',
      debtor: { ...debtor, ...extra },
      claims,
      claimTotalCents: 13_302,
      status: 'delivered',
      agency: 'local',
      agencyReference: `local-${id}`,
      createdAt: new Date(createdAt),
    });
    await prisma.collectionHandover.createMany({
      data: [
        // A row holding more than the data set (a bug elsewhere) must not show it.
        handover('00000000-0000-4000-8000-000000000002', contractId, '2027-05-10T00:00:00Z', { iban: 'DE89370400440532013000' }),
        handover('00000000-0000-4000-8000-000000000001', contractId, '2027-03-29T00:00:00Z'),
        handover('00000000-0000-4000-8000-000000000003', otherContractId, '2027-03-29T00:00:00Z'),
      ],
    });
    await prisma.creditReport.createMany({
      data: [
        { id: '00000000-0000-4000-8000-000000000011', idempotencyKey: 'r-1', contractId, invoiceId: '00000000-0000-4000-8000-0000000000a1', decision: 'sent', reason: null, decidedOn: '2027-03-29', bureau: 'local', createdAt: new Date('2027-03-29T00:00:00Z') },
        { id: '00000000-0000-4000-8000-000000000012', idempotencyKey: 'r-2', contractId, invoiceId: '00000000-0000-4000-8000-0000000000a2', decision: 'withheld', reason: 'FIRST_LETTER_TOO_RECENT', decidedOn: '2027-04-26', bureau: 'local', createdAt: new Date('2027-04-26T00:00:00Z') },
        { id: '00000000-0000-4000-8000-000000000013', idempotencyKey: 'r-3', contractId: otherContractId, invoiceId: '00000000-0000-4000-8000-0000000000a3', decision: 'sent', reason: null, decidedOn: '2027-03-29', bureau: 'local' },
      ],
    });
  });

  it("lists a contract's handovers, oldest first, the debtor with exactly the eight fields", async () => {
    const res = await api('GET', `/v1/collection-handovers?contractId=${contractId}`, { token: OPERATOR_TOKEN });
    expect(res.status).toBe(200);
    const item = (id: string) => ({ id, contractId, handedOverOn: '2027-03-29', debtor, claims, claimTotal: eur(13_302), status: 'delivered' });
    expect(res.body).toEqual({ items: [item('00000000-0000-4000-8000-000000000001'), item('00000000-0000-4000-8000-000000000002')] });
    for (const listed of res.body.items) expect(Object.keys(listed.debtor).sort()).toEqual(['address', 'birthName', 'contractDate', 'dateOfBirth', 'email', 'name', 'occupation', 'phone']);
    expect(await api('GET', `/v1/collection-handovers?contractId=${randomUUID()}`, { token: OPERATOR_TOKEN })).toMatchObject({ status: 200, body: { items: [] } });
  });

  it("lists a contract's credit-report decisions, oldest first", async () => {
    const res = await api('GET', `/v1/credit-reports?contractId=${contractId}`, { token: OPERATOR_TOKEN });
    expect(res).toMatchObject({
      status: 200,
      body: {
        items: [
          { id: '00000000-0000-4000-8000-000000000011', contractId, invoiceId: '00000000-0000-4000-8000-0000000000a1', decision: 'sent', reason: null, decidedOn: '2027-03-29' },
          { id: '00000000-0000-4000-8000-000000000012', contractId, invoiceId: '00000000-0000-4000-8000-0000000000a2', decision: 'withheld', reason: 'FIRST_LETTER_TOO_RECENT', decidedOn: '2027-04-26' },
        ],
      },
    });
    expect(Object.keys(res.body.items[0]).sort()).toEqual(['contractId', 'decidedOn', 'decision', 'id', 'invoiceId', 'reason']);
  });

  it.each(['/v1/collection-handovers', '/v1/credit-reports'])('%s: operators only, contractId required and a UUID', async (path) => {
    expectProblem(await api('GET', `${path}?contractId=${contractId}`, { token: customerToken }), 403, 'FORBIDDEN');
    expectProblem(await api('GET', path, { token: OPERATOR_TOKEN }), 400, 'VALIDATION_FAILED');
    expectProblem(await api('GET', `${path}?contractId=nope`, { token: OPERATOR_TOKEN }), 400, 'VALIDATION_FAILED');
  });
});
