/**
 * Structured e-invoices (EN 16931) with @e-invoice-eu/core: XRechnung 3.0 in CII syntax, and
 * Factur-X/ZUGFeRD (profile EN 16931) — the CII XML embedded as factur-x.xml in our PDF/A-3b.
 * The library checks structure only: amounts and VAT are ours (e-invoice-ubl.ts).
 */
import { FormatFactoryService, invoiceSchema, ValidationService, type Invoice, type Logger } from '@e-invoice-eu/core';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';

import type { InvoiceDocumentData } from '../domain/invoice';
import { toUblInvoice } from './e-invoice-ubl';
import { fixFacturXDates } from './factur-x-dates';

/** @e-invoice-eu/core format names. */
export const E_INVOICE_FORMATS = { xrechnungCii: 'XRECHNUNG-CII', facturX: 'Factur-X-EN16931' } as const;

/** Thrown when the library rejects the invoice data (its JSON schema); carries its messages. */
export class EInvoiceGenerationError extends Error {
  override readonly name = 'EInvoiceGenerationError';
  constructor(
    message: string,
    readonly details: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Collects the library's messages instead of printing them; they go into the error. */
class CollectingLogger implements Logger {
  readonly messages: string[] = [];
  log(message: string): void {
    this.messages.push(message);
  }
  warn(message: string): void {
    this.messages.push(message);
  }
  error(message: string): void {
    this.messages.push(message);
  }
}

const formats = new FormatFactoryService();
const validators = new Map<string, ValidateFunction<Invoice>>();

/**
 * The library's JSON-schema check of the input, compiled once per format. InvoiceService.generate
 * compiles the schema on every call (~160 ms of its ~190 ms here); this does the same steps
 * (validate with defaults, fill defaults, generate) with the compiled validator kept.
 */
function validatorFor(format: string): ValidateFunction<Invoice> {
  let validator = validators.get(format);
  if (!validator) {
    const schema = structuredClone(invoiceSchema);
    formats.createFormatService(format, new CollectingLogger()).patchSchema(schema);
    validator = new Ajv2019({ strict: true, allErrors: true, useDefaults: true }).compile(schema);
    validators.set(format, validator);
  }
  return validator;
}

async function generate(data: InvoiceDocumentData, format: string, pdf?: Buffer): Promise<string | Uint8Array> {
  const logger = new CollectingLogger();
  const ubl = toUblInvoice(data, { requireBuyerEndpoint: format === E_INVOICE_FORMATS.xrechnungCii });
  try {
    const formatter = formats.createFormatService(format, logger);
    // useDefaults writes into the data it checks: hand it a copy.
    const invoice = new ValidationService(logger).validate('invoice data', validatorFor(format), structuredClone(ubl));
    formatter.fillInvoiceDefaults(invoice);
    return await formatter.generate(invoice, {
      format: formats.normalizeFormat(format),
      lang: data.locale,
      noWarnings: true,
      ...(pdf ? { pdf: { buffer: pdf, filename: `${data.number}.pdf`, mimetype: 'application/pdf' } } : {}),
    });
  } catch (error) {
    throw new EInvoiceGenerationError(`Invoice ${data.number}: ${format} generation failed: ${(error as Error).message}`, logger.messages, {
      cause: error,
    });
  }
}

/**
 * The invoice as XRechnung 3.0 CII XML (specification identifier
 * `urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0`). Needs e-mail
 * addresses of issuer and customer (BT-34, BT-49). Deterministic.
 */
export async function renderXRechnungCii(data: InvoiceDocumentData): Promise<string> {
  const xml = await generate(data, E_INVOICE_FORMATS.xrechnungCii);
  if (typeof xml !== 'string') throw new EInvoiceGenerationError(`Invoice ${data.number}: expected XML from ${E_INVOICE_FORMATS.xrechnungCii}`, []);
  return xml;
}

/**
 * The invoice as Factur-X / ZUGFeRD (profile EN 16931): `pdf` (our rendered PDF/A-3b) with the CII
 * XML attached as `factur-x.xml` and PDF/A-3B + Factur-X XMP metadata. Deterministic: the dates
 * the library stamps with the current time are replaced by the issue date.
 */
export async function renderFacturX(data: InvoiceDocumentData, pdf: Buffer): Promise<Buffer> {
  const output = await generate(data, E_INVOICE_FORMATS.facturX, pdf);
  if (typeof output === 'string') throw new EInvoiceGenerationError(`Invoice ${data.number}: expected a PDF from ${E_INVOICE_FORMATS.facturX}`, []);
  return fixFacturXDates(output, data.issuedOn);
}
