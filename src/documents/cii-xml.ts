/**
 * Read access to a UN/CEFACT Cross Industry Invoice (CII) by simple paths of qualified names,
 * e.g. `rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference`
 * or `.../ram:SpecifiedTaxRegistration/ram:ID/@schemeID`. Enough for rule checks (br-de-rules.ts)
 * without an XPath engine.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';

export const CII_NAMESPACES: Readonly<Record<string, string>> = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
};

/** Thrown for XML that does not parse or is no CII invoice. */
export class CiiXmlError extends Error {
  override readonly name = 'CiiXmlError';
}

const ELEMENT_NODE = 1;

function step(qualified: string): { namespace: string; localName: string } {
  const [prefix, localName] = qualified.split(':');
  const namespace = prefix === undefined ? undefined : CII_NAMESPACES[prefix];
  if (namespace === undefined || localName === undefined) throw new CiiXmlError(`Unknown step ${JSON.stringify(qualified)}`);
  return { namespace, localName };
}

function childElements(parent: Element, qualified: string): Element[] {
  const { namespace, localName } = step(qualified);
  const found: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE) {
      const element = node as Element;
      if (element.namespaceURI === namespace && element.localName === localName) found.push(element);
    }
  }
  return found;
}

/** A parsed CII invoice. */
export class CiiXml {
  private constructor(readonly root: Element) {}

  /** Parses `xml`; throws {@link CiiXmlError} unless it is well-formed with a rsm:CrossIndustryInvoice root. */
  static parse(xml: string): CiiXml {
    let document;
    try {
      // xmldom turns anything onError throws into a ParseError that stops parsing.
      document = new DOMParser({
        locator: false,
        onError: (level, message) => {
          if (level !== 'warning') throw new Error(message);
        },
      }).parseFromString(xml, 'application/xml');
    } catch (error) {
      throw new CiiXmlError(`Invalid XML: ${(error as Error).message}`, { cause: error });
    }
    const root = document.documentElement;
    if (!root || root.namespaceURI !== CII_NAMESPACES.rsm || root.localName !== 'CrossIndustryInvoice') {
      throw new CiiXmlError('Not a CII invoice (root rsm:CrossIndustryInvoice)');
    }
    return new CiiXml(root);
  }

  /** The elements at `path` below `from` (default: the root element). */
  elements(path: string, from: Element = this.root): Element[] {
    let current = [from];
    for (const part of path.split('/')) current = current.flatMap((element) => childElements(element, part));
    return current;
  }

  /** Text contents (trimmed) of the elements at `path`, or attribute values when it ends in `/@name`. */
  values(path: string, from: Element = this.root): string[] {
    const at = path.lastIndexOf('/@');
    if (at >= 0) {
      const attribute = path.slice(at + 2);
      return this.elements(path.slice(0, at), from)
        .filter((element) => element.hasAttribute(attribute))
        .map((element) => (element.getAttribute(attribute) ?? '').trim());
    }
    return this.elements(path, from).map((element) => (element.textContent ?? '').trim());
  }

  /** Whether an element exists at `path`. */
  has(path: string, from: Element = this.root): boolean {
    return this.elements(path, from).length > 0;
  }

  /** Whether a non-blank value exists at `path`. */
  hasValue(path: string, from: Element = this.root): boolean {
    return this.values(path, from).some((value) => value !== '');
  }
}
