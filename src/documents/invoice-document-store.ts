/**
 * The stored documents of an invoice (table invoice_documents): rendered once from the invoice's
 * stored document data and template version, then served as stored (API, mail, letters).
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../database/prisma-client';
import type { InvoiceDocumentData } from '../domain/invoice';
import { renderFacturX, renderXRechnungCii } from './e-invoice';
import { renderInvoicePdf } from './invoice-pdf';

/** Kinds of stored invoice documents. */
export const INVOICE_DOCUMENT_KINDS = {
  pdf: { kind: 'pdf', contentType: 'application/pdf' },
  xrechnung: { kind: 'xrechnung', contentType: 'application/xml' },
} as const;


/**
 * The invoice's stored documents; renders and stores them first if missing. Rendering is
 * deterministic, so two concurrent first calls store the same bytes (the second insert is skipped).
 */
export async function ensureInvoiceDocuments(prisma: PrismaClient, invoiceId: string): Promise<{ pdf: Buffer; xml: Buffer; data: InvoiceDocumentData }> {
  const invoice = await prisma.invoice.findUnique({ where: { id: invoiceId }, include: { documents: true } });
  if (!invoice) throw ApplicationFailure.nonRetryable(`Invoice ${invoiceId} does not exist`, 'INVOICE_MISSING');
  if (invoice.status === 'destroyed') throw ApplicationFailure.nonRetryable(`Invoice ${invoice.number} was destroyed`, 'RECORD_DESTROYED');
  const data = invoice.document as unknown as InvoiceDocumentData;
  const stored = new Map(invoice.documents.map((d) => [d.kind, Buffer.from(d.content)]));
  const storedPdf = stored.get(INVOICE_DOCUMENT_KINDS.pdf.kind);
  const storedXml = stored.get(INVOICE_DOCUMENT_KINDS.xrechnung.kind);
  if (storedPdf && storedXml) return { pdf: storedPdf, xml: storedXml, data };
  const pdf = await renderFacturX(data, await renderInvoicePdf(data));
  const xml = Buffer.from(await renderXRechnungCii(data), 'utf8');
  await prisma.invoiceDocument.createMany({
    data: [
      { invoiceId, ...INVOICE_DOCUMENT_KINDS.pdf, content: new Uint8Array(pdf), sha256: sha256(pdf) },
      { invoiceId, ...INVOICE_DOCUMENT_KINDS.xrechnung, content: new Uint8Array(xml), sha256: sha256(xml) },
    ],
    skipDuplicates: true,
  });
  return { pdf, xml, data };
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
