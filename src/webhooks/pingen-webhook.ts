/**
 * Pingen's own webhooks (PRINT_PARTNER=pingen), for `POST /v1/webhooks/pingen`: the signature
 * check and the body, as Pingen's official SDKs document them (pingen2-sdk-python
 * `incoming_webhook.py`):
 * - Pingen POSTs to the URL registered per event category (`sent`, `undeliverable`, `issues`),
 *   `Content-Type: application/vnd.api+json`;
 * - `Signature: <lowercase hex HMAC-SHA256 of the raw body>` with the webhook's `signing_key`
 *   (chosen by us when registering the webhook): no prefix, no timestamp, so there is no replay
 *   window; replays are caught by the event id (webhook_events);
 * - the body is JSON:API: `data.type` `webhook_<category>`, `data.attributes.reason`,
 *   `data.relationships.letter.data.id` (Pingen's letter id, our `partnerLetterId`),
 *   `data.relationships.event.data.id` (the letter event), and the letter and its event in `included`.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { LetterStatus } from '../letters/letter-status';
import { hmacMatches } from './webhook-signature';

/** Name of Pingen's signature header (lower case, as Node reports headers). */
export const PINGEN_SIGNATURE_HEADER = 'signature';

/** Pingen's media type (JSON:API); the body parser keeps its raw bytes like JSON's. */
export const PINGEN_MEDIA_TYPE = 'application/vnd.api+json';

/** The `Signature` value Pingen sends for `rawBody` (used by the mock Pingen in tests). */
export function signPingenWebhook(signingKey: string, rawBody: Buffer | string): string {
  return createHmac('sha256', signingKey).update(rawBody).digest('hex');
}

/**
 * Whether `header` is Pingen's signature of `rawBody` with `signingKey`; constant-time in the
 * signature's bytes. Upper-case hex is accepted too (the SDKs compare the lower-case digest).
 */
export function isValidPingenSignature(signingKey: string, rawBody: Buffer, header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const hex = header.trim();
  return /^[0-9a-fA-F]{64}$/.test(hex) && hmacMatches(signingKey, rawBody, hex);
}

/**
 * Event categories and what they do to the letter:
 * - `sent`: Pingen handed the letter to the postal service → `posted`;
 * - `undeliverable` (`undeliverables` accepted as a spelling variant) → `returned`;
 * - `issues`: Pingen cannot send the letter as it is (page limit, address, credit, …) → `failed`
 *   with the reason, for an operator (docs/api.md, "Webhooks");
 * - `delivered` (listed by Pingen's .NET SDK among the webhook types): the post delivered it;
 *   the platform's last step is `posted`, so it counts as that.
 */
const CATEGORY_STATUS = {
  sent: 'posted',
  undeliverable: 'returned',
  undeliverables: 'returned',
  issues: 'failed',
  delivered: 'posted',
} as const satisfies Record<string, LetterStatus>;
export type PingenWebhookCategory = keyof typeof CATEGORY_STATUS;
export const PINGEN_WEBHOOK_TYPES = Object.keys(CATEGORY_STATUS).map((category) => `webhook_${category}`);

const relationship = (type: string) => z.object({ data: z.object({ type: z.literal(type).optional(), id: z.string().min(1).max(200) }) });

/** JSON:API body of a Pingen webhook; unknown members (links, organisation, …) are ignored. */
export const PingenWebhookSchema = z.object({
  data: z.object({
    type: z.enum(PINGEN_WEBHOOK_TYPES as [string, ...string[]]),
    id: z.string().min(1).max(200),
    attributes: z
      .object({
        reason: z.string().max(2000).nullish(),
        created_at: z.string().max(100).nullish(),
      })
      .optional(),
    relationships: z.object({
      letter: relationship('letters'),
      event: relationship('letters_events').optional(),
    }),
  }),
  included: z
    .array(
      z.object({
        type: z.string(),
        id: z.string(),
        attributes: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});
export type PingenWebhookBody = z.infer<typeof PingenWebhookSchema>;

/** A verified Pingen webhook, as the service applies it. */
export interface PingenWebhookEvent {
  /** The letter event's id (`relationships.event`), else the webhook's own id: the dedupe key. */
  eventId: string;
  category: PingenWebhookCategory;
  /** Pingen's letter id (our `partnerLetterId`). */
  letterId: string;
  /** The letter status this event stands for. */
  status: (typeof CATEGORY_STATUS)[PingenWebhookCategory];
  /** For `issues`: `<event code>: <reason>` (the code from the included letter event, when there). */
  reason: string | null;
}

/** The event a parsed body stands for. */
export function toPingenWebhookEvent(body: PingenWebhookBody): PingenWebhookEvent {
  const category = body.data.type.slice('webhook_'.length) as PingenWebhookCategory;
  const eventId = body.data.relationships.event?.data.id ?? body.data.id;
  const letterEvent = body.included?.find((item) => item.type === 'letters_events' && item.id === eventId);
  const code = typeof letterEvent?.attributes?.code === 'string' && letterEvent.attributes.code !== '' ? letterEvent.attributes.code : null;
  const name = typeof letterEvent?.attributes?.name === 'string' && letterEvent.attributes.name !== '' ? letterEvent.attributes.name : null;
  const text = body.data.attributes?.reason || name;
  const reason = [code, text].filter((part): part is string => typeof part === 'string' && part !== '').join(': ') || null;
  return { eventId, category, letterId: body.data.relationships.letter.data.id, status: CATEGORY_STATUS[category], reason };
}
