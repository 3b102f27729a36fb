import type { Clock } from '../app/clock';
import type { PrintPartnerConfig } from '../config/config';
import { LocalPrintPartner } from './local-print-partner';
import { createPingenPrintPartner } from './pingen-client';
import type { PrintPartner } from './print-partner';

/** The configured print partner and a line for the start-up log saying which one runs. */
export function createPrintPartner(config: PrintPartnerConfig, deps: { clock: Clock }): { partner: PrintPartner; description: string } {
  if (config.partner === 'pingen') {
    if (!config.pingen) throw new Error('PRINT_PARTNER=pingen without Pingen configuration');
    return {
      partner: createPingenPrintPartner(config.pingen),
      description: `print partner: pingen at ${config.pingen.apiUrl} (organisation ${config.pingen.organisationId}, ${config.pingen.deliveryProduct}, ${config.pingen.printMode}, ${config.pingen.printSpectrum})`,
    };
  }
  return {
    partner: new LocalPrintPartner({ dropDir: config.local.dropDir, webhookUrl: config.local.webhookUrl, webhookSecret: config.webhookSecret, clock: deps.clock }),
    description: `print partner: local, letters written to ${config.local.dropDir}, status reports to ${config.local.webhookUrl}`,
  };
}
