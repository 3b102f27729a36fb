/** The local credit bureau: one file per report in a temporary drop folder, written once. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CreditReport } from '../../src/credit-bureau/credit-bureau';
import { CreditBureauRejectedError } from '../../src/credit-bureau/credit-bureau';
import { LocalCreditBureau } from '../../src/credit-bureau/local-credit-bureau';

let dropDir: string;
let bureau: LocalCreditBureau;
beforeEach(() => {
  dropDir = mkdtempSync(path.join(os.tmpdir(), 'credit-bureau-'));
  bureau = new LocalCreditBureau({ dropDir });
});
afterEach(() => {
  rmSync(dropDir, { recursive: true, force: true });
});

const report = (overrides: Partial<CreditReport> = {}): CreditReport => ({
  reportId: 'c3a1f2d4-0000-4000-8000-000000000001',
  debtor: { name: 'Praxis Dr. Muster', birthName: 'Muster', dateOfBirth: '1980-05-17', address: { line1: 'Hauptstraße 1', line2: null, postalCode: '10115', city: 'Berlin', country: 'DE' } },
  claim: { invoiceNumber: '2027-000002', amount: { amount: 13_302, currency: 'EUR' }, dueOn: '2027-02-15' },
  decidedOn: '2027-03-29',
  ...overrides,
});

describe('local credit bureau', () => {
  it('writes <dir>/<reportId>.json with the report; the same report again writes nothing and answers the same', async () => {
    const first = await bureau.report(report());
    const again = await Promise.all([bureau.report(report()), new LocalCreditBureau({ dropDir }).report(report())]);
    expect(first).toEqual({ bureauReference: `local-${report().reportId}` });
    expect(again).toEqual([first, first]);
    expect(readdirSync(dropDir)).toEqual([`${report().reportId}.json`]);
    expect(JSON.parse(readFileSync(path.join(dropDir, `${report().reportId}.json`), 'utf8'))).toEqual({ formatVersion: 1, ...report() });
  });

  it('the same id with another report is refused; the first stays', async () => {
    await bureau.report(report());
    await expect(bureau.report(report({ decidedOn: '2027-03-30' }))).rejects.toThrow(CreditBureauRejectedError);
    expect(JSON.parse(readFileSync(path.join(dropDir, `${report().reportId}.json`), 'utf8'))).toMatchObject({ decidedOn: '2027-03-29' });
  });

  it.each<[string, Partial<CreditReport>]>([
    ['an id with a path', { reportId: '../escape' }],
    ['more debtor data than identification', { debtor: { ...report().debtor, email: 'praxis@example.org' } as CreditReport['debtor'] }],
    ['a claim of nothing', { claim: { ...report().claim, amount: { amount: 0, currency: 'EUR' } } }],
    ['a date that is no date', { decidedOn: '2027-02-30' }],
  ])('refuses %s and writes nothing', async (_, overrides) => {
    await expect(bureau.report(report(overrides))).rejects.toThrow(CreditBureauRejectedError);
    expect(readdirSync(dropDir)).toEqual([]);
  });
});
