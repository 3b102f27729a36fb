/**
 * A tiny element builder. Text goes in through text nodes only, never innerHTML, so nothing
 * the API returns (names, subjects, problem details) can inject markup.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((event: Event) => void)>;

/** Creates `<tag>` with attributes (`on…` keys become listeners, `true` an empty attribute) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let serial = 0;
/** A document-unique id for `for`/`aria-labelledby` pairs. */
export function uid(prefix: string): string {
  serial += 1;
  return `${prefix}-${serial}`;
}

/** The element with `id`, typed; throws when the page shell lacks it (a bug, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** A labelled form field: `<label for>` + control, with an optional hint tied by aria-describedby. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  control.id ||= uid('field');
  const hintElement = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintElement);
}

/** A checkbox with its label after it (the usual reading order for consent boxes). */
export function checkbox(label: string, attrs: Attrs = {}): { row: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox', id: uid('check'), ...attrs });
  return { row: h('div', { class: 'field field-check' }, input, h('label', { for: input.id }, label)), input };
}

/** A definition list of label/value pairs (contract and customer facts). */
export function facts(rows: ReadonlyArray<readonly [string, Child]>): HTMLElement {
  return h('dl', { class: 'facts' }, rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

/** A page section: `<section>` named by its `<h2>` (focusable, so a flow can move focus to it). */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { id, class: 'card', 'aria-labelledby': `${id}-heading` }, h('h2', { id: `${id}-heading`, tabindex: -1 }, title), ...children);
}

/** Text only screen readers read (e.g. which invoice a "PDF" button is for). */
export function srOnly(text: string): HTMLElement {
  return h('span', { class: 'visually-hidden' }, text);
}
