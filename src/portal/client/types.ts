/** The parts of the API's resources (shared/API.md) the portal shows. */
export interface Money {
  amount: number;
  currency: string;
}

export interface Contract {
  id: string;
  customerId: string;
  plan: string;
  seats: number;
  status: 'trial' | 'active' | 'paused' | 'suspended' | 'ended';
  timeZone: string;
  startedOn: string;
  trialEndsOn: string | null;
  endedOn?: string;
  cancellation: { receivedAt: string; receivedOn: string; endsOn: string; deleteData: boolean } | null;
  pendingPlanChange: { plan: string; effectiveOn: string } | null;
  paymentMethod: { type: 'sepa' | 'card' | 'transfer'; mandateReference?: string; ibanLast4?: string; cardLast4?: string } | null;
  openAmount: Money;
  dunning: { level: number; onHold: boolean };
}

export interface Customer {
  id: string;
  name: string;
  email: string;
  vatId?: string | null;
  invoiceDelivery: 'email' | 'post';
  address: { line1: string; line2?: string | null; postalCode: string; city: string; country: 'DE' | 'AT' };
}

export interface Plan {
  id: string;
  name: string;
  monthlyFeePerSeat: Money;
  features: string[];
}

export interface Catalogue {
  items: Plan[];
  vatRates: Record<string, number>;
}

export interface CancellationPreview {
  receivedOn: string;
  endsOn: string;
}

export interface User {
  id: string;
  name: string;
  email: string;
  role: 'main' | 'member';
}

export interface Appointment {
  id: string;
  startsAt: string;
  participants: number;
  status: 'scheduled' | 'cancelled';
}

export interface Invoice {
  id: string;
  number: string;
  issuedOn: string;
  dueOn: string;
  status: 'open' | 'paid' | 'destroyed';
  gross: Money;
  openAmount: Money;
}

export interface Statement {
  balance: Money;
  entries: Array<{ id: string; type: string; bookedOn: string; amount: Money; invoiceNumber: string | null; description: string | null }>;
}

export interface Communication {
  id: string;
  channel: 'email' | 'letter';
  subject: string | null;
  status: string;
  sentAt: string | null;
  createdAt: string;
}

/** A list response: `{ items: [...] }`. */
export interface Items<T> {
  items: T[];
}

/** Everything the signed-in page shows for one contract. */
export interface PortalData {
  contracts: Contract[];
  contract: Contract;
  customer: Customer;
  catalogue: Catalogue;
  users: User[];
  appointments: Appointment[];
  invoices: Invoice[];
  statement: Statement;
  communications: Communication[];
}
