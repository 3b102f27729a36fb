/** The local collection agency: real files in a temporary drop folder, checked against the published schemas. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CollectionAgencyRejectedError } from '../../src/collection-agency/collection-agency';
import { createCollectionAgency } from '../../src/collection-agency/create-collection-agency';
import { LocalCollectionAgency } from '../../src/collection-agency/local-collection-agency';
import { publishedValidator, sampleHandover, samplePayment, STATEMENT_PDF } from './fixtures';

let dropDir: string;
let agency: LocalCollectionAgency;
beforeEach(() => {
  dropDir = mkdtempSync(path.join(os.tmpdir(), 'collection-agency-'));
  agency = new LocalCollectionAgency({ dropDir });
});
afterEach(() => {
  rmSync(dropDir, { recursive: true, force: true });
});

/** Every file below the drop folder, relative, sorted (dot files included: none may be left over). */
function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesBelow(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

const { handoverId } = sampleHandover();
const readJson = (file: string) => JSON.parse(readFileSync(path.join(dropDir, file), 'utf8')) as unknown;

describe('local collection agency', () => {
  it('writes handover.json (valid against the published schema) and statement.pdf into <dir>/<handoverId>/', async () => {
    expect(await agency.handOver(sampleHandover(), STATEMENT_PDF)).toEqual({ agencyReference: `local-${handoverId}` });
    expect(filesBelow(dropDir)).toEqual([`${handoverId}/handover.json`, `${handoverId}/statement.pdf`]);
    const written = readJson(`${handoverId}/handover.json`);
    expect(written).toEqual(sampleHandover());
    expect(publishedValidator('handover')(written)).toBe(true);
    expect(readFileSync(path.join(dropDir, handoverId, 'statement.pdf')).equals(STATEMENT_PDF)).toBe(true);
  });

  it('the same handover twice (also at once) gives the same reference and the same files, written once', async () => {
    const first = await agency.handOver(sampleHandover(), STATEMENT_PDF);
    const writtenAt = statSync(path.join(dropDir, handoverId, 'handover.json')).mtimeMs;
    const [second, third] = await Promise.all([agency.handOver(sampleHandover(), STATEMENT_PDF), new LocalCollectionAgency({ dropDir }).handOver(sampleHandover(), STATEMENT_PDF)]);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(filesBelow(dropDir)).toEqual([`${handoverId}/handover.json`, `${handoverId}/statement.pdf`]);
    expect(statSync(path.join(dropDir, handoverId, 'handover.json')).mtimeMs).toBe(writtenAt);
  });

  it('two concurrent first handovers of one id leave one complete folder', async () => {
    const results = await Promise.all([1, 2, 3].map(() => new LocalCollectionAgency({ dropDir }).handOver(sampleHandover(), STATEMENT_PDF)));
    expect(new Set(results.map((r) => r.agencyReference)).size).toBe(1);
    expect(filesBelow(dropDir)).toEqual([`${handoverId}/handover.json`, `${handoverId}/statement.pdf`]);
    expect(readJson(`${handoverId}/handover.json`)).toEqual(sampleHandover());
  });

  it('the same id with other content is refused and the first handover stays', async () => {
    await agency.handOver(sampleHandover(), STATEMENT_PDF);
    const other = sampleHandover({ handedOverOn: '2027-03-30' });
    await expect(agency.handOver(other, STATEMENT_PDF)).rejects.toMatchObject({ name: 'CollectionAgencyRejectedError', status: 409 });
    expect(readJson(`${handoverId}/handover.json`)).toEqual(sampleHandover());
  });

  it('an invalid handover (an extra debtor field, a wrong total, another PDF) writes nothing', async () => {
    const withIban = { ...sampleHandover(), debtor: { ...sampleHandover().debtor, iban: 'DE89370400440532013000' } };
    await expect(agency.handOver(withIban, STATEMENT_PDF)).rejects.toThrow(/additionalProperties|must NOT have additional properties/);
    await expect(agency.handOver(sampleHandover({ claimTotal: { amount: 1, currency: 'EUR' } }), STATEMENT_PDF)).rejects.toThrow(CollectionAgencyRejectedError);
    await expect(agency.handOver(sampleHandover(), Buffer.from('%PDF-1.7\nother\n'))).rejects.toThrow(/sha256/);
    expect(filesBelow(dropDir)).toEqual([]);
  });

  it('payments land in payments/<paymentId>.json, once each; an unknown handover is refused', async () => {
    await expect(agency.reportPayment(handoverId, samplePayment())).rejects.toMatchObject({ name: 'CollectionAgencyRejectedError', status: 404 });
    await agency.handOver(sampleHandover(), STATEMENT_PDF);
    await agency.reportPayment(handoverId, samplePayment());
    await agency.reportPayment(handoverId, samplePayment());
    await agency.reportPayment(handoverId, samplePayment({ paymentId: 'pay_0002', amount: { amount: 8302, currency: 'EUR' }, remainingClaim: { amount: 0, currency: 'EUR' } }));
    expect(filesBelow(dropDir)).toEqual([`${handoverId}/handover.json`, `${handoverId}/payments/pay_0001.json`, `${handoverId}/payments/pay_0002.json`, `${handoverId}/statement.pdf`]);
    const payment = readJson(`${handoverId}/payments/pay_0001.json`);
    expect(payment).toEqual({ formatVersion: 1, handoverId, ...samplePayment() });
    expect(publishedValidator('payment')(payment)).toBe(true);
    await expect(agency.reportPayment(handoverId, samplePayment({ amount: { amount: 1, currency: 'EUR' } }))).rejects.toMatchObject({ status: 409 });
  });

  it('createCollectionAgency picks the implementation from the options', () => {
    expect(createCollectionAgency({ kind: 'local', dropDir }).name).toBe('local');
    expect(createCollectionAgency({ kind: 'http', url: 'http://127.0.0.1:1', token: 't' }).name).toBe('http');
  });
});
