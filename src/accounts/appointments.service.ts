import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { Principal } from '../auth/principal';
import type { PrismaClient } from '../database/prisma-client';
import { type AppointmentStatus, checkAddAppointment } from '../domain/account-rules';
import { DomainError } from '../domain/errors';
import { ProblemError } from '../http/problem';
import { toAppointmentResource } from './account.mapper';
import type { CreateAppointmentBody } from './account.schema';
import { accountStateOf, findVisibleContract } from '../contracts/contract-access';
import { lockContract } from '../database/row-locks';

/** Appointments (video calls and conferences) of a contract. */
@Injectable()
export class AppointmentsService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The contract's appointments by start time. */
  async list(contractId: string, principal: Principal) {
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    const rows = await this.prisma.appointment.findMany({ where: { contractId: contract.id }, orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] });
    return { items: rows.map(toAppointmentResource) };
  }

  /** Books an appointment. Rules: src/domain/account-rules.ts `checkAddAppointment`. */
  async add(contractId: string, body: CreateAppointmentBody, principal: Principal) {
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    const appointment = await this.prisma.$transaction(async (tx) => {
      // Under the contract lock, so a booking cannot slip in beside a running downgrade.
      const row = await lockContract(tx, contract.id);
      if (!row) throw ProblemError.notFound('Contract');
      const violation = checkAddAppointment({ ...accountStateOf(row), participants: body.participants });
      if (violation) throw new DomainError(violation.code, violation.message);
      return tx.appointment.create({
        data: { id: randomUUID(), contractId: row.id, startsAt: new Date(body.startsAt), participants: body.participants, status: 'scheduled' satisfies AppointmentStatus },
      });
    });
    return toAppointmentResource(appointment);
  }
}
