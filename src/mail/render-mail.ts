/**
 * Renders a {@link MailMessage} into subject, plain text and HTML. Rendering only: sending is
 * `mail-transport.ts`, so a rendered mail can be previewed, stored or tested without SMTP.
 *
 * Template files: `src/templates/mail/<template>.<locale>.hbs`, each with three sections
 * introduced by the marker lines `{{!-- @subject --}}`, `{{!-- @text --}}` and `{{!-- @html --}}`.
 * The html section is a body fragment wrapped in `_layout.html.hbs`. See docs/mail.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { buildMailViewModel, type Locale, type MailMessage, type MailTemplateName, type MailViewModel } from './mail-templates';

/** A rendered mail, ready to hand to the transport. */
export interface RenderedMail {
  /** One line, no HTML escaping (it is a header, not markup). */
  subject: string;
  /** Plain text part, verbatim values (no HTML entities), ending in a newline. */
  text: string;
  /** Complete HTML document, values HTML-escaped. */
  html: string;
}

/** Renders mails from one templates directory; compiled templates are cached per instance. */
export interface MailRenderer {
  render(message: MailMessage, locale: Locale): RenderedMail;
}

const SECTIONS = ['subject', 'text', 'html'] as const;
type Section = (typeof SECTIONS)[number];

// A marker line, e.g. `{{!-- @subject --}}`; the newline after it belongs to the marker.
const SECTION_MARKER = /^[ \t]*\{\{!--\s*@(\w+)\s*--\}\}[ \t]*(?:\r?\n|$)/gm;
const HANDLEBARS_COMMENT = /\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g;
const LAYOUT_FILE = '_layout.html.hbs';

// strict: a misspelt field throws instead of rendering an empty string into a customer's mail.
// knownHelpersOnly: only built-ins like #if; formatting belongs in the view model, not in helpers.
const COMPILE_OPTIONS = { strict: true, knownHelpersOnly: true } as const;

// Separate instances: HTML keeps Handlebars' escaping; subject and text must not escape, or
// "Müller & Söhne" would arrive as "Müller &amp; Söhne". Own instances also keep helpers or
// partials registered elsewhere on the global Handlebars out of mail rendering.
const htmlHandlebars = Handlebars.create();
const plainHandlebars = Handlebars.create();

type CompiledTemplate = Record<Section, Handlebars.TemplateDelegate<MailViewModel>>;
type CompiledLayout = Handlebars.TemplateDelegate<{ locale: Locale; subject: string; body: string }>;

/**
 * Finds `src/templates/mail` by walking up from `fromDir` to the repository root.
 * tsc does not copy `.hbs` files to `dist/`, so code running from `dist/src/mail` and from
 * `src/mail` must both read the sources. The root is the first ancestor with a package.json
 * *and* the templates folder (a package.json emitted into dist/ must not stop the walk).
 */
export function resolveMailTemplatesDir(fromDir: string = __dirname): string {
  let dir = path.resolve(fromDir);
  for (;;) {
    const candidate = path.join(dir, 'src', 'templates', 'mail');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No src/templates/mail found above ${fromDir}`);
    dir = parent;
  }
}

/** Creates a renderer reading templates from `templatesDir` (default: the repository's templates). */
export function createMailRenderer(options: { templatesDir?: string } = {}): MailRenderer {
  const templatesDir = options.templatesDir ?? resolveMailTemplatesDir();
  const cache = new Map<string, CompiledTemplate>();
  let layout: CompiledLayout | undefined;

  const getTemplate = (template: MailTemplateName, locale: Locale): CompiledTemplate => {
    const key = `${template}.${locale}`;
    let compiled = cache.get(key);
    if (!compiled) {
      compiled = compileMailTemplate(path.join(templatesDir, `${key}.hbs`));
      cache.set(key, compiled);
    }
    return compiled;
  };
  const getLayout = (): CompiledLayout => {
    layout ??= compileChecked(htmlHandlebars, readTemplateFile(path.join(templatesDir, LAYOUT_FILE)), LAYOUT_FILE);
    return layout;
  };

  return {
    render(message, locale) {
      const compiled = getTemplate(message.template, locale);
      const view = buildMailViewModel(message, locale);
      const subject = compiled.subject(view).replace(/\s+/g, ' ').trim();
      if (subject === '') throw new Error(`Template ${message.template}.${locale} rendered an empty subject`);
      const text = normalizeText(compiled.text(view));
      const html = getLayout()({ locale, subject, body: compiled.html(view).trim() });
      return { subject, text, html };
    },
  };
}

let defaultRenderer: MailRenderer | undefined;

/**
 * Renders a message in a locale with the repository's templates (compiled once, then cached).
 * Throws `InvalidMailContextError` for a context value that cannot be formatted (its subclass
 * `InvalidMailDateError` for a malformed date), and a plain Error for a missing or broken
 * template file.
 */
export function renderMail(message: MailMessage, locale: Locale): RenderedMail {
  defaultRenderer ??= createMailRenderer();
  return defaultRenderer.render(message, locale);
}

function compileMailTemplate(file: string): CompiledTemplate {
  const name = path.basename(file);
  const sections = splitSections(readTemplateFile(file), name);
  return {
    subject: compileChecked(plainHandlebars, sections.subject, `${name} @subject`),
    text: compileChecked(plainHandlebars, sections.text, `${name} @text`),
    html: compileChecked(htmlHandlebars, sections.html, `${name} @html`),
  };
}

function splitSections(source: string, name: string): Record<Section, string> {
  // split() with a capture group yields [preamble, name1, body1, name2, body2, ...].
  const [preamble = '', ...rest] = source.split(SECTION_MARKER);
  if (preamble.replace(HANDLEBARS_COMMENT, '').trim() !== '') {
    throw new Error(`${name}: only Handlebars comments may precede {{!-- @subject --}}`);
  }
  const names = rest.filter((_, i) => i % 2 === 0);
  if (names.join() !== SECTIONS.join()) {
    throw new Error(`${name}: expected sections @subject, @text, @html in this order, found ${names.map((n) => `@${n}`).join(', ') || 'none'}`);
  }
  return { subject: rest[1] ?? '', text: rest[3] ?? '', html: rest[5] ?? '' };
}

function compileChecked<T>(instance: typeof Handlebars, source: string, label: string): Handlebars.TemplateDelegate<T> {
  try {
    // compile() is lazy; precompile() parses now, so syntax errors and unknown helpers surface at load.
    instance.precompile(source, COMPILE_OPTIONS);
  } catch (error) {
    throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return instance.compile<T>(source, { ...COMPILE_OPTIONS, noEscape: instance === plainHandlebars });
}

function readTemplateFile(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
}

// Templates stay readable (conditional blocks on their own lines); the text part gets tidy:
// no trailing blanks, at most one empty line in a row, exactly one final newline.
function normalizeText(text: string): string {
  return `${text.replace(/\r\n/g, '\n').replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
