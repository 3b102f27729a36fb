/**
 * Bank statements, ISO 20022 camt.053 (BkToCstmrStmt), versions .001.02 and .001.08, read with
 * fast-xml-parser. The root's namespace tells the version. Pure: no I/O, no clock.
 * Every problem is a {@link Camt053Error}: MALFORMED_STATEMENT (not XML, or a mandatory part
 * missing; the message names the element) or UNSUPPORTED_VERSION.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { parseEntry } from './camt053-entry';
import { Camt053Error } from './camt053-error';
import type { Camt053AccountStatement, Camt053Statement, Camt053Version } from './camt053-types';
import { decodeXmlText } from './camt053-values';
import { ATTRIBUTE_PREFIX, TEXT_KEY, XmlElement } from './xml-element';

export type * from './camt053-types';
export { Camt053Error, type Camt053ErrorCode } from './camt053-error';

const NAMESPACE_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:camt.053.';
export const CAMT053_VERSIONS: readonly Camt053Version[] = ['001.02', '001.08'];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
// Elements that may repeat where we read them: always arrays, even when there is one.
const REPEATED = new Set(['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd', 'RfrdDocInf']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  textNodeName: TEXT_KEY,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Everything stays a string: amounts are parsed exactly in camt053-values.ts, never as floats.
  parseTagValue: false,
  parseAttributeValue: false,
  // No DOCTYPE entities (nothing to expand); the five XML entities and &#…; are decoded here.
  processEntities: false,
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
  isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && REPEATED.has(name),
  // The callbacks need no path string: building one per element costs about a tenth of the parse.
  jPath: false,
});

function textOf(input: string | Buffer): string {
  if (typeof input === 'string') return input.startsWith('\uFEFF') ? input.slice(1) : input;
  if (ZIP_SIGNATURE.every((byte, index) => input[index] === byte)) {
    throw new Camt053Error('MALFORMED_STATEMENT', 'This is a ZIP archive, not a camt.053 XML document: read it with parseCamt053Archive');
  }
  try {
    // ISO 20022 messages are UTF-8; the decoder drops a BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new Camt053Error('MALFORMED_STATEMENT', 'The statement is not UTF-8 text');
  }
}

/** The root element's local name and namespace, read from its start tag (the parser drops xmlns). */
function rootElement(xml: string): { name: string; namespace: string | undefined } {
  let at = xml.indexOf('<');
  // Skip the declaration, processing instructions, comments and a DOCTYPE before the root.
  while (at >= 0 && (xml.startsWith('<?', at) || xml.startsWith('<!', at))) {
    const end = xml.startsWith('<!--', at) ? xml.indexOf('-->', at) + 3 : xml.indexOf('>', at) + 1;
    at = end > 0 ? xml.indexOf('<', end) : -1;
  }
  const tag = /<(?:([\w.-]+):)?([\w.-]+)([^>]*)>/y;
  tag.lastIndex = Math.max(at, 0);
  const match = at >= 0 ? tag.exec(xml) : null;
  if (match === null) throw new Camt053Error('MALFORMED_STATEMENT', 'The statement has no root element');
  const [, prefix, name = '', attributes = ''] = match;
  const declarations = new Map<string, string>();
  for (const [, declared, , uri] of attributes.matchAll(/\sxmlns(?::([\w.-]+))?\s*=\s*(["'])(.*?)\2/g)) declarations.set(declared ?? '', uri ?? '');
  return { name, namespace: declarations.get(prefix ?? '') };
}

function versionOf(xml: string): Camt053Version {
  const root = rootElement(xml);
  if (root.name !== 'Document') throw new Camt053Error('MALFORMED_STATEMENT', `The root element is <${root.name}>, not an ISO 20022 <Document>`, root.name);
  const namespace = root.namespace ?? '(none)';
  if (!namespace.startsWith(NAMESPACE_PREFIX)) {
    throw new Camt053Error('UNSUPPORTED_VERSION', `Not a camt.053 bank statement: the Document namespace is ${namespace}`, 'Document');
  }
  const version = namespace.slice(NAMESPACE_PREFIX.length);
  const supported = CAMT053_VERSIONS.find((candidate) => candidate === version);
  if (supported === undefined) {
    throw new Camt053Error('UNSUPPORTED_VERSION', `camt.053.${version} is not supported; send camt.053.001.08 or camt.053.001.02`, 'Document');
  }
  return supported;
}

function parseStatement(statement: XmlElement, version: Camt053Version): Camt053AccountStatement {
  const id = statement.requiredText('Id');
  // German and Austrian accounts are IBAN accounts; Acct/Id/Othr cannot be matched to ours.
  const accountIban = statement.requiredText('Acct', 'Id', 'IBAN');
  const entries = statement.children('Ntry').map((entry, index) => parseEntry(entry, { version, statementId: id, position: index + 1, accountIban }));
  return { id, accountIban, createdAt: statement.text('CreDtTm'), entries };
}

/**
 * Reads one camt.053 message (.001.02 or .001.08; a Buffer must be UTF-8). Amounts are exact
 * whole cents. Throws {@link Camt053Error}; a ZIP of statements goes to `parseCamt053Archive`.
 */
export function parseCamt053(xml: string | Buffer): Camt053Statement {
  const text = textOf(xml);
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) {
    const { msg, line, col } = wellFormed.err;
    throw new Camt053Error('MALFORMED_STATEMENT', `The statement is not well-formed XML (line ${line}, column ${col}): ${msg}`);
  }
  const version = versionOf(text);
  const parsed: unknown = parser.parse(text);
  const document = new XmlElement(typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}, '');
  const message = document.requiredChild('Document').requiredChild('BkToCstmrStmt');
  return {
    version,
    messageId: message.requiredText('GrpHdr', 'MsgId'),
    statements: message.children('Stmt').map((statement) => parseStatement(statement, version)),
  };
}
