import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { PRISMA } from '../app/tokens';
import type { PrismaClient } from '../database/prisma-client';
import type { HandoverClaim, HandoverDebtor, Money } from './collection-agency';

const MoneySchema = z.object({ amount: z.number().int(), currency: z.literal('EUR') });
const NullableText = z.string().nullable();
const AddressSchema = z.object({ line1: z.string(), line2: NullableText, postalCode: z.string(), city: z.string(), country: z.string() });
/** `collection_handovers.debtor`: a {@link HandoverDebtor}; anything else in the column is not shown. */
const StoredDebtorSchema = z.object({
  name: z.string(),
  birthName: NullableText,
  address: AddressSchema,
  email: z.string(),
  dateOfBirth: NullableText,
  occupation: NullableText,
  phone: NullableText,
  contractDate: z.string(),
});
/** `collection_handovers.claims`: a list of {@link HandoverClaim}. */
const StoredClaimsSchema = z.array(
  z.object({ invoiceNumber: z.string(), issuedOn: z.string(), dueOn: z.string(), openAmount: MoneySchema, fees: MoneySchema, interest: MoneySchema }),
);

/** A handover as `GET /v1/collection-handovers` shows it. */
export interface CollectionHandoverView {
  id: string;
  contractId: string;
  handedOverOn: string;
  debtor: HandoverDebtor;
  claims: HandoverClaim[];
  claimTotal: Money;
  status: string;
}

/** Collection handovers for operators (the dunning activities write the rows). */
@Injectable()
export class CollectionHandoversService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The contract's handovers, oldest first (an unknown contract simply has none). */
  async listForContract(contractId: string): Promise<{ items: CollectionHandoverView[] }> {
    const rows = await this.prisma.collectionHandover.findMany({ where: { contractId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return {
      items: rows.map((row) => ({
        id: row.id,
        contractId: row.contractId,
        handedOverOn: row.handedOverOn,
        debtor: stored(row.id, 'debtor', StoredDebtorSchema, row.debtor),
        claims: stored(row.id, 'claims', StoredClaimsSchema, row.claims),
        claimTotal: { amount: row.claimTotalCents, currency: 'EUR' },
        status: row.status,
      })),
    };
  }
}

/**
 * A JSON column parsed with its schema. zod's plain objects drop keys they do not name, so the
 * API shows exactly the handover data set even if a row held more.
 */
function stored<S extends z.ZodType>(id: string, column: string, schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`collection_handovers ${id}: malformed ${column}: ${parsed.error.message}`);
  return parsed.data;
}
