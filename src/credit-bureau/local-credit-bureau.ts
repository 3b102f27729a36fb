/**
 * The local credit bureau, the default: each report is one file `<dropDir>/<reportId>.json`
 * (format version 1), written once; the same report again finds it and writes nothing.
 */
import path from 'node:path';
import { z } from 'zod';
import { isLocalDate } from '../domain/calendar';
import { holdsJson, writeOnce } from '../drop-folder/write-once';
import type { CreditBureau, CreditReport } from './credit-bureau';
import { CreditBureauRejectedError, CreditBureauTransientError } from './credit-bureau';

const LocalDateSchema = z.string().refine(isLocalDate, 'must be a date YYYY-MM-DD');
const Text = z.string().trim().min(1).max(200);

/** A report the bureau accepts; the id names a file, so letters, digits, `-` and `_` only. */
const CreditReportSchema = z.strictObject({
  reportId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'letters, digits, - and _ only'),
  debtor: z.strictObject({
    name: Text,
    birthName: Text.nullable(),
    dateOfBirth: LocalDateSchema.nullable(),
    address: z.strictObject({ line1: Text, line2: Text.nullable(), postalCode: z.string().min(1).max(20), city: Text, country: z.string().regex(/^[A-Z]{2}$/) }),
  }),
  claim: z.strictObject({
    invoiceNumber: z.string().regex(/^\d{4}-\d{6}$/),
    amount: z.strictObject({ amount: z.number().int().min(1), currency: z.literal('EUR') }),
    dueOn: LocalDateSchema,
  }),
  decidedOn: LocalDateSchema,
});

export interface LocalCreditBureauOptions {
  dropDir: string;
}

export class LocalCreditBureau implements CreditBureau {
  readonly name = 'local';

  constructor(private readonly options: LocalCreditBureauOptions) {}

  /** The file of a report. */
  reportFile(reportId: string): string {
    return path.join(this.options.dropDir, `${reportId}.json`);
  }

  async report(report: CreditReport): Promise<{ bureauReference: string }> {
    const parsed = CreditReportSchema.safeParse(report);
    if (!parsed.success) {
      throw new CreditBureauRejectedError(`local credit bureau: report ${String(report.reportId)} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const document = { formatVersion: 1, ...report };
    let outcome;
    try {
      outcome = await writeOnce(this.reportFile(report.reportId), `${JSON.stringify(document, null, 2)}\n`, (existing) => holdsJson(existing, document));
    } catch (error) {
      throw new CreditBureauTransientError(`local credit bureau: cannot write report ${report.reportId}: ${(error as Error).message}`, { cause: error });
    }
    if (outcome === 'different') throw new CreditBureauRejectedError(`local credit bureau: report ${report.reportId} was made before with other content`);
    return { bureauReference: `local-${report.reportId}` };
  }
}
