import { DEV_PRINT_PARTNER_WEBHOOK_SECRET, loadConfig } from '../../src/config/config';
import { createPrintPartner } from '../../src/print-partner/create-print-partner';
import { systemClock } from '../../src/app/clock';

const PINGEN = {
  PRINT_PARTNER: 'pingen',
  PINGEN_API_URL: 'http://pingen.test/api',
  PINGEN_IDENTITY_URL: 'http://pingen.test/identity',
  PINGEN_CLIENT_ID: 'id',
  PINGEN_CLIENT_SECRET: 'secret',
  PINGEN_ORGANISATION_ID: 'org',
  PINGEN_WEBHOOK_SIGNING_KEY: 'pingen-signing-key-0815',
};

describe('print partner configuration', () => {
  it('defaults to the local partner: drop folder var/print-partner, reports to this API, the dev secret', () => {
    const { printPartner } = loadConfig({ PORT: '3100' });
    expect(printPartner).toEqual({
      partner: 'local',
      webhookSecret: DEV_PRINT_PARTNER_WEBHOOK_SECRET,
      webhookUrlConfigured: false,
      local: { dropDir: 'var/print-partner', webhookUrl: 'http://127.0.0.1:3100/v1/webhooks/print-partner' },
      pingen: null,
    });
    expect(createPrintPartner(printPartner, { clock: systemClock }).partner.name).toBe('local');
  });

  it('Pingen needs every one of its keys (no built-in host)', () => {
    expect(() => loadConfig({ PRINT_PARTNER: 'pingen' })).toThrow(/PRINT_PARTNER=pingen needs PINGEN_API_URL, PINGEN_IDENTITY_URL, PINGEN_CLIENT_ID, PINGEN_CLIENT_SECRET, PINGEN_ORGANISATION_ID, PINGEN_WEBHOOK_SIGNING_KEY/);
    expect(() => loadConfig({ ...PINGEN, PINGEN_CLIENT_SECRET: undefined })).toThrow(/needs PINGEN_CLIENT_SECRET\./);
    expect(() => loadConfig({ ...PINGEN, PINGEN_WEBHOOK_SIGNING_KEY: undefined })).toThrow(/needs PINGEN_WEBHOOK_SIGNING_KEY\./);
    const { printPartner } = loadConfig(PINGEN);
    expect(printPartner.pingen).toEqual({
      apiUrl: 'http://pingen.test/api',
      identityUrl: 'http://pingen.test/identity',
      clientId: 'id',
      clientSecret: 'secret',
      organisationId: 'org',
      deliveryProduct: 'fast',
      printMode: 'simplex',
      printSpectrum: 'grayscale',
      webhookSigningKey: 'pingen-signing-key-0815',
    });
    expect(createPrintPartner(printPartner, { clock: systemClock }).partner.name).toBe('pingen');
  });

  it('rejects a short webhook secret and non-HTTP URLs', () => {
    expect(() => loadConfig({ PRINT_PARTNER_WEBHOOK_SECRET: 'short' })).toThrow(/PRINT_PARTNER_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ...PINGEN, PINGEN_WEBHOOK_SIGNING_KEY: 'fifteen-chars-x' })).toThrow(/PINGEN_WEBHOOK_SIGNING_KEY/);
    expect(() => loadConfig({ ...PINGEN, PINGEN_API_URL: 'ftp://pingen.test' })).toThrow(/PINGEN_API_URL/);
  });
});
