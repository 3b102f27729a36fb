/** The in-memory audit log and the API's cursors: (at, id) order, late arrivals, capacity. */
import type { AuditEntry } from '../../src/audit/audit-log';
import { decodeAuditCursor, encodeAuditCursor } from '../../src/audit/audit-log';
import { InMemoryAuditLog } from '../../src/audit/in-memory-audit-log';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function entry(n: number, at: string): AuditEntry {
  return { id: ID(n), at: new Date(at), actor: 'operator', tokenFingerprint: 'abc', method: 'POST', route: '/v1/x', targetIds: {}, status: 200, requestId: `r${n}` };
}

test('lists in (at, id) order although a slow request is recorded after a later one', async () => {
  const log = new InMemoryAuditLog();
  await log.record(entry(2, '2027-01-01T10:00:02Z'));
  await log.record(entry(3, '2027-01-01T10:00:03Z'));
  // Arrived first, answered last.
  await log.record(entry(1, '2027-01-01T10:00:01Z'));
  // Same instant as 2: the id decides.
  await log.record(entry(0, '2027-01-01T10:00:02Z'));
  const page = await log.list({ limit: 10 });
  expect(page.items.map((e) => e.requestId)).toEqual(['r1', 'r0', 'r2', 'r3']);
  expect(page.next).toBeNull();
});

test.each([
  ['from inclusive', { from: new Date('2027-01-01T10:00:02Z') }, ['r2', 'r3']],
  ['to exclusive', { to: new Date('2027-01-01T10:00:02Z') }, ['r1']],
  ['both', { from: new Date('2027-01-01T10:00:01Z'), to: new Date('2027-01-01T10:00:03Z') }, ['r1', 'r2']],
])('%s', async (_name, window, expected) => {
  const log = new InMemoryAuditLog();
  for (const [n, at] of [[1, '2027-01-01T10:00:01Z'], [2, '2027-01-01T10:00:02Z'], [3, '2027-01-01T10:00:03Z']] as const) await log.record(entry(n, at));
  expect((await log.list({ limit: 10, ...window })).items.map((e) => e.requestId)).toEqual(expected);
});

test('pages: next is the last item while more follow, and the cursor survives the API round trip', async () => {
  const log = new InMemoryAuditLog();
  for (let n = 1; n <= 5; n++) await log.record(entry(n, `2027-01-01T10:00:0${n}Z`));
  const seen: string[] = [];
  let after: ReturnType<typeof decodeAuditCursor> | undefined;
  for (;;) {
    const page = await log.list({ limit: 2, after: after ?? undefined });
    seen.push(...page.items.map((e) => e.requestId));
    if (!page.next) break;
    after = decodeAuditCursor(encodeAuditCursor(page.next));
    expect(after).toEqual(page.next);
  }
  expect(seen).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
});

test('keeps the newest `capacity` entries', async () => {
  const log = new InMemoryAuditLog(3);
  for (let n = 1; n <= 5; n++) await log.record(entry(n, `2027-01-01T10:00:0${n}Z`));
  expect((await log.list({ limit: 10 })).items.map((e) => e.requestId)).toEqual(['r3', 'r4', 'r5']);
});

test.each(['', 'not-a-cursor', Buffer.from('2027-01-01T00:00:00Z|x').toString('base64url'), Buffer.from(`garbage|${ID(1)}`).toString('base64url')])(
  'decodeAuditCursor(%j) is null',
  (cursor) => {
    expect(decodeAuditCursor(cursor)).toBeNull();
  },
);
