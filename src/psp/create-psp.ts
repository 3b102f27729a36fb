import path from 'node:path';
import type { Clock } from '../app/clock';
import type { PaymentsConfig } from '../config/config';
import { LocalPsp, type LocalPspOptions } from './local-psp';
import type { Psp } from './psp';
import { StripePsp } from './stripe-client';

/** Where the local PSP keeps `charges.jsonl` unless told otherwise. */
export const DEFAULT_LOCAL_PSP_DIR = path.join('var', 'psp');

/** What {@link createPsp} needs besides the configuration. */
export interface CreatePspDeps {
  /** Stamps the local PSP's events (the sandbox clock in sandbox mode). */
  clock: Clock;
  /** Directory of the local PSP's charge log; default `var/psp`. */
  dataDir?: string;
  /** Passed to the local PSP (tests, a second instance on the same directory). */
  local?: Partial<Omit<LocalPspOptions, 'dataDir' | 'webhookUrl' | 'webhookSecret' | 'clock'>>;
}

/**
 * The configured PSP and a line for the start-up log saying which one runs. `local` (the
 * default) reports to `config.local.webhookUrl` (`POST /v1/webhooks/psp`, signed with
 * `config.webhookSecret`); `stripe` reports to the platform's `POST /v1/webhooks/stripe`, signed
 * with `config.stripe.webhookSecret`, as configured in Stripe's dashboard. `local` is the same
 * object as `psp` when the local PSP runs (for `chargeback`, sandbox only), else null.
 */
export function createPsp(config: PaymentsConfig, deps: CreatePspDeps): { psp: Psp; local: LocalPsp | null; description: string } {
  if (config.psp === 'stripe') {
    if (!config.stripe) throw new Error('PSP=stripe without Stripe configuration');
    return {
      psp: new StripePsp({ apiUrl: config.stripe.apiUrl, secretKey: config.stripe.secretKey }),
      local: null,
      description: `psp: stripe at ${config.stripe.apiUrl} (PaymentIntents, outcome at POST /v1/webhooks/stripe)`,
    };
  }
  const psp = new LocalPsp({
    ...deps.local,
    dataDir: deps.dataDir ?? DEFAULT_LOCAL_PSP_DIR,
    webhookUrl: config.local.webhookUrl,
    webhookSecret: config.webhookSecret,
    clock: deps.clock,
  });
  return { psp, local: psp, description: psp.describe() };
}
