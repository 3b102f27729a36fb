import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../../src/app/clock';
import { LocalPrintPartner, localLetterId, type LocalLetterManifest, type LocalPrintPartnerOptions } from '../../src/print-partner/local-print-partner';
import { PrintPartnerRejectedError, type SubmitLetterInput } from '../../src/print-partner/print-partner';
import { isValidWebhookSignature } from '../../src/webhooks/webhook-signature';
import { freePort } from '../helpers/ports';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

const SECRET = 'test-print-partner-secret-0123';
const PDF = Buffer.from('%PDF-1.7\n% invoice 2027-000042\n%%EOF\n');
const silent = { log() {}, warn() {}, error() {} };

const letter = (overrides: Partial<SubmitLetterInput> = {}): SubmitLetterInput => ({
  idempotencyKey: 'contract-c-1/invoice/2027-000042',
  pdf: PDF,
  fileName: 'rechnung-2027-000042.pdf',
  recipient: { name: 'Erika Mustermann', addressLine1: 'Hauptstraße 1', addressLine2: 'Hinterhaus', postalCode: '1010', city: 'Wien', country: 'AT' },
  metadata: { contractId: 'c-1', kind: 'invoice' },
  ...overrides,
});

/** A clock that only moves when told: the sandbox clock in miniature. */
function manualClock(start: string): Clock & { set(instant: string): void } {
  let now = new Date(start);
  return { now: async () => now, set: (instant) => void (now = new Date(instant)) };
}

let dropDir: string;
let receiver: WebhookReceiver;
let partners: LocalPrintPartner[];
beforeEach(async () => {
  dropDir = mkdtempSync(path.join(os.tmpdir(), 'print-partner-'));
  receiver = await startWebhookReceiver();
  partners = [];
});
afterEach(async () => {
  for (const partner of partners) await partner.close();
  await receiver.close();
  rmSync(dropDir, { recursive: true, force: true });
});

function partner(overrides: Partial<LocalPrintPartnerOptions> = {}): LocalPrintPartner {
  const created = new LocalPrintPartner({
    dropDir,
    webhookUrl: receiver.url,
    webhookSecret: SECRET,
    clock: manualClock('2027-03-31T10:00:00.000Z'),
    printDelayMs: 0,
    postDelayMs: 0,
    retry: { attempts: 5, initialBackoffMs: 10, maxBackoffMs: 50 },
    logger: silent,
    ...overrides,
  });
  partners.push(created);
  return created;
}

/** The letter folders in the drop folder (work folders start with a dot). */
const letterFolders = () => readdirSync(dropDir).filter((name) => !name.startsWith('.'));

describe('local print partner', () => {
  it('writes one PDF and manifest per idempotency key; a second submit returns the same letter and writes nothing', async () => {
    const clock = manualClock('2027-03-31T10:00:00.000Z');
    const local = partner({ clock });

    const first = await local.submitLetter(letter());
    clock.set('2027-03-31T10:00:05.000Z');
    const second = await local.submitLetter(letter());

    expect(second).toEqual(first);
    expect(first).toEqual({ partnerLetterId: localLetterId(letter().idempotencyKey), status: 'submitted' });
    expect(letterFolders()).toEqual([first.partnerLetterId]);
    const folder = path.join(dropDir, first.partnerLetterId);
    expect(readdirSync(folder).sort()).toEqual(['letter.pdf', 'manifest.json']);
    expect(readFileSync(path.join(folder, 'letter.pdf')).equals(PDF)).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as LocalLetterManifest;
    expect(manifest).toEqual({
      partnerLetterId: first.partnerLetterId,
      idempotencyKey: letter().idempotencyKey,
      fileName: 'rechnung-2027-000042.pdf',
      recipient: letter().recipient,
      metadata: { contractId: 'c-1', kind: 'invoice' },
      pdfSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      // The first submit's time: the second one did not rewrite the manifest.
      submittedAt: '2027-03-31T10:00:00.000Z',
    });
  });

  it('two concurrent submits with one key leave one letter', async () => {
    const local = partner();
    const results = await Promise.all([local.submitLetter(letter()), local.submitLetter(letter()), partner().submitLetter(letter())]);
    expect(new Set(results.map((r) => r.partnerLetterId)).size).toBe(1);
    expect(letterFolders()).toHaveLength(1);
  });

  it('reports printed, then posted, signed over the raw body, stamped by its clock; once per letter', async () => {
    const local = partner();
    const { partnerLetterId } = await local.submitLetter(letter());
    await local.submitLetter(letter());
    await local.whenIdle();

    expect(receiver.received.map((r) => r.body)).toEqual([
      { eventId: `evt_${partnerLetterId}_printed`, createdAt: '2027-03-31T10:00:00.000Z', letterId: partnerLetterId, status: 'printed' },
      { eventId: `evt_${partnerLetterId}_posted`, createdAt: '2027-03-31T10:00:00.000Z', letterId: partnerLetterId, status: 'posted' },
    ]);
    for (const { headers, rawBody } of receiver.received) {
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(isValidWebhookSignature(SECRET, rawBody, headers['x-signature'] as string)).toBe(true);
      expect(isValidWebhookSignature('another-secret-0123456789', rawBody, headers['x-signature'] as string)).toBe(false);
    }
  });

  it('retries a report while the API answers 503 or 404 (letter not recorded yet), then delivers it', async () => {
    receiver.answers.push(503, 404, 503);
    const local = partner();
    await local.submitLetter(letter());
    await local.whenIdle();
    expect(receiver.received.map((r) => r.body.status)).toEqual(['printed', 'posted']);
  });

  it('retries while the API is not up, and gives up after its attempts (posted is then not sent)', async () => {
    const warnings: string[] = [];
    const errors: string[] = [];
    const local = partner({
      webhookUrl: `http://127.0.0.1:${await freePort()}/v1/webhooks/print-partner`,
      retry: { attempts: 3, initialBackoffMs: 5, maxBackoffMs: 5 },
      logger: { log() {}, warn: (m: string) => void warnings.push(m), error: (m: string) => void errors.push(m) },
    });
    await local.submitLetter(letter());
    await local.whenIdle();
    expect(warnings).toEqual([expect.stringMatching(/_printed not delivered .*attempt 2/), expect.stringMatching(/_printed not delivered .*attempt 3/)]);
    expect(errors).toEqual([expect.stringMatching(/_printed not delivered after 3 attempts; giving up/)]);
  });

  it('does not retry a refused report (401: wrong secret)', async () => {
    receiver.answers.push(401);
    const local = partner();
    await local.submitLetter(letter());
    await local.whenIdle();
    expect(receiver.received).toEqual([]);
    expect(receiver.answers).toEqual([]);
  });

  it('close() stops the reports that are still waiting', async () => {
    const local = partner({ printDelayMs: 60_000 });
    await local.submitLetter(letter());
    await local.close();
    expect(receiver.received).toEqual([]);
  });

  it.each([
    ['no street', { recipient: { ...letter().recipient, addressLine1: ' ' } }, /no addressLine1/],
    ['a country name instead of a code', { recipient: { ...letter().recipient, country: 'Österreich' } }, /ISO 3166-1/],
    ['a document that is not a PDF', { pdf: Buffer.from('<html>') }, /not a PDF/],
  ])('refuses a letter with %s and writes nothing', async (_case, overrides, message) => {
    const error = await partner().submitLetter(letter(overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrintPartnerRejectedError);
    expect((error as Error).message).toMatch(message);
    expect(letterFolders()).toEqual([]);
  });
});
