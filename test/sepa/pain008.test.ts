// pain.008.001.08 direct debit collections: the ISO 20022 XSD (PyPI sepaxml, xmllint) accepts
// what buildPain008 writes and rejects a broken copy; amounts to the cent, FRST/RCUR in separate
// payment blocks, mandate data, and the input checks.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { XMLParser } from 'fast-xml-parser';
import { checksumIBAN } from 'sepa';

import { buildPain008, SepaInputError, type Pain008Debit, type Pain008Input } from '../../src/sepa/pain008';
import { validatePaymentXml } from '../documents/validation-tools';

const REPO_ROOT = path.resolve(__dirname, '../..');
const CREDITOR = { name: 'Beispiel Software GmbH', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX', creditorId: 'DE98ZZZ09999999999' };

function debit(overrides: Partial<Pain008Debit> = {}): Pain008Debit {
  return {
    endToEndId: '2027-000001',
    amountCents: 3720,
    mandateReference: 'MANDATE-C1-2027',
    mandateSignedOn: '2027-01-10',
    sequenceType: 'FRST',
    debtorName: 'Erika Mustermann',
    debtorIban: 'DE02120300000000202051',
    debtorBic: 'BYLADEM1001',
    remittanceInformation: 'Rechnung 2027-000001',
    ...overrides,
  };
}

const INPUT: Pain008Input = {
  messageId: 'DD-2027-02-01-0001',
  createdAt: '2027-01-15T09:30:00.000Z',
  creditor: CREDITOR,
  collectionDate: '2027-02-01',
  debits: [
    debit(),
    debit({ endToEndId: '2027-000002', amountCents: 8211, sequenceType: 'RCUR', mandateReference: 'MANDATE-C2-2026', mandateSignedOn: '2026-03-31', debtorName: 'Max Muster', debtorIban: 'AT611904300234573201', debtorBic: null, remittanceInformation: 'Rechnung 2027-000002' }),
    debit({ endToEndId: '2027-000003', amountCents: 1, sequenceType: 'FRST', mandateReference: 'MANDATE-C3-2027' }),
    // 0.29 and 1.005-style values are where float formatting goes wrong; 999,999,999.99 is the rulebook maximum.
    debit({ endToEndId: '2027-000004', amountCents: 29, sequenceType: 'RCUR', mandateReference: 'MANDATE-C4-2026', debtorBic: undefined }),
    debit({ endToEndId: '2027-000005', amountCents: 99_999_999_999, sequenceType: 'RCUR', mandateReference: 'MANDATE-C5-2026' }),
  ],
};

interface ParsedTransaction {
  PmtId: { InstrId: string; EndToEndId: string };
  InstdAmt: { '#text': string; '@Ccy': string };
  DrctDbtTx: { MndtRltdInf: { MndtId: string; DtOfSgntr: string } };
  DbtrAgt: { FinInstnId: { BICFI?: string; Othr?: { Id: string } } };
  DbtrAcct: { Id: { IBAN: string } };
  RmtInf: { Ustrd: string };
}
interface ParsedBlock {
  PmtInfId: string;
  NbOfTxs: string;
  CtrlSum: string;
  PmtTpInf: { LclInstrm: { Cd: string }; SeqTp: string };
  ReqdColltnDt: string;
  CdtrSchmeId: { Id: { PrvtId: { Othr: { Id: string } } } };
  DrctDbtTxInf: ParsedTransaction[];
}
interface ParsedMessage {
  GrpHdr: { MsgId: string; CreDtTm: string; NbOfTxs: string; CtrlSum: string };
  PmtInf: ParsedBlock[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'PmtInf' || name === 'DrctDbtTxInf',
});
function parse(xml: string): ParsedMessage {
  return (parser.parse(xml) as { Document: { CstmrDrctDbtInitn: ParsedMessage } }).Document.CstmrDrctDbtInitn;
}

function expectCode(input: Pain008Input, code: string, field: string | null): void {
  let thrown: unknown;
  try {
    buildPain008(input);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SepaInputError);
  expect(thrown).toMatchObject({ code, field });
}

describe('buildPain008', () => {
  const xml = buildPain008(INPUT);
  const message = parse(xml);

  it('writes a pain.008.001.08 document the ISO XSD accepts', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"')).toBe(true);
    const result = validatePaymentXml(xml, 'pain.008.001.08');
    expect(result.output).toContain('validates');
    expect(result.valid).toBe(true);
  });

  it('has a test that can fail: the XSD rejects a negative amount, a missing collection date and a 36-character end-to-end id', () => {
    const broken = [
      xml.replace('<InstdAmt Ccy="EUR">37.20</InstdAmt>', '<InstdAmt Ccy="EUR">-37.20</InstdAmt>'),
      xml.replace(/<ReqdColltnDt>.*?<\/ReqdColltnDt>/, ''),
      xml.replace('<EndToEndId>2027-000001</EndToEndId>', `<EndToEndId>${'X'.repeat(36)}</EndToEndId>`),
    ];
    for (const document of broken) {
      expect(document).not.toBe(xml);
      const result = validatePaymentXml(document, 'pain.008.001.08');
      expect(result.valid).toBe(false);
      expect(result.output).toMatch(/fails to validate/);
    }
  });

  it('counts and sums to the cent: group header and each payment block', () => {
    expect(message.GrpHdr).toMatchObject({ MsgId: 'DD-2027-02-01-0001', CreDtTm: '2027-01-15T09:30:00Z', NbOfTxs: '5', CtrlSum: '1000000119.60' });
    const [first, recurring] = message.PmtInf;
    expect(first).toMatchObject({ PmtInfId: 'DD-2027-02-01-0001.FRST', NbOfTxs: '2', CtrlSum: '37.21' });
    expect(recurring).toMatchObject({ PmtInfId: 'DD-2027-02-01-0001.RCUR', NbOfTxs: '3', CtrlSum: '1000000082.39' });
    const amounts = message.PmtInf.flatMap((block) => block.DrctDbtTxInf.map((tx) => [tx.PmtId.EndToEndId, tx.InstdAmt['#text'], tx.InstdAmt['@Ccy']]));
    expect(amounts).toEqual([
      ['2027-000001', '37.20', 'EUR'],
      ['2027-000003', '0.01', 'EUR'],
      ['2027-000002', '82.11', 'EUR'],
      ['2027-000004', '0.29', 'EUR'],
      ['2027-000005', '999999999.99', 'EUR'],
    ]);
  });

  it('puts FRST and RCUR into separate CORE payment blocks, FRST first, on the collection date', () => {
    expect(message.PmtInf.map((block) => [block.PmtTpInf.SeqTp, block.PmtTpInf.LclInstrm.Cd, block.ReqdColltnDt])).toEqual([
      ['FRST', 'CORE', '2027-02-01'],
      ['RCUR', 'CORE', '2027-02-01'],
    ]);
    expect(message.PmtInf.map((block) => block.CdtrSchmeId.Id.PrvtId.Othr.Id)).toEqual(['DE98ZZZ09999999999', 'DE98ZZZ09999999999']);
  });

  it('carries mandate reference and signature date, the debtor account, BIC or NOTPROVIDED, remittance', () => {
    const transactions = message.PmtInf.flatMap((block) => block.DrctDbtTxInf);
    const atDebtor = transactions.find((tx) => tx.PmtId.EndToEndId === '2027-000002');
    expect(atDebtor).toMatchObject({
      PmtId: { InstrId: '2027-000002' },
      DrctDbtTx: { MndtRltdInf: { MndtId: 'MANDATE-C2-2026', DtOfSgntr: '2026-03-31' } },
      DbtrAgt: { FinInstnId: { Othr: { Id: 'NOTPROVIDED' } } },
      DbtrAcct: { Id: { IBAN: 'AT611904300234573201' } },
      RmtInf: { Ustrd: 'Rechnung 2027-000002' },
    });
    expect(transactions[0]).toMatchObject({ DrctDbtTx: { MndtRltdInf: { MndtId: 'MANDATE-C1-2027', DtOfSgntr: '2027-01-10' } }, DbtrAgt: { FinInstnId: { BICFI: 'BYLADEM1001' } } });
    // The creditor IBAN was given with spaces: written in electronic format.
    expect(xml).toContain('<CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct>');
  });

  // Jest sandboxes process.env, so TZ can only be changed for a child process, which compiles
  // src/ with swc on require and prints its UTC offset and the XML.
  it.each([
    ['Pacific/Kiritimati', -840], // UTC+14: the local day is already the next one
    ['Pacific/Pago_Pago', 660], // UTC-11: the local day is still the one before
  ] as const)('is deterministic: the same bytes for the same input when the process runs in %s', (zone, offset) => {
    const script = `
      const { transformSync } = require('@swc/core');
      const { readFileSync } = require('node:fs');
      require.extensions['.ts'] = (module, filename) => {
        const options = { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
        module._compile(transformSync(readFileSync(filename, 'utf8'), options).code, filename);
      };
      const { buildPain008 } = require(${JSON.stringify(path.join(REPO_ROOT, 'src/sepa/pain008.ts'))});
      console.log(JSON.stringify([new Date(Date.UTC(2027, 0, 1)).getTimezoneOffset(), buildPain008(JSON.parse(process.argv[1]))]));`;
    const output = execFileSync(process.execPath, ['-e', script, JSON.stringify(INPUT)], { cwd: REPO_ROOT, env: { ...process.env, TZ: zone }, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([offset, xml]);
    expect(buildPain008(INPUT)).toBe(xml);
  });

  it('cuts the remittance to 140 characters, never inside a character', () => {
    const remittances = (texts: string[]): string[] => {
      const cut = buildPain008({ ...INPUT, debits: texts.map((text, index) => debit({ endToEndId: `E2E-${index}`, remittanceInformation: text })) });
      expect(validatePaymentXml(cut, 'pain.008.001.08').valid).toBe(true);
      return parse(cut).PmtInf.flatMap((block) => block.DrctDbtTxInf.map((tx) => tx.RmtInf.Ustrd));
    };
    // 😀 is two UTF-16 units: the library counts those, so it fits after 138 characters, not after 139.
    expect(remittances([`${'a'.repeat(200)}`, `${'a'.repeat(138)}😀 and more`, `${'a'.repeat(139)}😀 and more`, `  Rechnung 2027-000001  `])).toEqual([
      'a'.repeat(140),
      `${'a'.repeat(138)}😀`,
      'a'.repeat(139),
      'Rechnung 2027-000001',
    ]);
  });

  it.each<[string, Partial<Pain008Input>, string, string | null]>([
    ['no debits', { debits: [] }, 'EMPTY_DEBITS', 'debits'],
    ['an IBAN with a wrong check digit', { debits: [debit({ debtorIban: 'DE03120300000000202051' })] }, 'INVALID_IBAN', 'debits[0].debtorIban'],
    ['a German IBAN one digit short', { debits: [debit({ debtorIban: 'DE0212030000000020205' })] }, 'INVALID_IBAN', 'debits[0].debtorIban'],
    ['a creditor IBAN that is no IBAN', { creditor: { ...CREDITOR, iban: 'not an iban' } }, 'INVALID_IBAN', 'creditor.iban'],
    ['a zero amount', { debits: [debit({ amountCents: 0 })] }, 'INVALID_AMOUNT', 'debits[0].amountCents'],
    ['a negative amount', { debits: [debit({ amountCents: -500 })] }, 'INVALID_AMOUNT', 'debits[0].amountCents'],
    ['a fraction of a cent', { debits: [debit({ amountCents: 12.5 })] }, 'INVALID_AMOUNT', 'debits[0].amountCents'],
    ['more than 999,999,999.99', { debits: [debit({ amountCents: 100_000_000_000 })] }, 'INVALID_AMOUNT', 'debits[0].amountCents'],
    ['a creditor id with a wrong check digit', { creditor: { ...CREDITOR, creditorId: 'DE97ZZZ09999999999' } }, 'INVALID_CREDITOR_ID', 'creditor.creditorId'],
    ['a creditor id that is an IBAN', { creditor: { ...CREDITOR, creditorId: 'DE89370400440532013000' } }, 'INVALID_CREDITOR_ID', 'creditor.creditorId'],
    ['a BIC of 9 characters', { debits: [debit({ debtorBic: 'BYLADEM10' })] }, 'INVALID_BIC', 'debits[0].debtorBic'],
    ['a debtor name over 70 characters', { debits: [debit({ debtorName: 'N'.repeat(71) })] }, 'FIELD_TOO_LONG', 'debits[0].debtorName'],
    ['an empty creditor name', { creditor: { ...CREDITOR, name: ' ' } }, 'MISSING_FIELD', 'creditor.name'],
    ['an empty remittance', { debits: [debit({ remittanceInformation: '' })] }, 'MISSING_FIELD', 'debits[0].remittanceInformation'],
    ['a message id over 30 characters (PmtInfId would outgrow 35)', { messageId: 'M'.repeat(31) }, 'FIELD_TOO_LONG', 'messageId'],
    ['a mandate reference over 35 characters', { debits: [debit({ mandateReference: 'M'.repeat(36) })] }, 'FIELD_TOO_LONG', 'debits[0].mandateReference'],
    ['an end-to-end id with an umlaut', { debits: [debit({ endToEndId: 'Rechnung-ä' })] }, 'INVALID_IDENTIFIER', 'debits[0].endToEndId'],
    ['a mandate reference with "//"', { debits: [debit({ mandateReference: 'A//B' })] }, 'INVALID_IDENTIFIER', 'debits[0].mandateReference'],
    ['two debits with one end-to-end id', { debits: [debit(), debit({ sequenceType: 'RCUR' })] }, 'DUPLICATE_END_TO_END_ID', 'debits[1].endToEndId'],
    ['a collection date that does not exist', { collectionDate: '2027-02-29' }, 'INVALID_DATE', 'collectionDate'],
    ['a mandate signed after the collection date', { debits: [debit({ mandateSignedOn: '2027-02-02' })] }, 'INVALID_DATE', 'debits[0].mandateSignedOn'],
    ['a creation time without a zone', { createdAt: '2027-01-15T09:30:00' }, 'INVALID_DATE', 'createdAt'],
    ['sequence type OOFF', { debits: [debit({ sequenceType: 'OOFF' as 'FRST' })] }, 'INVALID_SEQUENCE_TYPE', 'debits[0].sequenceType'],
    // The library's own check (BIC and IBAN countries must match), surfaced with our error type.
    ['an Austrian IBAN with a German BIC', { debits: [debit({ debtorIban: 'AT611904300234573201' })] }, 'REJECTED_BY_LIBRARY', null],
  ])('rejects %s', (_name, change, code, field) => {
    expectCode({ ...INPUT, ...change }, code, field);
  });

  it('builds 10,000 debits and prints the throughput', () => {
    const debits = Array.from({ length: 10_000 }, (_, index) =>
      debit({
        endToEndId: `2027-${String(index + 1).padStart(6, '0')}`,
        amountCents: 1 + ((index * 7919) % 500_000),
        sequenceType: index % 10 === 0 ? 'FRST' : 'RCUR',
        mandateReference: `MANDATE-${index}`,
        debtorIban: checksumIBAN(`DE0012030000${String(index).padStart(10, '0')}`),
      }),
    );
    const started = performance.now();
    const large = buildPain008({ ...INPUT, debits });
    const seconds = (performance.now() - started) / 1000;
    console.log(`pain.008: ${debits.length} debits built in ${seconds.toFixed(3)} s (${Math.round(debits.length / seconds)} debits/s, ${(large.length / 1e6).toFixed(1)} MB)`);
    const expectedCents = debits.reduce((sum, { amountCents }) => sum + amountCents, 0);
    const header = parse(large).GrpHdr;
    expect(header.NbOfTxs).toBe('10000');
    expect(header.CtrlSum).toBe(`${Math.floor(expectedCents / 100)}.${String(expectedCents % 100).padStart(2, '0')}`);
    expect(validatePaymentXml(large, 'pain.008.001.08').valid).toBe(true);
  });
});
