/**
 * A guard before rendering: the amounts of an InvoiceDocumentData must add up. It computes no
 * VAT (that is billing-run's job, once); it only refuses data whose parts contradict each other,
 * so a bug upstream never becomes a tax document (PDF or e-invoice) with wrong sums.
 */
import type { InvoiceDocumentData } from '../domain/invoice';
import { InvalidDocumentDataError } from './document-format';

/**
 * Throws {@link InvalidDocumentDataError} unless: every amount is integer cents; each VAT group's
 * net is the sum of its lines' nets (and every line has a group); net and VAT are the sums of the
 * groups; gross = net + VAT; reverse charge means only category AE at 0 % and a customer VAT ID.
 */
export function checkInvoiceTotals(data: InvoiceDocumentData): void {
  const fail = (message: string): never => {
    throw new InvalidDocumentDataError(`Invoice ${data.number}: ${message}`);
  };
  const cents = [data.netCents, data.vatCents, data.grossCents, ...data.lines.map((l) => l.netCents), ...data.vatGroups.flatMap((g) => [g.netCents, g.vatCents])];
  if (!cents.every(Number.isSafeInteger)) fail('amounts must be integer cents');
  if (data.lines.length === 0) fail('an invoice needs at least one line');

  const rates = new Set(data.vatGroups.map((g) => g.ratePercent));
  if (rates.size !== data.vatGroups.length) fail('one VAT group per rate');
  for (const line of data.lines) {
    if (!rates.has(line.vatRatePercent)) fail(`no VAT group for the line rate ${line.vatRatePercent} %`);
  }
  for (const group of data.vatGroups) {
    const linesNet = data.lines.filter((l) => l.vatRatePercent === group.ratePercent).reduce((sum, l) => sum + l.netCents, 0);
    if (linesNet !== group.netCents) fail(`VAT group ${group.ratePercent} %: net ${group.netCents} ≠ sum of its lines ${linesNet}`);
  }
  const groupsNet = data.vatGroups.reduce((sum, g) => sum + g.netCents, 0);
  const groupsVat = data.vatGroups.reduce((sum, g) => sum + g.vatCents, 0);
  if (groupsNet !== data.netCents) fail(`net ${data.netCents} ≠ sum of the VAT groups ${groupsNet}`);
  if (groupsVat !== data.vatCents) fail(`VAT ${data.vatCents} ≠ sum of the VAT groups ${groupsVat}`);
  if (data.netCents + data.vatCents !== data.grossCents) fail(`gross ${data.grossCents} ≠ net ${data.netCents} + VAT ${data.vatCents}`);

  if (data.reverseCharge) {
    if (!data.vatGroups.every((g) => g.category === 'AE' && g.ratePercent === 0 && g.vatCents === 0)) fail('reverse charge needs VAT category AE at 0 %');
    if (!data.customer.vatId) fail("reverse charge needs the customer's VAT ID");
  } else if (data.vatGroups.some((g) => g.category === 'AE')) {
    fail('VAT category AE only under reverse charge');
  }
}
