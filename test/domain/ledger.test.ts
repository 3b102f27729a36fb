/**
 * § 367 BGB allocation (DOMAIN.md, "Billing precision"): fees, then interest, then principal,
 * oldest invoice first, unless the payment names an invoice; the rest stays credit.
 */
import { allocate, openAmountsByInvoice, remainingClaims, remainingCredits, type OpenClaim, type OpenCredit } from '../../src/domain/ledger';

const claim = (entryId: string, invoiceId: string | null, component: OpenClaim['component'], openCents: number, invoiceIssuedOn: string | null, seq: number): OpenClaim => ({
  entryId,
  invoiceId,
  component,
  openCents,
  invoiceIssuedOn,
  seq,
});
const credit = (entryId: string, openCents: number, seq: number, namedInvoiceId: string | null = null): OpenCredit => ({ entryId, openCents, seq, namedInvoiceId });

// Two invoices: A of 01.02. (82.11, fee 5.00, interest 0.37) and B of 01.03. (57.00 + 3.00 return fee).
const claims: OpenClaim[] = [
  claim('a', 'A', 'principal', 8211, '2027-02-01', 1),
  claim('b', 'B', 'principal', 5700, '2027-03-01', 2),
  claim('a-fee', 'A', 'fee', 500, '2027-02-01', 3),
  claim('b-fee', 'B', 'fee', 300, '2027-03-01', 4),
  claim('a-int', 'A', 'interest', 37, '2027-02-01', 5),
];

describe('allocate (§ 367 BGB)', () => {
  const table: Array<[string, OpenCredit[], Array<[string, number]>, number]> = [
    // [case, credits, expected [claim, cents] in order, credit left]
    ['fees first, oldest invoice first', [credit('p', 700, 10)], [['a-fee', 500], ['b-fee', 200]], 0],
    ['then interest, then principal of the oldest invoice', [credit('p', 1000, 10)], [['a-fee', 500], ['b-fee', 300], ['a-int', 37], ['a', 163]], 0],
    ['everything paid, 10.00 over → credit', [credit('p', 14748 + 1000, 10)], [['a-fee', 500], ['b-fee', 300], ['a-int', 37], ['a', 8211], ['b', 5700]], 1000],
    ['a payment naming B pays B first (fee, principal), then the rest by the rule', [credit('p', 6100, 10, 'B')], [['b-fee', 300], ['b', 5700], ['a-fee', 100]], 0],
    ['two payments, the older first', [credit('q', 100, 12), credit('p', 450, 11)], [['a-fee', 450], ['a-fee', 50], ['b-fee', 50]], 0],
    ['one cent', [credit('p', 1, 10)], [['a-fee', 1]], 0],
  ];
  test.each(table)('%s', (_name, credits, expected, creditLeft) => {
    const allocations = allocate(claims, credits);
    expect(allocations.map((a) => [a.claimEntryId, a.amountCents])).toEqual(expected);
    const left = remainingCredits(credits, allocations).reduce((s, c) => s + c.openCents, 0);
    expect(left).toBe(creditLeft);
    // Nothing is created or lost: applied + left = received.
    expect(allocations.reduce((s, a) => s + a.amountCents, 0) + left).toBe(credits.reduce((s, c) => s + c.openCents, 0));
  });

  test('credit on the account is applied to the next invoice booked', () => {
    const next = [claim('c', 'C', 'principal', 3720, '2027-04-01', 20)];
    const allocations = allocate(next, [credit('p', 1000, 10)]);
    expect(allocations).toEqual([{ creditEntryId: 'p', claimEntryId: 'c', invoiceId: 'C', component: 'principal', amountCents: 1000 }]);
    expect(openAmountsByInvoice(remainingClaims(next, allocations)).get('C')).toEqual({ principalCents: 2720, feesCents: 0, interestCents: 0, claimCents: 2720 });
  });

  test('a chargeback reopens principal of its invoice; claims of no invoice come after invoices', () => {
    const open = [claim('x', null, 'principal', 500, null, 1), claim('cb', 'A', 'principal', 8211, '2027-02-01', 9)];
    expect(allocate(open, [credit('p', 8300, 10)]).map((a) => [a.claimEntryId, a.amountCents])).toEqual([
      ['cb', 8211],
      ['x', 89],
    ]);
  });

  test('open amounts per invoice: principal (openAmount) and claim with fees and interest', () => {
    const allocations = allocate(claims, [credit('p', 1000, 10)]);
    const open = openAmountsByInvoice(remainingClaims(claims, allocations));
    expect(open.get('A')).toEqual({ principalCents: 8048, feesCents: 0, interestCents: 0, claimCents: 8048 });
    expect(open.get('B')).toEqual({ principalCents: 5700, feesCents: 0, interestCents: 0, claimCents: 5700 });
  });
});
