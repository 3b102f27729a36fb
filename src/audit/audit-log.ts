/**
 * The audit log of operator actions (docs/security.md): who did what when. One entry per
 * non-GET request made with the operator token; never a request or response body.
 */

/** One operator action. */
export interface AuditEntry {
  readonly id: string;
  /** When the request arrived (wall-clock time, also in sandbox mode: this is about people). */
  readonly at: Date;
  readonly actor: 'operator';
  /** First 12 hex digits of a SHA-256 of the token: tells tokens apart without revealing one. */
  readonly tokenFingerprint: string;
  readonly method: string;
  /** The route as in the OpenAPI document, e.g. `/v1/contracts/{id}/cancellation`. */
  readonly route: string;
  /** Path parameters, ids named in the body (`customerId`, `contractId`, `invoiceId`) and the created resource's `id`. */
  readonly targetIds: Readonly<Record<string, string>>;
  /** The response status; null when the client went away before the response was sent. */
  readonly status: number | null;
  readonly requestId: string;
}

/** Where a page starts: after this entry in (at, id) order. */
export interface AuditCursor {
  readonly at: Date;
  readonly id: string;
}

export interface AuditQuery {
  /** Inclusive. */
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
  readonly after?: AuditCursor;
  readonly limit: number;
}

export interface AuditPage {
  /** Oldest first, ordered by (at, id). */
  readonly items: readonly AuditEntry[];
  /** The last item when more follow, else null. */
  readonly next: AuditCursor | null;
}

/** Storage of the audit log. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  list(query: AuditQuery): Promise<AuditPage>;
}

/** (at, id) order of entries and cursors. */
export function compareAuditOrder(a: AuditCursor, b: AuditCursor): number {
  return a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The opaque `cursor` of the API for a position. */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`).toString('base64url');
}

/** The position of an API `cursor`, or null when it is not one this API issued. */
export function decodeAuditCursor(cursor: string): AuditCursor | null {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length > 0 || !id || !/^[0-9a-f-]{36}$/.test(id)) return null;
  const instant = new Date(at);
  return Number.isNaN(instant.getTime()) ? null : { at: instant, id };
}
