/**
 * The invoice run, as tables from DOMAIN.md ("Billing", "Billing precision"), to the cent.
 * Contracts are driven through the real contract state machine (startContract/decide), billing
 * follows their changes the way the workflow does.
 */
import { localDateOf, startOfLocalDay } from '../../src/domain/calendar';
import type { BillingState, UsageSummary } from '../../src/domain/billing-run';
import {
  billingOffsetMinutes,
  buildInvoiceDraft,
  DEFAULT_BILLING_POLICY,
  INITIAL_BILLING,
  nextBillingRunAt,
  nextBillingRunOn,
  runBilling,
  trackContractChange,
} from '../../src/domain/billing-run';
import type { ContractEvent, ContractState, NewContract } from '../../src/domain/contract';
import { decide, startContract } from '../../src/domain/contract';
import type { InvoiceDraft } from '../../src/domain/invoice';
import { divideHalfUp, prorate, vatOf } from '../../src/domain/money';
import { retainUntil } from '../../src/domain/retention';
import type { TaxProfile } from '../../src/domain/vat';
import { taxTreatment, vatRateOn } from '../../src/domain/vat';

const DE_BUSINESS: TaxProfile = { issuerCountry: 'DE', customerCountry: 'DE', customerType: 'business', customerVatId: null };
const AT_CONSUMER: TaxProfile = { issuerCountry: 'DE', customerCountry: 'AT', customerType: 'consumer', customerVatId: null };
const AT_BUSINESS_VAT_ID: TaxProfile = { issuerCountry: 'DE', customerCountry: 'AT', customerType: 'business', customerVatId: 'ATU12345678' };
const NO_USAGE: UsageSummary = { quantity: 0, firstOn: null };

/** A contract and its billing, driven day by day like the workflow drives them. */
class Story {
  contract: ContractState;
  billing: BillingState = INITIAL_BILLING;
  readonly invoices: (InvoiceDraft | null)[] = [];

  constructor(input: Partial<NewContract> & { at: string }, private readonly tax: TaxProfile = DE_BUSINESS) {
    const zone = input.timeZone ?? (tax.customerCountry === 'AT' ? 'Europe/Vienna' : 'Europe/Berlin');
    this.contract = startContract(
      { id: 'c-1', customerId: 'k-1', customerType: tax.customerType, plan: 'plus', seats: 1, timeZone: zone, trial: false, billingMode: 'postpaid', ...input },
      this.instant(input.at),
    ).state;
  }

  /** `YYYY-MM-DD HH:MM` in the contract's zone. */
  instant(local: string): Date {
    const [date, time = '10:00'] = local.split(' ');
    const [h, m] = time.split(':').map(Number);
    return new Date(startOfLocalDay(date, this.contract?.timeZone ?? 'Europe/Berlin').getTime() + (h * 60 + m) * 60_000);
  }

  /** A customer command or deadline at local time `at`, followed by billing's bookkeeping. */
  apply(event: ContractEvent, at: string): this {
    const now = this.instant(at);
    const prev = this.contract;
    const next = decide(prev, event, now).state;
    this.billing = trackContractChange(this.billing, prev, next, localDateOf(now, prev.timeZone));
    this.contract = next;
    return this;
  }

  /** Every run due up to `date` (contract deadlines of each run day first), with `usage` for the last one. */
  runUntil(date: string, usage: UsageSummary = NO_USAGE): InvoiceDraft | null {
    let last: InvoiceDraft | null = null;
    for (let on = nextBillingRunOn(this.billing, this.contract); on && on <= date; on = nextBillingRunOn(this.billing, this.contract)) {
      this.apply({ type: 'deadline-reached' }, `${on} 00:00`);
      const { billing, run } = runBilling(this.billing, this.contract, on);
      this.billing = billing;
      last = buildInvoiceDraft(run, on === date ? usage : NO_USAGE, this.tax);
      this.invoices.push(last);
    }
    return last;
  }
}

function totals(draft: InvoiceDraft | null) {
  return draft && { net: draft.netCents, vat: draft.vatCents, gross: draft.grossCents };
}

describe('money: half-up to the cent', () => {
  test.each([
    [5, 2, 3],
    [-5, 2, -3],
    [7, 2, 4],
    [1, 3, 0],
    [2, 3, 1],
    [96_900, 31, 3126], // 3 × 19.00 × 17/31 = 31.258… → 31.26
    [0, 7, 0],
  ])('%i / %i = %i', (n, d, expected) => expect(divideHalfUp(n, d)).toBe(expected));
  test('prorate and VAT', () => {
    expect(prorate(5700, 17, 31)).toBe(3126);
    expect(vatOf(3126, 19)).toBe(594); // 593.94
    expect(vatOf(6900, 19)).toBe(1311);
    expect(vatOf(250, 19)).toBe(48); // 47.5 → 48 (half-up, not banker's)
    expect(vatOf(1900, 20)).toBe(380);
    expect(() => divideHalfUp(1.5, 2)).toThrow(RangeError);
  });
});

describe('VAT treatment', () => {
  test.each([
    [DE_BUSINESS, '2027-01-15', 19, 'S', false],
    [{ ...DE_BUSINESS, customerVatId: 'DE123456789' }, '2027-01-15', 19, 'S', false],
    [AT_CONSUMER, '2027-01-15', 20, 'S', false],
    [AT_BUSINESS_VAT_ID, '2027-01-15', 0, 'AE', true],
    [{ ...AT_BUSINESS_VAT_ID, customerType: 'consumer' as const }, '2027-01-15', 20, 'S', false],
    [{ ...AT_BUSINESS_VAT_ID, customerVatId: null }, '2027-01-15', 20, 'S', false],
    [DE_BUSINESS, '2020-08-01', 16, 'S', false],
  ])('%o on %s → %i %% (%s), reverse charge %s', (profile, on, rate, category, reverse) => {
    expect(taxTreatment(profile, on)).toEqual({ ratePercent: rate, category, reverseCharge: reverse });
  });
  test('the rate table is dated', () => {
    expect(vatRateOn('DE', '2020-06-30')).toBe(19);
    expect(vatRateOn('DE', '2021-01-01')).toBe(19);
    expect(() => vatRateOn('DE', '1999-01-01')).toThrow(/No VAT rate/);
  });
});

describe('DOMAIN.md worked example: plus, 3 seats, German business, start 15.01.2027', () => {
  const story = new Story({ plan: 'plus', seats: 3, at: '2027-01-15' });
  test('15.01.: 3 × 19.00 × 17/31 = 31.26 net, VAT 5.94, gross 37.20', () => {
    const first = story.runUntil('2027-01-15');
    expect(totals(first)).toEqual({ net: 3126, vat: 594, gross: 3720 });
    expect(first?.lines).toEqual([
      { kind: 'proration', plan: 'plus', quantity: 3, unitPriceCents: 1900, proration: { days: 17, daysInMonth: 31 }, netCents: 3126, vatRatePercent: 19, servicePeriod: { from: '2027-01-15', to: '2027-01-31' } },
    ]);
    expect(first).toMatchObject({ issuedOn: '2027-01-15', dueOn: '2027-01-29', reverseCharge: false, vatGroups: [{ ratePercent: 19, category: 'S', netCents: 3126, vatCents: 594 }] });
  });
  test('01.02.: 57.00 + 120 SMS × 0.10 = 12.00 → 69.00 net, VAT 13.11, gross 82.11', () => {
    const second = story.runUntil('2027-02-01', { quantity: 120, firstOn: '2027-01-20' });
    expect(totals(second)).toEqual({ net: 6900, vat: 1311, gross: 8211 });
    expect(second?.lines.map((l) => [l.kind, l.quantity, l.unitPriceCents, l.netCents, l.servicePeriod])).toEqual([
      ['base-fee', 3, 1900, 5700, { from: '2027-02-01', to: '2027-02-28' }],
      ['usage', 120, 10, 1200, { from: '2027-01-15', to: '2027-01-31' }],
    ]);
    expect(second?.dueOn).toBe('2027-02-15');
  });
});

describe('invoice runs, to the cent', () => {
  test('AT consumer at 20 %: 19.00 + 3.80 = 22.80, in Vienna time', () => {
    const story = new Story({ plan: 'plus', seats: 1, at: '2027-03-01' }, AT_CONSUMER);
    expect(story.contract.timeZone).toBe('Europe/Vienna');
    expect(totals(story.runUntil('2027-03-01'))).toEqual({ net: 1900, vat: 380, gross: 2280 });
  });

  test('reverse charge: AT business with VAT ID, issuer DE → 0 %, category AE', () => {
    const story = new Story({ plan: 'plus', seats: 2, at: '2027-03-01' }, AT_BUSINESS_VAT_ID);
    const draft = story.runUntil('2027-03-01');
    expect(draft).toMatchObject({ netCents: 3800, vatCents: 0, grossCents: 3800, reverseCharge: true, vatGroups: [{ ratePercent: 0, category: 'AE', netCents: 3800, vatCents: 0 }] });
  });

  test('a basis contract gets no invoice (zero total), ever', () => {
    const story = new Story({ plan: 'basis', seats: 1, at: '2027-01-15' });
    expect(story.runUntil('2027-01-15')).toBeNull();
    expect(story.runUntil('2027-06-01')).toBeNull();
    expect(story.invoices).toHaveLength(6); // 15.01., 01.02. … 01.06.: runs happen, nothing is issued
    expect(story.invoices.every((i) => i === null)).toBe(true);
  });

  test('upgrade on 10.03. and a second seat → prorated on the next invoice: twice 19.00 × 22/31 = 13.48, plus April in advance', () => {
    const story = new Story({ plan: 'basis', seats: 1, at: '2027-03-01' });
    expect(story.runUntil('2027-03-01')).toBeNull();
    story.apply({ type: 'change-plan', plan: 'plus', acceptTerms: false }, '2027-03-10 09:00');
    story.apply({ type: 'change-seats', seats: 2, userCount: 1 }, '2027-03-10 09:05');
    const april = story.runUntil('2027-04-01');
    expect(april?.lines.map((l) => [l.kind, l.quantity, l.proration, l.netCents, l.servicePeriod.from, l.servicePeriod.to])).toEqual([
      ['proration', 1, { days: 22, daysInMonth: 31 }, 1348, '2027-03-10', '2027-03-31'], // the upgrade: 19.00 × 22/31 = 13.48
      ['proration', 1, { days: 22, daysInMonth: 31 }, 1348, '2027-03-10', '2027-03-31'], // the extra seat
      ['base-fee', 2, null, 3800, '2027-04-01', '2027-04-30'],
    ]);
    expect(totals(april)).toEqual({ net: 6496, vat: 1234, gross: 7730 });
  });

  test.each([
    ['2027-02-16', 28, 13, 1764], // 2 × 19.00 × 13/28 = 17.642… → 17.64
    ['2028-02-16', 29, 14, 1834], // leap year: 2 × 19.00 × 14/29 = 18.344… → 18.34
    ['2027-01-31', 31, 1, 123], // month end: 3800 × 1/31 = 122.58 → 1.23
  ])('extra seats on %s (a %i-day month): 2 seats × %i days → %i cents on the next invoice', (day, daysInMonth, days, cents) => {
    const start = `${day.slice(0, 7)}-01`;
    const story = new Story({ plan: 'plus', seats: 3, at: start });
    story.runUntil(start);
    story.apply({ type: 'change-seats', seats: 5, userCount: 1 }, `${day} 12:00`);
    const nextMonth = story.billing.advance ? nextBillingRunOn(story.billing, story.contract) : null;
    const draft = story.runUntil(nextMonth as string);
    expect(draft?.lines[0]).toMatchObject({ kind: 'proration', quantity: 2, proration: { days, daysInMonth }, netCents: cents });
    expect(draft?.lines[1]).toMatchObject({ kind: 'base-fee', quantity: 5, netCents: 9500 });
  });

  test('fewer seats: no credit, the next invoice bills fewer', () => {
    const story = new Story({ plan: 'plus', seats: 5, at: '2027-05-01' });
    story.runUntil('2027-05-01');
    story.apply({ type: 'change-seats', seats: 2, userCount: 1 }, '2027-05-10');
    story.apply({ type: 'change-seats', seats: 4, userCount: 1 }, '2027-05-20'); // still within the 5 paid for May
    expect(story.runUntil('2027-06-01')?.lines).toEqual([expect.objectContaining({ kind: 'base-fee', quantity: 4, netCents: 7600 })]);
  });

  test('pause on 10.05.: pause fee 5.00 × 22/31 = 3.55 next time; June paused: 5.00; resume 15.06.: 3 × 19.00 × 16/30 = 30.40', () => {
    const story = new Story({ plan: 'plus', seats: 3, at: '2027-05-01' });
    expect(totals(story.runUntil('2027-05-01'))?.net).toBe(5700);
    story.apply({ type: 'pause' }, '2027-05-10');
    const june = story.runUntil('2027-06-01');
    expect(june?.lines.map((l) => [l.kind, l.netCents, l.proration])).toEqual([
      ['pause-fee', 355, { days: 22, daysInMonth: 31 }],
      ['pause-fee', 500, null],
    ]);
    story.apply({ type: 'resume' }, '2027-06-15');
    const july = story.runUntil('2027-07-01');
    expect(july?.lines.map((l) => [l.kind, l.quantity, l.netCents, l.servicePeriod.from])).toEqual([
      ['proration', 3, 3040, '2027-06-15'],
      ['base-fee', 3, 5700, '2027-07-01'],
    ]);
  });

  test('pause on the 1st (after that day\'s run): the pause fee in full for the month; paused and resumed in one month pays base once', () => {
    const story = new Story({ plan: 'plus', seats: 1, at: '2027-04-01' });
    story.runUntil('2027-05-01'); // the run at 00:00 bills May's base fee in advance
    story.apply({ type: 'pause' }, '2027-05-01 10:00');
    story.apply({ type: 'resume' }, '2027-05-20'); // May's base fee is paid already: nothing more
    const june = story.runUntil('2027-06-01');
    expect(june?.lines.map((l) => [l.kind, l.netCents, l.proration])).toEqual([
      ['pause-fee', 500, null],
      ['base-fee', 1900, null],
    ]);
  });

  test('consumer ending mid-month: 01.04. bills 1.–10.04. (10/30), the final run on 11.04. bills the last usage only', () => {
    const story = new Story({ plan: 'plus', seats: 1, at: '2027-03-01' }, { ...DE_BUSINESS, customerType: 'consumer' });
    story.runUntil('2027-03-01');
    story.apply({ type: 'cancel', receivedAt: story.instant('2027-03-10 12:00'), deleteData: false, channel: 'online', reason: null }, '2027-03-10 12:00');
    expect(story.contract.cancellation?.endsOn).toBe('2027-04-10');
    const april = story.runUntil('2027-04-01');
    expect(april?.lines).toEqual([expect.objectContaining({ kind: 'proration', proration: { days: 10, daysInMonth: 30 }, netCents: 633, servicePeriod: { from: '2027-04-01', to: '2027-04-10' } })]);
    expect(nextBillingRunOn(story.billing, story.contract)).toBe('2027-04-11');
    const final = story.runUntil('2027-04-11', { quantity: 7, firstOn: '2027-04-03' });
    expect(story.contract.status).toBe('ended');
    expect(final?.lines).toEqual([expect.objectContaining({ kind: 'usage', quantity: 7, netCents: 70, servicePeriod: { from: '2027-04-01', to: '2027-04-10' } })]);
    expect(nextBillingRunOn(story.billing, story.contract)).toBeNull();
  });

  test('no usage in the last period: no final invoice', () => {
    const story = new Story({ plan: 'plus', seats: 1, at: '2027-03-01' }, { ...DE_BUSINESS, customerType: 'consumer' });
    story.runUntil('2027-03-01');
    story.apply({ type: 'cancel', receivedAt: story.instant('2027-03-10 12:00'), deleteData: false, channel: 'online', reason: null }, '2027-03-10 12:00');
    story.runUntil('2027-04-01');
    expect(story.runUntil('2027-04-11')).toBeNull();
    expect(story.billing.finalRunDone).toBe(true);
  });

  test('business ending at a quarter end: the run on 01.07. is the final one (June usage, no base fee)', () => {
    const story = new Story({ plan: 'plus', seats: 2, at: '2027-03-31' });
    story.runUntil('2027-03-31');
    story.apply({ type: 'cancel', receivedAt: story.instant('2027-03-31 11:00'), deleteData: false, channel: 'online', reason: null }, '2027-03-31 11:00');
    story.runUntil('2027-06-01');
    const final = story.runUntil('2027-07-01', { quantity: 30, firstOn: '2027-06-02' });
    expect(final?.lines.map((l) => l.kind)).toEqual(['usage']);
    expect(totals(final)).toEqual({ net: 300, vat: 57, gross: 357 });
    expect(story.invoices.map((i) => i?.netCents ?? 0)).toEqual([123, 3800, 3800, 3800, 300]);
  });

  test('a revoked consumer cancellation after the run bills the rest of the month: 19.00 × 20/30 = 12.67', () => {
    const story = new Story({ plan: 'plus', seats: 1, at: '2027-03-01' }, { ...DE_BUSINESS, customerType: 'consumer' });
    story.runUntil('2027-03-01');
    story.apply({ type: 'cancel', receivedAt: story.instant('2027-03-10 12:00'), deleteData: false, channel: 'online', reason: null }, '2027-03-10 12:00');
    story.runUntil('2027-04-01');
    story.apply({ type: 'revoke-cancellation' }, '2027-04-05');
    const may = story.runUntil('2027-05-01');
    expect(may?.lines.map((l) => [l.kind, l.netCents, l.servicePeriod])).toEqual([
      ['proration', 1267, { from: '2027-04-11', to: '2027-04-30' }],
      ['base-fee', 1900, { from: '2027-05-01', to: '2027-05-31' }],
    ]);
  });

  test('a trial is never invoiced; converted, the first invoice comes on the day after the trial', () => {
    const story = new Story({ plan: 'plus', seats: 2, trial: true, at: '2027-01-10' });
    expect(nextBillingRunOn(story.billing, story.contract)).toBeNull();
    story.apply({ type: 'convert-trial', plan: 'plus', paymentMethod: 'sepa' }, '2027-01-20');
    expect(nextBillingRunOn(story.billing, story.contract)).toBe('2027-02-09');
    const first = story.runUntil('2027-02-09');
    expect(first?.lines).toEqual([expect.objectContaining({ kind: 'proration', quantity: 2, proration: { days: 20, daysInMonth: 28 }, netCents: 2714 })]);
    expect(nextBillingRunOn(story.billing, story.contract)).toBe('2027-03-01');
  });

  test('an unconverted trial ends without any invoice', () => {
    const story = new Story({ plan: 'plus', seats: 2, trial: true, at: '2027-01-10' });
    story.apply({ type: 'deadline-reached' }, '2027-02-09 00:00');
    expect(story.contract.status).toBe('ended');
    expect(nextBillingRunOn(story.billing, story.contract)).toBeNull();
  });

  test('usage reported late (before the period) is billed on the next invoice from its own date', () => {
    const story = new Story({ plan: 'plus', seats: 1, at: '2027-01-01' });
    story.runUntil('2027-02-01');
    const march = story.runUntil('2027-03-01', { quantity: 5, firstOn: '2027-01-28' });
    expect(march?.lines[1]).toMatchObject({ kind: 'usage', quantity: 5, servicePeriod: { from: '2027-01-28', to: '2027-02-28' } });
  });

  test('a contract started on the DST day (28.03.2027) pays 4/31 of March', () => {
    const story = new Story({ plan: 'plus', seats: 1, at: '2027-03-28 09:00' });
    expect(story.runUntil('2027-03-28')?.lines[0]).toMatchObject({ proration: { days: 4, daysInMonth: 31 }, netCents: 245 });
  });
});

describe('when runs happen', () => {
  test('00:00 local of the run day plus a stable per-contract offset below the spread window', () => {
    const offsets = Array.from({ length: 2000 }, (_, i) => billingOffsetMinutes(`contract-${i}`));
    expect(offsets.every((o) => o >= 0 && o < DEFAULT_BILLING_POLICY.spreadMinutes)).toBe(true);
    expect(new Set(offsets).size).toBeGreaterThan(200); // spread, not lumped
    expect(billingOffsetMinutes('same-id')).toBe(billingOffsetMinutes('same-id'));
    expect(billingOffsetMinutes('x', { ...DEFAULT_BILLING_POLICY, spreadMinutes: 0 })).toBe(0);
  });

  test.each([
    ['Europe/Berlin', '2027-04-01', '2027-03-31T22:00:00.000Z'], // after the switch to CEST
    ['Europe/Berlin', '2027-11-01', '2027-10-31T23:00:00.000Z'], // after the switch back to CET
    ['Europe/Vienna', '2028-03-01', '2028-02-29T23:00:00.000Z'], // leap day before
  ])('%s, run on %s starts from %s', (timeZone, runOn, midnightUtc) => {
    const story = new Story({ plan: 'plus', seats: 1, at: `${runOn.slice(0, 8)}01`, timeZone });
    story.billing = { ...INITIAL_BILLING };
    const at = nextBillingRunAt(story.billing, story.contract) as Date;
    const offset = billingOffsetMinutes(story.contract.id) * 60_000;
    expect(new Date(at.getTime() - offset).toISOString()).toBe(midnightUtc);
  });
});

describe('retention dates of invoices', () => {
  test.each([
    ['invoice', '2027-01-15', 'AT', '2034-12-31'],
    ['invoice', '2027-12-31', 'AT', '2034-12-31'],
    ['invoice', '2027-01-01', 'DE', '2035-12-31'],
    ['ledger-entry', '2027-06-30', 'DE', '2037-12-31'],
    ['letter', '2028-02-29', 'DE', '2034-12-31'],
  ] as const)('%s created %s, issuer %s → kept through %s', (type, createdOn, country, expected) => {
    expect(retainUntil(type, createdOn, country)).toBe(expected);
  });
});
