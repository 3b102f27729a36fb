/**
 * Document rendering throughput on one core (Node runs the renderers on one thread), next to a
 * baseline measured in the same run: a one-page PDF/A-3b with the same embedded font and a single
 * line of text. The ratio says what the invoice layout and the e-invoice libraries cost on top of
 * "pdfkit + font embedding", independent of the machine's speed.
 *
 *   npm run bench -- P6 [--seconds S (per measurement, default 3)]
 *   npx tsc -p bench/documents.tsconfig.json && node dist/bench/documents.js [--seconds S]
 */

import { loadavg } from 'node:os';

import type { InvoiceDocumentData } from '../src/domain/invoice';
import { renderFacturX, renderXRechnungCii } from '../src/documents/e-invoice';
import { renderInvoicePdf } from '../src/documents/invoice-pdf';
import { createPdfDocument, mm, PDF_FONTS, pdfToBuffer } from '../src/documents/pdf-document';
import { INVOICES } from '../test/documents/fixtures';
import { machineLine, parseBenchArgs, printTable, ratio } from './report';

// `node dist/bench/documents.js 2` (src/documents/README.md) still means 2 s per row.
const ARGV = process.argv.slice(2).map((arg, i) => (i === 0 && /^\d+(\.\d+)?$/.test(arg) ? `--seconds=${arg}` : arg));
const SECONDS = parseBenchArgs(ARGV, 'npm run bench -- P6').seconds ?? 3;
const LOAD_AT_START = loadavg();
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
  const invoices = Object.values(INVOICES);
  const pick = (iteration: number): InvoiceDocumentData => invoices[iteration % invoices.length] as InvoiceDocumentData;
  const pdfs = await Promise.all(invoices.map((data) => renderInvoicePdf(data)));

  const baseline = await measure('1-page PDF/A-3b, same font, one line', () => baselinePdf());
  const results = [
    baseline,
    await measure('invoice PDF (renderInvoicePdf)', (i) => renderInvoicePdf(pick(i))),
    await measure('XRechnung CII (renderXRechnungCii)', (i) => renderXRechnungCii(pick(i))),
    await measure('Factur-X from our PDF (renderFacturX)', (i) => renderFacturX(pick(i), pdfs[i % pdfs.length] as Buffer)),
    await measure('invoice PDF + Factur-X (e-mail delivery)', async (i) => renderFacturX(pick(i), await renderInvoicePdf(pick(i)))),
  ];

  const perSecond = (m: Measurement): number => m.iterations / m.seconds;
  const ms = (m: Measurement): string => ((m.seconds / m.iterations) * 1000).toFixed(1);
  const rows = results.slice(1).map((m) => [`${m.name}: per s (ms each)`, `${perSecond(m).toFixed(1)} (${ms(m)} ms)`, `${perSecond(baseline).toFixed(1)} (${ms(baseline)} ms)`, ratio(perSecond(m), perSecond(baseline))]);
  printTable(`P6 document rendering on one core (Node runs the renderers on one thread), ${SECONDS} s per row`, ['metric', 'figure', 'baseline', 'ratio'], rows, [
    `Baseline: ${baseline.name} (${baseline.iterations} in ${baseline.seconds.toFixed(1)} s). Ratio: figure ÷ baseline rate (below 1 = slower). Per core: the process renders on one thread.`,
    machineLine(LOAD_AT_START),
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
