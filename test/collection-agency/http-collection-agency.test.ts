/** The HTTP collection agency against a real local HTTP server that follows docs/collection-agency.md. */
import { CollectionAgencyRejectedError, CollectionAgencyTransientError } from '../../src/collection-agency/collection-agency';
import { HttpCollectionAgency } from '../../src/collection-agency/http-collection-agency';
import { freePort } from '../helpers/ports';
import { sampleHandover, samplePayment, STATEMENT_PDF } from './fixtures';
import { AGENCY_TOKEN, type MockAgency, startMockAgency } from './mock-agency';

let mock: MockAgency;
beforeEach(async () => {
  mock = await startMockAgency();
});
afterEach(async () => {
  await mock.close();
});

const agency = (overrides: { token?: string; url?: string; requestTimeoutMs?: number } = {}) => new HttpCollectionAgency({ url: `${mock.url}/`, token: AGENCY_TOKEN, ...overrides });

describe('HTTP collection agency', () => {
  it('posts the handover with the PDF in base64, bearer token and Idempotency-Key; a retry gets the same reference and no second handover', async () => {
    const first = await agency().handOver(sampleHandover(), STATEMENT_PDF);
    const again = await agency().handOver(sampleHandover(), STATEMENT_PDF);

    expect(first).toEqual({ agencyReference: 'INK-00001' });
    expect(again).toEqual(first);
    expect(mock.violations).toEqual([]);
    expect([...mock.handovers.keys()]).toEqual([sampleHandover().handoverId]);
    const received = mock.handovers.get(sampleHandover().handoverId)!;
    expect(received.handover).toEqual(sampleHandover());
    expect(received.pdf.equals(STATEMENT_PDF)).toBe(true);
    expect(mock.requests.map((r) => [r.method, r.path, r.headers['idempotency-key']])).toEqual([
      ['POST', '/api/handovers', sampleHandover().handoverId],
      ['POST', '/api/handovers', sampleHandover().handoverId],
    ]);
  });

  it('reports a payment with Idempotency-Key <handoverId>/<paymentId>', async () => {
    const { handoverId } = sampleHandover();
    await agency().handOver(sampleHandover(), STATEMENT_PDF);
    await agency().reportPayment(handoverId, samplePayment());
    await agency().reportPayment(handoverId, samplePayment());
    expect(mock.violations).toEqual([]);
    expect([...mock.payments.entries()]).toEqual([[`${handoverId}/pay_0001`, { formatVersion: 1, handoverId, ...samplePayment() }]]);
  });

  it('5xx, 429 and 408 are transient; the retry with the same key succeeds', async () => {
    for (const status of [503, 429, 408]) {
      mock.faults.push({ status });
      const error = await agency().handOver(sampleHandover(), STATEMENT_PDF).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CollectionAgencyTransientError);
      expect(error).toMatchObject({ status });
    }
    expect(await agency().handOver(sampleHandover(), STATEMENT_PDF)).toEqual({ agencyReference: 'INK-00001' });
    expect(mock.handovers.size).toBe(1);
  });

  it('a timeout and a refused connection are transient', async () => {
    mock.faults.push({ hangMs: 1_000 });
    await expect(agency({ requestTimeoutMs: 200 }).handOver(sampleHandover(), STATEMENT_PDF)).rejects.toThrow(CollectionAgencyTransientError);
    await expect(agency({ requestTimeoutMs: 200 }).handOver(sampleHandover(), STATEMENT_PDF)).resolves.toEqual({ agencyReference: 'INK-00001' });
    const nobody = `http://127.0.0.1:${await freePort()}`;
    await expect(agency({ url: nobody }).handOver(sampleHandover(), STATEMENT_PDF)).rejects.toThrow(CollectionAgencyTransientError);
  });

  it('4xx are rejections: a wrong token, the same key with other content, a payment for an unknown handover', async () => {
    await expect(agency({ token: 'wrong' }).handOver(sampleHandover(), STATEMENT_PDF)).rejects.toMatchObject({ name: 'CollectionAgencyRejectedError', status: 401 });
    await agency().handOver(sampleHandover(), STATEMENT_PDF);
    const other = sampleHandover({ handedOverOn: '2027-03-30' });
    await expect(agency().handOver(other, STATEMENT_PDF)).rejects.toMatchObject({ name: 'CollectionAgencyRejectedError', status: 409 });
    await expect(agency().reportPayment('unknown-handover', samplePayment())).rejects.toMatchObject({ name: 'CollectionAgencyRejectedError', status: 404 });
  });

  it('an invalid handover is refused before anything is sent', async () => {
    const withIban = { ...sampleHandover(), debtor: { ...sampleHandover().debtor, iban: 'DE89370400440532013000' } };
    await expect(agency().handOver(withIban, STATEMENT_PDF)).rejects.toThrow(CollectionAgencyRejectedError);
    await expect(agency().handOver(sampleHandover(), Buffer.from('%PDF-1.7\nother\n'))).rejects.toThrow(/sha256/);
    await expect(agency().reportPayment(sampleHandover().handoverId, samplePayment({ paymentId: '../x' }))).rejects.toThrow(CollectionAgencyRejectedError);
    expect(mock.requests).toEqual([]);
  });

  it('a 2xx without agencyReference is transient', async () => {
    mock.faults.push({ status: 200 });
    await expect(agency().handOver(sampleHandover(), STATEMENT_PDF)).rejects.toThrow(/no agencyReference/);
  });
});
