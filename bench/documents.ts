/**
 * Document rendering throughput on one core (Node runs the renderers on one thread), next to a
 * baseline measured in the same run: a one-page PDF/A-3b with the same embedded font and a single
 * line of text. The ratio says what the invoice layout and the e-invoice libraries cost on top of
 * "pdfkit + font embedding", independent of the machine's speed.
 *
 *   npx tsc -p bench/documents.tsconfig.json && node dist/bench/documents.js
 *   node dist/bench/documents.js 2    (seconds per measurement, default 3)
 */
import { cpus } from 'node:os';

import type { InvoiceDocumentData } from '../src/domain/invoice';
import { renderFacturX, renderXRechnungCii } from '../src/documents/e-invoice';
import { renderInvoicePdf } from '../src/documents/invoice-pdf';
import { createPdfDocument, mm, PDF_FONTS, pdfToBuffer } from '../src/documents/pdf-document';
import { INVOICES } from '../test/documents/fixtures';

const SECONDS = Number(process.argv[2] ?? '3');
const MIN_ITERATIONS = 5;
const WARMUP = 3;

interface Measurement {
  readonly name: string;
  readonly iterations: number;
  readonly seconds: number;
}

async function measure(name: string, operation: (iteration: number) => Promise<unknown>): Promise<Measurement> {
  for (let i = 0; i < WARMUP; i++) await operation(i);
  const started = process.hrtime.bigint();
  let iterations = 0;
  let elapsed = 0;
  while (iterations < MIN_ITERATIONS || elapsed < SECONDS) {
    await operation(iterations);
    iterations++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  }
  return { name, iterations, seconds: elapsed };
}

/** The baseline: what any PDF/A-3b with our font costs (document, font subset, XMP, ICC profile). */
async function baselinePdf(): Promise<Buffer> {
  const doc = createPdfDocument({ title: 'Baseline', lang: 'de-DE', createdOn: '2027-01-01' });
  doc.font(PDF_FONTS.regular).fontSize(10).text('Rechnung 2027-000001 über 82,11 €', mm(25), mm(100));
  return pdfToBuffer(doc);
}

async function main(): Promise<void> {
  if (!(SECONDS > 0)) throw new Error(`Usage: node dist/bench/documents.js [seconds per measurement > 0], got ${process.argv[2]}`);
  const invoices = Object.values(INVOICES);
  const pick = (iteration: number): InvoiceDocumentData => invoices[iteration % invoices.length] as InvoiceDocumentData;
  const pdfs = await Promise.all(invoices.map((data) => renderInvoicePdf(data)));

  const baseline = await measure('baseline: 1-page PDF/A-3b, same font, one line', () => baselinePdf());
  const results = [
    baseline,
    await measure('invoice PDF (renderInvoicePdf)', (i) => renderInvoicePdf(pick(i))),
    await measure('XRechnung CII (renderXRechnungCii)', (i) => renderXRechnungCii(pick(i))),
    await measure('Factur-X from our PDF (renderFacturX)', (i) => renderFacturX(pick(i), pdfs[i % pdfs.length] as Buffer)),
    await measure('invoice PDF + Factur-X (e-mail delivery)', async (i) => renderFacturX(pick(i), await renderInvoicePdf(pick(i)))),
  ];

  const perSecond = (m: Measurement): number => m.iterations / m.seconds;
  const baselineRate = perSecond(baseline);
  const rows = results.map((m) => [
    m.name,
    String(m.iterations),
    perSecond(m).toFixed(1),
    ((m.seconds / m.iterations) * 1000).toFixed(1),
    (baselineRate / perSecond(m)).toFixed(1),
  ]);
  const header = ['operation (one core)', 'n', 'per s', 'ms each', '× baseline time'];
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: string[]): string => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Document rendering, ${process.version}, ${cpu} (${cpus().length} cores; figures are for one), ${SECONDS} s per row`);
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(format(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
