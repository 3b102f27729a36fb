import { z } from 'zod';

/** Body of `POST /v1/contracts/{id}/users`. */
export const CreateUserSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
});
export type CreateUserBody = z.infer<typeof CreateUserSchema>;

/** Body of `POST /v1/contracts/{id}/appointments`. */
export const CreateAppointmentSchema = z.strictObject({
  /** Instant with offset, e.g. `2027-05-03T09:00:00+02:00`. */
  startsAt: z.iso.datetime({ offset: true }),
  participants: z.number().int().min(2).max(100),
});
export type CreateAppointmentBody = z.infer<typeof CreateAppointmentSchema>;
