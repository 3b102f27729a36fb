/**
 * Invoice PDFs by template version. An invoice stores the version it was issued with
 * (InvoiceDocumentData.templateVersion) and is always rendered with that version, so a new
 * layout never changes an invoice already sent: add `invoice-v2` next to v1, never edit v1.
 */
import type { InvoiceDocumentData } from '../domain/invoice';
import { INVOICE_PDF_V1 } from './invoice-pdf.v1';

/** One versioned invoice layout. */
export interface InvoicePdfTemplate {
  readonly version: string;
  render(data: InvoiceDocumentData): Promise<Buffer>;
}

const TEMPLATES: ReadonlyMap<string, InvoicePdfTemplate> = new Map([INVOICE_PDF_V1].map((template) => [template.version, template]));

/** The version new invoices are issued with. */
export const CURRENT_INVOICE_TEMPLATE_VERSION = INVOICE_PDF_V1.version;

/** Every version that can still be rendered. */
export const INVOICE_TEMPLATE_VERSIONS: readonly string[] = [...TEMPLATES.keys()];

/** Thrown for a template version this build cannot render (data from a newer build, or a typo). */
export class UnknownTemplateVersionError extends Error {
  override readonly name = 'UnknownTemplateVersionError';
}

/**
 * Renders the invoice as PDF/A-3b with the template named by `data.templateVersion`.
 * Deterministic: the same data gives the same bytes (dates come from `issuedOn`, no random ids).
 */
export function renderInvoicePdf(data: InvoiceDocumentData): Promise<Buffer> {
  const template = TEMPLATES.get(data.templateVersion);
  if (!template) {
    return Promise.reject(
      new UnknownTemplateVersionError(`Unknown invoice template version ${JSON.stringify(data.templateVersion)} (known: ${INVOICE_TEMPLATE_VERSIONS.join(', ')})`),
    );
  }
  return template.render(data);
}
