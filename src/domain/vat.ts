/**
 * VAT: the dated rate table and the tax treatment of an invoice (DOMAIN.md, "Billing precision").
 * A business customer with a VAT ID of another EU country than the issuer's → reverse charge
 * (0 %, category AE); otherwise the standard rate of the customer's country on the issue date.
 */
import type { LocalDate } from './calendar';
import { compareLocalDates } from './calendar';
import type { Country } from './invoice';

/** One entry of the dated rate table: `ratePercent` applies from `validFrom` until the next entry. */
export interface VatRateEntry {
  readonly country: Country;
  readonly validFrom: LocalDate;
  readonly ratePercent: number;
}

/** Standard rates (configuration). DE: 16 % from 01.07. to 31.12.2020 (Corona-Steuerhilfegesetz). */
export const DEFAULT_VAT_RATES: readonly VatRateEntry[] = [
  { country: 'DE', validFrom: '2007-01-01', ratePercent: 19 },
  { country: 'DE', validFrom: '2020-07-01', ratePercent: 16 },
  { country: 'DE', validFrom: '2021-01-01', ratePercent: 19 },
  { country: 'AT', validFrom: '1984-01-01', ratePercent: 20 },
];

/** The standard rate of `country` on `on`. Throws when the table has no entry (a configuration error). */
export function vatRateOn(country: Country, on: LocalDate, table: readonly VatRateEntry[] = DEFAULT_VAT_RATES): number {
  const applicable = table
    .filter((e) => e.country === country && compareLocalDates(e.validFrom, on) <= 0)
    .sort((a, b) => compareLocalDates(b.validFrom, a.validFrom));
  if (applicable.length === 0) throw new Error(`No VAT rate for ${country} on ${on} in the rate table.`);
  return applicable[0].ratePercent;
}

/** Who is invoiced, as far as VAT is concerned. */
export interface TaxProfile {
  readonly issuerCountry: Country;
  readonly customerCountry: Country;
  readonly customerType: 'business' | 'consumer';
  readonly customerVatId: string | null;
}

/** The VAT treatment of an invoice. */
export interface TaxTreatment {
  readonly ratePercent: number;
  readonly category: 'S' | 'AE';
  readonly reverseCharge: boolean;
}

/** Reverse charge or the customer country's standard rate on `on`. */
export function taxTreatment(profile: TaxProfile, on: LocalDate, table: readonly VatRateEntry[] = DEFAULT_VAT_RATES): TaxTreatment {
  const vatIdCountry = profile.customerVatId?.trim().slice(0, 2).toUpperCase() ?? null;
  // NOTE: Greece's VAT IDs start with EL, not GR; only DE/AT customers are served, so the prefix is the country.
  if (profile.customerType === 'business' && vatIdCountry && vatIdCountry !== profile.issuerCountry) {
    return { ratePercent: 0, category: 'AE', reverseCharge: true };
  }
  return { ratePercent: vatRateOn(profile.customerCountry, on, table), category: 'S', reverseCharge: false };
}
