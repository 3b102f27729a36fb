import type { LocalPsp } from '../psp/local-psp';
import type { Psp } from '../psp/psp';

/**
 * The process's PSP, set once the API listens (the local PSP reports to the API's own port,
 * known only then). `local` is set when the local PSP runs (sandbox chargebacks).
 */
export interface PspRef {
  current: Psp | null;
  local: LocalPsp | null;
}

export function createPspRef(): PspRef {
  return { current: null, local: null };
}
