import { createHash, timingSafeEqual } from 'node:crypto';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { applyDecorators, createParamDecorator, HttpStatus, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AppConfig } from '../config/config';
import type { PrismaClient } from '../database/prisma-client';
import { APP_CONFIG, PRISMA } from '../app/tokens';
import { ApiOperatorsOnly } from '../http/openapi';
import { ProblemCode, ProblemError } from '../http/problem';
import type { Principal } from './principal';

const ROLES = Symbol('roles');
const PUBLIC = Symbol('public');

/** Restricts a route to operators (and documents the 403 a customer gets). */
export const OperatorOnly = () => applyDecorators(SetMetadata(ROLES, ['operator']), ApiOperatorsOnly());
/** Marks a route as needing no token (health, docs, signed webhooks). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The authenticated caller of this request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<Request & { principal: Principal }>().principal;
});

/** SHA-256 of a bearer token: only hashes are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? null;
}

/** Bearer authentication: operator token from configuration, customer tokens from the database. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly operatorHash: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
  ) {
    this.operatorHash = Buffer.from(hashToken(config.operatorToken), 'hex');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const token = bearerToken(request.headers.authorization);
    if (token === null) throw new ProblemError(HttpStatus.UNAUTHORIZED, ProblemCode.UNAUTHENTICATED, 'Unauthenticated', 'A bearer token is required.');
    const principal = await this.authenticate(token);
    if (!principal) throw new ProblemError(HttpStatus.UNAUTHORIZED, ProblemCode.UNAUTHENTICATED, 'Unauthenticated', 'The bearer token is not valid.');
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ProblemError(HttpStatus.FORBIDDEN, ProblemCode.FORBIDDEN, 'Forbidden', 'This operation is for operators only.');
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    // The operator secret: compared in constant time on two 32-byte digests (equal lengths by
    // construction, so timingSafeEqual never throws and the token's length does not leak).
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.operatorHash)) return { role: 'operator' };
    // Customer tokens are looked up by their SHA-256 (a unique index): the database compares
    // digests of a 192-bit random secret, so a timing difference reveals nothing usable.
    const row = await this.prisma.apiToken.findUnique({ where: { tokenHash: hash }, include: { customer: true } });
    if (!row || row.customer.personalDataDeletedAt) return null;
    return { role: 'customer', customerId: row.customerId };
  }
}
