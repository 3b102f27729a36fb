/**
 * A read-only view of an element as fast-xml-parser returns it (text, `{ '#text', '@_attr' }`,
 * an object of children, or an array of those for repeated names), with its path, so that every
 * error can name the element: `Stmt[1]/Ntry[12]/Amt`.
 */
import { malformed } from './camt053-error';

type Node = string | { readonly [name: string]: unknown };

export const TEXT_KEY = '#text';
export const ATTRIBUTE_PREFIX = '@_';

function isNode(value: unknown): value is Node {
  return typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

export class XmlElement {
  constructor(
    private readonly node: Node,
    readonly path: string,
  ) {}

  private raw(name: string): unknown[] {
    if (typeof this.node === 'string') return [];
    const value = this.node[name];
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
  }

  /** All children called `name`, in document order. */
  children(name: string): XmlElement[] {
    const values = this.raw(name);
    return values.filter(isNode).map((value, index) => new XmlElement(value, values.length > 1 ? `${this.path}/${name}[${index + 1}]` : `${this.path}/${name}`));
  }

  /** The first child called `name`, if any. */
  child(name: string): XmlElement | undefined {
    const value = this.raw(name)[0];
    return isNode(value) ? new XmlElement(value, `${this.path}/${name}`) : undefined;
  }

  requiredChild(name: string): XmlElement {
    const found = this.child(name);
    if (found === undefined) throw malformed(`${this.path}/${name}`, 'missing');
    return found;
  }

  /** The element's own text ('' for `<X/>`), undefined if it has child elements only. */
  ownText(): string | undefined {
    if (typeof this.node === 'string') return this.node;
    const text = this.node[TEXT_KEY];
    if (typeof text === 'string') return text;
    return Object.keys(this.node).every((key) => key.startsWith(ATTRIBUTE_PREFIX)) ? '' : undefined;
  }

  /** The text of the descendant at `names` (`text('Refs', 'EndToEndId')`), if present and not blank. */
  text(...names: string[]): string | undefined {
    const text = this.descendant(names)?.ownText();
    return text === undefined || text === '' ? undefined : text;
  }

  requiredText(...names: string[]): string {
    const text = this.text(...names);
    if (text === undefined) throw malformed([this.path, ...names].join('/'), 'missing or empty');
    return text;
  }

  attribute(name: string): string | undefined {
    if (typeof this.node === 'string') return undefined;
    const value = this.node[`${ATTRIBUTE_PREFIX}${name}`];
    return typeof value === 'string' ? value : undefined;
  }

  /** The first element at the end of `names`, each the first child of that name. */
  descendant(names: readonly string[]): XmlElement | undefined {
    let element: XmlElement | undefined = this;
    for (const name of names) element = element?.child(name);
    return element;
  }
}
