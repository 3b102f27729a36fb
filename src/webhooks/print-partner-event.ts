import { z } from 'zod';

/** Statuses a print partner reports through the webhook (docs/api.md, "Webhooks"). */
export const REPORTED_LETTER_STATUSES = ['printed', 'posted', 'returned'] as const;

/**
 * Body of `POST /v1/webhooks/print-partner`. `letterId` is the partner's id of the letter (the
 * `partnerLetterId` it answered on submit); unknown members are ignored, so a partner may add some.
 */
export const PrintPartnerEventSchema = z.object({
  eventId: z.string().min(1).max(200),
  createdAt: z.iso.datetime({ offset: true }),
  letterId: z.string().min(1).max(200),
  status: z.enum(REPORTED_LETTER_STATUSES),
});
export type PrintPartnerEvent = z.infer<typeof PrintPartnerEventSchema>;
