/** Plan identifiers of the catalogue (DOMAIN.md, "Plans"). */
export const PLAN_IDS = ['basis', 'plus'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

/** One plan of the catalogue. Prices are net, in cents (EUR). */
export interface Plan {
  readonly id: PlanId;
  readonly name: string;
  /** Net base fee per month and seat in cents. */
  readonly monthlyFeePerSeat: number;
  /** Maximum seats, `null` for unlimited. */
  readonly maxSeats: number | null;
  readonly features: readonly string[];
  /** Usage prices in cents per unit. */
  readonly usagePrices: Readonly<Record<string, number>>;
}

/** The default plan catalogue (configurable; these are DOMAIN.md's defaults). */
export const DEFAULT_PLAN_CATALOGUE: readonly Plan[] = [
  {
    id: 'basis',
    name: 'Basis',
    monthlyFeePerSeat: 0,
    maxSeats: 1,
    features: ['appointments', 'video-calls-2'],
    usagePrices: {},
  },
  {
    id: 'plus',
    name: 'Plus',
    monthlyFeePerSeat: 1900,
    maxSeats: null,
    features: ['appointments', 'video-calls-2', 'conferences', 'sms-invitations'],
    usagePrices: { sms: 10 },
  },
];

/** Pause fee per month, net cents. */
export const DEFAULT_PAUSE_FEE = 500;

/** VAT rates in percent by customer country. */
export const VAT_RATES: Readonly<Record<'DE' | 'AT', number>> = { DE: 19, AT: 20 };

export function isPlanId(value: string): value is PlanId {
  return (PLAN_IDS as readonly string[]).includes(value);
}

/** The catalogue entry of `plan`. Throws on a plan missing from the catalogue (a configuration error). */
export function planOf(plan: PlanId, catalogue: readonly Plan[] = DEFAULT_PLAN_CATALOGUE): Plan {
  const found = catalogue.find((p) => p.id === plan);
  if (!found) throw new Error(`Plan ${plan} is not in the plan catalogue.`);
  return found;
}
