import type { PrismaClient } from '../database/prisma-client';
import { normalizeIban } from '../domain/iban';
import type { PaymentMethod } from '../generated/prisma/client';
import type { PaymentMethodBody } from './contract.schema';

/**
 * Replaces the contract's current payment method (the old one is revoked, never deleted: a SEPA
 * mandate's history matters for collections). A SEPA mandate gets a reference unique per
 * contract and mandate (`VW-<contract>-<n>`).
 */
export async function replacePaymentMethod(prisma: PrismaClient, contractId: string, method: PaymentMethodBody, newId: () => string): Promise<PaymentMethod> {
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    await tx.paymentMethod.updateMany({ where: { contractId, revokedAt: null }, data: { revokedAt: now } });
    const base = { id: newId(), contractId, type: method.type, createdAt: now };
    if (method.type === 'sepa') {
      const iban = normalizeIban(method.iban) as string; // validated by the schema
      const mandates = await tx.paymentMethod.count({ where: { contractId, type: 'sepa' } });
      return tx.paymentMethod.create({
        data: {
          ...base,
          iban,
          ibanLast4: iban.slice(-4),
          accountHolder: method.accountHolder,
          signedOn: method.signedOn,
          mandateReference: `VW-${contractId.slice(0, 8).toUpperCase()}-${mandates + 1}`,
        },
      });
    }
    if (method.type === 'card') return tx.paymentMethod.create({ data: { ...base, pspToken: method.pspToken } });
    return tx.paymentMethod.create({ data: base });
  });
}
