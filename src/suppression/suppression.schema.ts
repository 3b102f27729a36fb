import { z } from 'zod';

/** Body of `POST /v1/suppressions`. */
export const CreateSuppressionSchema = z.strictObject({
  email: z.email().max(320),
});
export type CreateSuppressionBody = z.infer<typeof CreateSuppressionSchema>;
