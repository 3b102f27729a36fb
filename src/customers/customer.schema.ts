import { z } from 'zod';
import { isLocalDate } from '../domain/calendar';

const localDate = z.string().refine(isLocalDate, 'must be a date YYYY-MM-DD');

/** Body of `POST /v1/customers` (API.md, "Customer resource"). */
export const CreateCustomerSchema = z
  .object({
    type: z.enum(['business', 'consumer']),
    name: z.string().trim().min(1).max(200),
    birthName: z.string().trim().min(1).max(200).nullish(),
    email: z.email().max(320),
    phone: z.string().trim().min(3).max(40).nullish(),
    dateOfBirth: localDate.nullish(),
    occupation: z.string().trim().min(1).max(200).nullish(),
    locale: z.enum(['de', 'en']).default('de'),
    invoiceDelivery: z.enum(['email', 'post']).default('email'),
    vatId: z.string().trim().regex(/^[A-Z]{2}[A-Z0-9]{2,13}$/, 'must be a VAT ID like DE123456789').nullish(),
    address: z.strictObject({
      line1: z.string().trim().min(1).max(200),
      line2: z.string().trim().max(200).nullish(),
      postalCode: z.string().trim().min(3).max(10),
      city: z.string().trim().min(1).max(100),
      country: z.enum(['DE', 'AT']),
    }),
  })
  .strict();
export type CreateCustomerBody = z.infer<typeof CreateCustomerSchema>;
