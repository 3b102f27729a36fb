import type { Appointment, User } from '../generated/prisma/client';

/** The user resource of API.md. */
export function toUserResource(row: User) {
  return { id: row.id, name: row.name, email: row.email, role: row.role };
}

/** The appointment resource of API.md; `cancelledReason` is set once cancelled (e.g. `plan-downgrade`). */
export function toAppointmentResource(row: Appointment) {
  return {
    id: row.id,
    startsAt: row.startsAt.toISOString(),
    participants: row.participants,
    status: row.status,
    cancelledReason: row.cancelledReason,
  };
}
