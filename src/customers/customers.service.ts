import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PRISMA } from '../app/tokens';
import { hashToken } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import type { PrismaClient } from '../database/prisma-client';
import type { Customer } from '../generated/prisma/client';
import { ProblemError } from '../http/problem';
import { isUuid } from '../http/uuid';
import type { CreateCustomerBody } from './customer.schema';

/** The customer resource as the API shows it. */
export function toCustomerResource(c: Customer) {
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    birthName: c.birthName,
    email: c.email,
    phone: c.phone,
    dateOfBirth: c.dateOfBirth,
    occupation: c.occupation,
    locale: c.locale,
    invoiceDelivery: c.invoiceDelivery,
    vatId: c.vatId,
    address: { line1: c.addressLine1, line2: c.addressLine2, postalCode: c.postalCode, city: c.city, country: c.country },
    createdAt: c.createdAt.toISOString(),
  };
}

@Injectable()
export class CustomersService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(body: CreateCustomerBody) {
    const customer = await this.prisma.customer.create({
      data: {
        id: randomUUID(),
        type: body.type,
        name: body.name,
        birthName: body.birthName ?? null,
        email: body.email,
        phone: body.phone ?? null,
        dateOfBirth: body.dateOfBirth ?? null,
        occupation: body.occupation ?? null,
        locale: body.locale,
        invoiceDelivery: body.invoiceDelivery,
        vatId: body.vatId ?? null,
        addressLine1: body.address.line1,
        addressLine2: body.address.line2 ?? null,
        postalCode: body.address.postalCode,
        city: body.address.city,
        country: body.address.country,
      },
    });
    return toCustomerResource(customer);
  }

  /** A customer visible to `principal`; 404 for unknown, deleted or someone else's. */
  async get(id: string, principal: Principal): Promise<Customer> {
    if (principal.role === 'customer' && principal.customerId !== id) throw ProblemError.notFound('Customer');
    const customer = isUuid(id) ? await this.prisma.customer.findUnique({ where: { id } }) : null;
    if (!customer || customer.personalDataDeletedAt) throw ProblemError.notFound('Customer');
    return customer;
  }

  /** Issues a customer portal token. The token is shown once; only its hash is stored. */
  async issueToken(customerId: string) {
    await this.get(customerId, { role: 'operator' });
    const token = `cus_${randomBytes(24).toString('base64url')}`;
    await this.prisma.apiToken.create({ data: { id: randomUUID(), tokenHash: hashToken(token), customerId } });
    return { token, customerId };
  }
}
