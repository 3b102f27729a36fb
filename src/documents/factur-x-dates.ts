/**
 * @e-invoice-eu/core stamps a Factur-X PDF with the current time (Info dates, XMP dates, the
 * attachment's dates). An invoice must render to the same bytes every time (it is re-rendered
 * from stored data years later), so this replaces every one of them with the issue date.
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFStream, PDFString } from '@cantoo/pdf-lib';

import { parseLocalDate, type LocalDate } from '../domain/calendar';

// What the library writes into the XMP: `2027-02-01T10:11:12+01:00` (local offset of the machine).
const XMP_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}/g;

function fixXmp(doc: PDFDocument, timestamp: string): void {
  const ref = doc.catalog.get(PDFName.of('Metadata'));
  const stream = ref ? doc.context.lookup(ref) : undefined;
  if (!(stream instanceof PDFRawStream) || stream.dict.has(PDFName.of('Filter'))) {
    throw new Error('Factur-X output has no uncompressed XMP metadata stream');
  }
  // latin1 keeps every byte as it is (the packet holds UTF-8 text and a BOM); timestamps are ASCII.
  const xmp = Buffer.from(stream.getContents()).toString('latin1').replace(XMP_TIMESTAMP, timestamp);
  doc.context.assign(ref as Parameters<typeof doc.context.assign>[0], PDFRawStream.of(stream.dict, Buffer.from(xmp, 'latin1')));
}

function fixAttachmentDates(doc: PDFDocument, date: Date): void {
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const embedded = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  const entries = embedded?.lookupMaybe(PDFName.of('Names'), PDFArray);
  if (!entries) throw new Error('Factur-X output has no embedded files');
  for (let index = 1; index < entries.size(); index += 2) {
    const fileSpec = entries.lookup(index, PDFDict);
    const file = fileSpec.lookup(PDFName.of('EF'), PDFDict).lookup(PDFName.of('F'), PDFStream);
    const params = file.dict.lookupMaybe(PDFName.of('Params'), PDFDict);
    params?.set(PDFName.of('CreationDate'), PDFString.fromDate(date));
    params?.set(PDFName.of('ModDate'), PDFString.fromDate(date));
  }
}

/** Sets every date the library stamped to `issuedOn` 00:00 UTC; returns the re-saved PDF. */
export async function fixFacturXDates(pdf: Uint8Array, issuedOn: LocalDate): Promise<Buffer> {
  const { year, month, day } = parseLocalDate(issuedOn);
  const date = new Date(Date.UTC(year, month - 1, day));
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  fixXmp(doc, `${issuedOn}T00:00:00+00:00`);
  fixAttachmentDates(doc, date);
  return Buffer.from(await doc.save());
}
