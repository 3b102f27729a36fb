import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import type { Principal } from '../auth/principal';
import type { PrismaClient } from '../database/prisma-client';
import { checkAddUser, MAIN_USER_ROLE, MEMBER_USER_ROLE, normalizeEmail } from '../domain/account-rules';
import { DomainError } from '../domain/errors';
import { ProblemError } from '../http/problem';
import { toUserResource } from './account.mapper';
import type { CreateUserBody } from './account.schema';
import { accountStateOf, findVisibleContract } from '../contracts/contract-access';
import { lockContract } from '../database/row-locks';
import { isUniqueViolation } from '../database/unique-violation';

/** Account users of a contract (the main user is created with the contract). */
@Injectable()
export class UsersService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The contract's users: the main user first, then by creation. */
  async list(contractId: string, principal: Principal) {
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    const rows = await this.prisma.user.findMany({ where: { contractId: contract.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const main = rows.filter((u) => u.role === MAIN_USER_ROLE);
    const others = rows.filter((u) => u.role !== MAIN_USER_ROLE);
    return { items: [...main, ...others].map(toUserResource) };
  }

  /** Adds a member. Rules: src/domain/account-rules.ts `checkAddUser`; the e-mail is stored normalized. */
  async add(contractId: string, body: CreateUserBody, principal: Principal) {
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    const email = normalizeEmail(body.email);
    try {
      const user = await this.prisma.$transaction(async (tx) => {
        const row = await lockContract(tx, contract.id);
        if (!row) throw ProblemError.notFound('Contract');
        const users = await tx.user.findMany({ where: { contractId: row.id }, select: { email: true } });
        const violation = checkAddUser({ ...accountStateOf(row), userCount: users.length, email, existingEmails: users.map((u) => u.email) });
        if (violation) throw new DomainError(violation.code, violation.message);
        return tx.user.create({ data: { id: randomUUID(), contractId: row.id, name: body.name, email, role: MEMBER_USER_ROLE } });
      });
      return toUserResource(user);
    } catch (error) {
      // The unique index (contract, e-mail) is the last line; the rule above normally answers first.
      if (isUniqueViolation(error)) throw new DomainError('USER_EXISTS', `${email} is already a user of this contract.`);
      throw error;
    }
  }
}
