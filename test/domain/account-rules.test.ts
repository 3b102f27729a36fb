import {
  checkAddAppointment,
  checkAddUser,
  checkSeats,
  checkWritable,
  effectivePlanId,
  isConference,
  normalizeEmail,
  planFeatures,
  seatLimit,
} from '../../src/domain/account-rules';
import { CONFLICT_CODES } from '../../src/domain/errors';
import { DEFAULT_PLAN_CATALOGUE, type Plan } from '../../src/domain/plans';

describe('isConference: 3+ participants', () => {
  it.each([
    [2, false],
    [3, true],
    [4, true],
    [100, true],
  ])('%i participants → %s', (participants, expected) => {
    expect(isConference(participants)).toBe(expected);
  });
});

describe('normalizeEmail: trim and lower-case', () => {
  it.each([
    ['anna@example.org', 'anna@example.org'],
    ['  Anna@Example.ORG ', 'anna@example.org'],
    ['\tMAX.MUSTER@praxis.de\n', 'max.muster@praxis.de'],
    ['Jörg@Müller.de', 'jörg@müller.de'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('plan features from the catalogue', () => {
  it('plus has conferences, basis does not; basis has one seat, plus unlimited', () => {
    expect(planFeatures('plus', 'active')).toContain('conferences');
    expect(planFeatures('basis', 'active')).not.toContain('conferences');
    expect(planFeatures('basis', 'active')).toContain('appointments');
  });

  it('a trial behaves like plus, whatever plan the row says', () => {
    expect(effectivePlanId('basis', 'trial')).toBe('plus');
    expect(planFeatures('basis', 'trial')).toContain('conferences');
    expect(effectivePlanId('basis', 'active')).toBe('basis');
  });

  it.each([
    ['basis', 1, 'active', 1],
    ['basis', 5, 'active', 1], // NOTE: seats above the plan's maximum never open more seats
    ['plus', 1, 'active', 1],
    ['plus', 3, 'active', 3],
    ['plus', 250, 'active', 250],
    ['basis', 4, 'trial', 4], // a trial counts as plus: its seats apply
  ] as const)('seatLimit(%s, seats %i, %s) = %i', (plan, seats, status, limit) => {
    expect(seatLimit({ plan, seats, status })).toBe(limit);
  });

  it.each([
    ['basis', 1, null],
    ['basis', 2, 'SEATS_EXCEED_PLAN'],
    ['plus', 1, null],
    ['plus', 10_000, null], // plus: unlimited
  ] as const)('checkSeats(%s, %i) → %s (a new contract; 422)', (plan, seats, code) => {
    expect(checkSeats(plan, seats)?.code ?? null).toBe(code);
    expect(CONFLICT_CODES.has('SEATS_EXCEED_PLAN')).toBe(false);
  });

  it('reads the catalogue it is given (configuration, not literals)', () => {
    const catalogue: Plan[] = DEFAULT_PLAN_CATALOGUE.map((p) => (p.id === 'basis' ? { ...p, maxSeats: 2, features: [...p.features, 'conferences'] } : p));
    expect(seatLimit({ plan: 'basis', seats: 5, status: 'active' }, catalogue)).toBe(2);
    expect(checkAddAppointment({ plan: 'basis', status: 'active', participants: 3 }, catalogue)).toBeNull();
    expect(checkAddUser({ plan: 'basis', seats: 5, status: 'active', userCount: 1 }, catalogue)).toBeNull();
    expect(checkSeats('basis', 2, catalogue)).toBeNull();
  });
});

describe('checkWritable: ended → 409, paused and suspended read-only → 409', () => {
  it.each([
    ['trial', null],
    ['active', null],
    ['paused', 'CONTRACT_READ_ONLY'],
    ['suspended', 'CONTRACT_READ_ONLY'],
    ['ended', 'CONTRACT_ENDED'],
  ] as const)('%s → %s', (status, code) => {
    expect(checkWritable(status)?.code ?? null).toBe(code);
  });

  it('both codes are conflicts (HTTP 409)', () => {
    expect(CONFLICT_CODES.has('CONTRACT_READ_ONLY')).toBe(true);
    expect(CONFLICT_CODES.has('CONTRACT_ENDED')).toBe(true);
    expect(CONFLICT_CODES.has('USER_EXISTS')).toBe(true);
    expect(CONFLICT_CODES.has('SEAT_LIMIT_REACHED')).toBe(false); // 422
    expect(CONFLICT_CODES.has('PLAN_FEATURE_MISSING')).toBe(false); // 422
  });
});

describe('checkAddUser', () => {
  it.each([
    // plan, seats, status, userCount, expected code
    ['plus', 3, 'active', 1, null],
    ['plus', 3, 'active', 2, null],
    ['plus', 3, 'active', 3, 'SEAT_LIMIT_REACHED'],
    ['plus', 3, 'active', 4, 'SEAT_LIMIT_REACHED'], // more users than seats (e.g. seats lowered): still full
    ['plus', 1, 'active', 1, 'SEAT_LIMIT_REACHED'],
    ['basis', 1, 'active', 1, 'SEAT_LIMIT_REACHED'], // basis: the main user only
    ['basis', 1, 'active', 0, null], // main user gone (never via the API): one seat is free again
    ['plus', 3, 'trial', 2, null],
    ['plus', 3, 'trial', 3, 'SEAT_LIMIT_REACHED'],
    ['plus', 3, 'paused', 1, 'CONTRACT_READ_ONLY'],
    ['plus', 3, 'suspended', 1, 'CONTRACT_READ_ONLY'],
    ['plus', 3, 'ended', 1, 'CONTRACT_ENDED'],
    ['basis', 1, 'ended', 1, 'CONTRACT_ENDED'], // ended wins over a full contract
    ['basis', 1, 'paused', 1, 'CONTRACT_READ_ONLY'], // read-only wins over a full contract
  ] as const)('%s, %i seats, %s, %i users → %s', (plan, seats, status, userCount, code) => {
    const violation = checkAddUser({ plan, seats, status, userCount });
    expect(violation?.code ?? null).toBe(code);
    if (violation) expect(violation.message.length).toBeGreaterThan(0);
  });

  it('a duplicate e-mail (normalized) is USER_EXISTS, before the seat check', () => {
    const base = { plan: 'plus', seats: 2, status: 'active', userCount: 2, existingEmails: ['Praxis@Example.org', 'b@example.org'] } as const;
    expect(checkAddUser({ ...base, email: ' praxis@example.ORG ' })?.code).toBe('USER_EXISTS');
    expect(checkAddUser({ ...base, email: 'new@example.org' })?.code).toBe('SEAT_LIMIT_REACHED');
    expect(checkAddUser({ ...base, seats: 3, email: 'new@example.org' })).toBeNull();
  });

  it('an ended contract answers CONTRACT_ENDED even for a duplicate e-mail', () => {
    expect(checkAddUser({ plan: 'plus', seats: 3, status: 'ended', userCount: 1, email: 'a@b.de', existingEmails: ['a@b.de'] })?.code).toBe('CONTRACT_ENDED');
  });
});

describe('checkAddAppointment', () => {
  it.each([
    // plan, status, participants, expected code
    ['basis', 'active', 2, null],
    ['basis', 'active', 3, 'PLAN_FEATURE_MISSING'],
    ['basis', 'active', 100, 'PLAN_FEATURE_MISSING'],
    ['plus', 'active', 2, null],
    ['plus', 'active', 3, null],
    ['plus', 'active', 100, null],
    ['plus', 'trial', 3, null],
    ['basis', 'trial', 3, null], // a trial is plus
    ['plus', 'paused', 2, 'CONTRACT_READ_ONLY'],
    ['basis', 'paused', 3, 'CONTRACT_READ_ONLY'], // read-only wins over the missing feature
    ['plus', 'suspended', 2, 'CONTRACT_READ_ONLY'],
    ['plus', 'ended', 2, 'CONTRACT_ENDED'],
    ['basis', 'ended', 3, 'CONTRACT_ENDED'],
  ] as const)('%s, %s, %i participants → %s', (plan, status, participants, code) => {
    expect(checkAddAppointment({ plan, status, participants })?.code ?? null).toBe(code);
  });
});
