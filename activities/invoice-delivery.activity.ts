/**
 * Delivery of an issued invoice: its documents are rendered once from the stored document data
 * (PDF/A-3 with the ZUGFeRD XML embedded, and the XRechnung CII) and stored; then it is mailed
 * with both attached, or posted as a letter through the print partner. Both ways are idempotent
 * per key: a retried delivery finds the mail or letter of the first attempt.
 */
import type { PrismaClient } from '../src/database/prisma-client';
import { ensureInvoiceDocuments, INVOICE_DOCUMENT_KINDS } from '../src/documents/invoice-document-store';
import type { LetterDocumentRef, LetterDocumentSource, PrintPartnerActivities } from './print-partner.activity';
import type { DeliverInvoiceInput, InvoiceDeliveryActivities } from './invoice-delivery.types';
import type { MailActivities } from './mail.activity';

export type { DeliverInvoiceInput, InvoiceDeliveryActivities } from './invoice-delivery.types';

/** The letter document type of an invoice's PDF (resolved by {@link invoiceLetterDocuments}). */
export const INVOICE_PDF_DOCUMENT = 'invoice-pdf';

/** Lets the print-partner activity load an invoice's PDF by reference (so it never crosses workflow history). */
export function invoiceLetterDocuments(prisma: PrismaClient): LetterDocumentSource {
  return {
    async load(ref: LetterDocumentRef) {
      if (ref.type !== INVOICE_PDF_DOCUMENT) throw new Error(`Unknown letter document type ${ref.type}`);
      return (await ensureInvoiceDocuments(prisma, ref.id)).pdf;
    },
  };
}

export function createInvoiceDeliveryActivities(deps: { prisma: PrismaClient; mail: MailActivities; letters: PrintPartnerActivities }): InvoiceDeliveryActivities {
  const { prisma } = deps;
  return {
    async deliverInvoice(input: DeliverInvoiceInput) {
      const { pdf, xml, data } = await ensureInvoiceDocuments(prisma, input.invoiceId);
      const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: input.invoiceId }, include: { customer: true } });
      const fileBase = `Rechnung-${invoice.number}`;
      if (invoice.delivery === 'post') {
        const letter = await deps.letters.sendLetter({
          idempotencyKey: input.idempotencyKey,
          contractId: invoice.contractId,
          kind: 'invoice',
          template: 'invoice',
          invoiceId: invoice.id,
          locale: data.locale,
          fileName: `${fileBase}.pdf`,
          subject: data.locale === 'de' ? `Rechnung ${invoice.number}` : `Invoice ${invoice.number}`,
          // The address printed in the window is the one on the invoice (as on its issue date).
          recipient: {
            name: data.customer.name,
            addressLine1: data.customer.addressLine1,
            addressLine2: data.customer.addressLine2,
            postalCode: data.customer.postalCode,
            city: data.customer.city,
            country: data.customer.country,
          },
          document: { type: INVOICE_PDF_DOCUMENT, id: invoice.id },
        });
        return { channel: 'letter' as const, communicationId: letter.communicationId };
      }
      const sent = await deps.mail.sendMail({
        idempotencyKey: input.idempotencyKey,
        contractId: invoice.contractId,
        to: invoice.customer.email,
        locale: data.locale,
        kind: 'invoice',
        invoiceId: invoice.id,
        message: {
          template: 'invoice-issued',
          context: {
            customerName: data.customer.name,
            contractId: invoice.contractId,
            invoiceNumber: invoice.number,
            issuedOn: data.issuedOn,
            dueOn: data.dueOn,
            grossCents: data.grossCents,
            paymentMethod: data.payment.method,
            mandateReference: data.payment.mandateReference,
          },
        },
        attachments: [
          { filename: `${fileBase}.pdf`, contentType: INVOICE_DOCUMENT_KINDS.pdf.contentType, content: pdf },
          { filename: `${fileBase}-xrechnung.xml`, contentType: INVOICE_DOCUMENT_KINDS.xrechnung.contentType, content: xml },
        ],
      });
      return { channel: 'email' as const, communicationId: sent.communicationId };
    },
  };
}
