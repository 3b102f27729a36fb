import { createPingenPrintPartner, pingenIdempotencyKey, type PingenClientOptions } from '../../src/print-partner/pingen-client';
import { PrintPartnerRejectedError, PrintPartnerTransientError, type SubmitLetterInput } from '../../src/print-partner/print-partner';
import { freePort } from '../helpers/ports';
import { CLIENT_ID, CLIENT_SECRET, mockPingenOptions, ORGANISATION_ID, startMockPingen, type MockPingen } from './mock-pingen';

const PDF = Buffer.from('%PDF-1.7\n% a dunning letter\n%%EOF\n');

const letter = (overrides: Partial<SubmitLetterInput> = {}): SubmitLetterInput => ({
  idempotencyKey: 'contract-c-1/dunning-letter-1/2027-03-31',
  pdf: PDF,
  fileName: 'mahnung-2027-000042.pdf',
  recipient: { name: 'Praxis Dr. Muster', addressLine1: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
  metadata: { contractId: 'c-1', kind: 'dunning_letter_1' },
  ...overrides,
});

let mock: MockPingen;
beforeEach(async () => {
  mock = await startMockPingen();
});
afterEach(async () => {
  expect(mock.violations).toEqual([]);
  await mock.close();
});

function client(overrides: Partial<PingenClientOptions> = {}) {
  return createPingenPrintPartner({ ...mockPingenOptions(mock), ...overrides });
}

const letterPosts = () => mock.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/deliveries/letters'));

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('Pingen client against the mock API', () => {
  it('speaks the documented protocol: token grant, upload URL, PUT, letter with Idempotency-Key', async () => {
    const result = await client().submitLetter(letter());

    expect(mock.letters).toHaveLength(1);
    expect(result).toEqual({ partnerLetterId: mock.letters[0].id, status: 'submitted' });
    expect(mock.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, '<id>')}`)).toEqual([
      'POST /identity/auth/access-tokens',
      'GET /api/file-upload',
      'PUT /storage/<id>',
      `POST /api/organisations/${ORGANISATION_ID}/deliveries/letters`,
    ]);
    const [grant, uploadUrl, put, post] = mock.requests;
    expect(Object.fromEntries(new URLSearchParams(grant.body.toString()))).toEqual({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(uploadUrl.headers.authorization).toBe('Bearer token-1');
    expect(put.headers.authorization).toBeUndefined();
    expect(put.body.equals(PDF)).toBe(true);
    expect(post.headers.authorization).toBe('Bearer token-1');
    expect(post.headers['idempotency-key']).toBe(pingenIdempotencyKey(letter().idempotencyKey));
    expect(JSON.parse(post.body.toString())).toEqual({
      data: {
        type: 'letters',
        attributes: {
          file_original_name: 'mahnung-2027-000042.pdf',
          file_url: expect.stringContaining('/storage/'),
          file_url_signature: expect.stringMatching(/^sig-/),
          address_position: 'left',
          auto_send: true,
          delivery_product: 'fast',
          print_mode: 'simplex',
          print_spectrum: 'grayscale',
        },
      },
    });
    expect(mock.letters[0].pdf.equals(PDF)).toBe(true);
  });

  it('caches the access token until shortly before it expires', async () => {
    let now = Date.parse('2027-03-31T10:00:00Z');
    const pingen = client({ now: () => now });
    await pingen.submitLetter(letter({ idempotencyKey: 'k-1' }));
    await pingen.submitLetter(letter({ idempotencyKey: 'k-2' }));
    expect(mock.tokenGrants).toBe(1);
    now += 43_200_000; // expires_in: 12 hours later
    await pingen.submitLetter(letter({ idempotencyKey: 'k-3' }));
    expect(mock.tokenGrants).toBe(2);
    expect(letterPosts().at(-1)?.headers.authorization).toBe('Bearer token-2');
  });

  it('fetches a new token once when the API refuses the cached one (401)', async () => {
    const pingen = client();
    await pingen.submitLetter(letter({ idempotencyKey: 'k-1' }));
    mock.revokeTokens();
    await pingen.submitLetter(letter({ idempotencyKey: 'k-2' }));
    expect(mock.tokenGrants).toBe(2);
    expect(mock.letters).toHaveLength(2);
  });

  it('a 500 before the letter exists is transient; the retry sends the same key and body and creates one letter', async () => {
    const pingen = client();
    mock.letterFaults.push({ kind: 'before-create', status: 500 });

    const error = await failure(pingen.submitLetter(letter()));
    expect(error).toBeInstanceOf(PrintPartnerTransientError);
    expect((error as PrintPartnerTransientError).status).toBe(500);
    const retried = await pingen.submitLetter(letter());

    expect(mock.letters).toHaveLength(1);
    expect(retried.partnerLetterId).toBe(mock.letters[0].id);
    const [first, second] = letterPosts();
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(second.body.equals(first.body)).toBe(true);
    expect(mock.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('a lost answer after Pingen created the letter: the retry with the same key gets that letter back', async () => {
    mock.letterFaults.push({ kind: 'after-create', status: 502 });
    await expect(client().submitLetter(letter())).rejects.toBeInstanceOf(PrintPartnerTransientError);
    // A new process (no cached upload) retries: different upload, same Idempotency-Key.
    const retried = await client().submitLetter(letter());

    expect(mock.letters).toHaveLength(1);
    expect(retried.partnerLetterId).toBe(mock.letters[0].id);
    expect(new Set(letterPosts().map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('a 422 is a rejection with the JSON:API error detail', async () => {
    mock.letterFaults.push({ kind: 'reject', status: 422 });
    const error = await failure(client().submitLetter(letter()));
    expect(error).toBeInstanceOf(PrintPartnerRejectedError);
    expect((error as PrintPartnerRejectedError).status).toBe(422);
    expect((error as Error).message).toMatch(/HTTP 422.*\/data\/attributes\/file_url: The address could not be recognised: No address in the address window/);
    expect(mock.letters).toHaveLength(0);
  });

  it('429 and 503 are transient, as are timeouts and refused connections', async () => {
    mock.letterFaults.push({ kind: 'before-create', status: 429 }, { kind: 'before-create', status: 503 }, { kind: 'hang', ms: 1_000 });
    const pingen = client({ requestTimeoutMs: 200 });
    for (const status of [429, 503]) {
      const error = await failure(pingen.submitLetter(letter()));
      expect(error).toBeInstanceOf(PrintPartnerTransientError);
      expect((error as PrintPartnerTransientError).status).toBe(status);
    }
    const timeout = await failure(pingen.submitLetter(letter()));
    expect(timeout).toBeInstanceOf(PrintPartnerTransientError);
    expect((timeout as Error).message).toMatch(/timed out/);

    const refused = await failure(client({ apiUrl: `http://127.0.0.1:${await freePort()}`, identityUrl: `http://127.0.0.1:${await freePort()}` }).submitLetter(letter()));
    expect(refused).toBeInstanceOf(PrintPartnerTransientError);
    expect((refused as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('wrong client credentials are a rejection (no retry can fix them)', async () => {
    await expect(client({ clientSecret: 'wrong' }).submitLetter(letter())).rejects.toBeInstanceOf(PrintPartnerRejectedError);
    expect(mock.letters).toHaveLength(0);
  });
});

describe('pingenIdempotencyKey', () => {
  it('is a stable UUID per key and differs between keys', () => {
    const key = pingenIdempotencyKey('contract-c-1/dunning-letter-1/2027-03-31');
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pingenIdempotencyKey('contract-c-1/dunning-letter-1/2027-03-31')).toBe(key);
    expect(pingenIdempotencyKey('contract-c-1/dunning-letter-1/2027-03-31#2')).not.toBe(key);
  });
});

