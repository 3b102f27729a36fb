import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../src/database/prisma-client';

/** A customer with a postal address (or none) and an active contract; returns the contract's id. */
export async function seedContract(prisma: PrismaClient, options: { withAddress?: boolean } = {}): Promise<string> {
  const customerId = randomUUID();
  const address = options.withAddress === false ? {} : { addressLine1: 'Heidestraße 17', addressLine2: 'Hinterhaus', postalCode: '51147', city: 'Köln' };
  await prisma.customer.create({ data: { id: customerId, type: 'consumer', name: 'Erika Mustermann', email: `erika-${customerId}@example.org`, invoiceDelivery: 'post', country: 'DE', ...address } });
  const contractId = randomUUID();
  await prisma.contract.create({
    data: { id: contractId, customerId, plan: 'plus', seats: 1, status: 'active', timeZone: 'Europe/Berlin', startedOn: '2027-01-15', billingMode: 'postpaid', workflowId: `contract-${contractId}` },
  });
  return contractId;
}
