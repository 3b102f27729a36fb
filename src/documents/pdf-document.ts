/**
 * PDF/A-3b documents with pdfkit: the one place that knows the font files, the PDF/A options and
 * how to make the output deterministic. Used by the invoice templates and the benchmark baseline.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

import PDFDocument from 'pdfkit';

import { parseLocalDate, type LocalDate } from '../domain/calendar';

// DejaVu Sans (npm dejavu-fonts-ttf, pinned): PDF/A needs every font embedded, so pdfkit's
// built-in Helvetica (never embedded) is not allowed. DejaVu covers €, –, ·, …, umlauts and ß.
const fontDir = path.join(path.dirname(createRequire(__filename).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
export const PDF_FONTS = {
  regular: path.join(fontDir, 'DejaVuSans.ttf'),
  bold: path.join(fontDir, 'DejaVuSans-Bold.ttf'),
} as const;

/** Points per millimetre (1 pt = 1/72 inch). */
export const mm = (millimetres: number): number => (millimetres * 72) / 25.4;

export interface PdfDocumentOptions {
  /** Document title (Info and XMP metadata). */
  readonly title: string;
  /** BCP 47 language tag of the content, e.g. `de-DE`. */
  readonly lang: string;
  /** Fixes CreationDate/ModDate (and so the file id): the same input renders byte-identically. */
  readonly createdOn: LocalDate;
  /** Keep pages in memory (needed to print "page x of n" after the last page exists). */
  readonly bufferPages?: boolean;
}

// pdfkit writes the title unescaped into its XMP packet; keep XML's special characters out.
const xmlSafe = (text: string): string => text.replace(/[<>&"]/g, ' ');

/**
 * A new A4 PDF/A-3b document (PDF 1.7) whose default font is the embedded DejaVu Sans.
 * Margins are 0: templates place every element themselves and break pages themselves, so
 * pdfkit never inserts a page on its own.
 */
export function createPdfDocument(options: PdfDocumentOptions): PDFKit.PDFDocument {
  const { year, month, day } = parseLocalDate(options.createdOn);
  const createdAt = new Date(Date.UTC(year, month - 1, day));
  return new PDFDocument({
    size: 'A4',
    margin: 0,
    pdfVersion: '1.7',
    subset: 'PDF/A-3b',
    font: PDF_FONTS.regular,
    lang: options.lang,
    displayTitle: true,
    bufferPages: options.bufferPages ?? false,
    info: { Title: xmlSafe(options.title), Producer: 'Vertragswerk', Creator: 'Vertragswerk', CreationDate: createdAt, ModDate: createdAt },
  });
}

/** Ends the document and collects its bytes. */
export function pdfToBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
