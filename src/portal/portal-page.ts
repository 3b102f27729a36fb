/**
 * The portal's HTML shell, rendered once in German from the client's message table. The browser
 * code (`/portal/portal.js`, compiled from ./client) fills in the rest and switches the language
 * of every `data-i18n` element. No inline script or style, so a strict CSP can apply.
 */
import type { MessageKey } from './client/i18n';
import { translate } from './client/i18n';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** `<tag attributes data-i18n="key">German text</tag>`: the client re-translates it by the key. */
const el = (tag: string, key: MessageKey, attributes = '') => `<${tag}${attributes ? ` ${attributes}` : ''} data-i18n="${key}">${escapeHtml(translate('de', key))}</${tag}>`;

/** The page at `/portal`. */
export const PORTAL_PAGE = `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${el('title', 'app.documentTitle')}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/portal/portal.css">
<script type="module" src="/portal/portal.js"></script>
</head>
<body>
${el('a', 'app.skip', 'class="skip-link" href="#main"')}
<header class="site-header">
  <div class="header-inner">
    ${el('p', 'app.brand', 'class="brand"')}
    ${el('h1', 'app.title')}
    <div class="toolbar">
      ${el('button', 'app.switchLanguage', 'type="button" id="language-switch" class="button button-secondary" lang="en"')}
      ${el('button', 'app.terminate', 'type="button" id="terminate" class="button button-terminate"')}
      ${el('button', 'app.signOut', 'type="button" id="sign-out" class="button button-secondary" hidden')}
    </div>
  </div>
</header>
<main id="main" tabindex="-1">
  <div id="portal-error" class="live-error" role="alert"></div>
  <div id="portal-status" class="live-status" role="status"></div>
  <noscript>${el('p', 'app.noscript')}</noscript>
  <section id="sign-in" class="card" aria-labelledby="sign-in-heading">
    ${el('h2', 'signIn.heading', 'id="sign-in-heading"')}
    <form id="sign-in-form" novalidate>
      <div class="field">
        ${el('label', 'signIn.token', 'for="token"')}
        <input id="token" name="token" type="password" autocomplete="off" required aria-describedby="token-hint">
        ${el('p', 'signIn.hint', 'id="token-hint" class="hint"')}
      </div>
      ${el('button', 'signIn.submit', 'type="submit" class="button button-primary"')}
    </form>
  </section>
  <div id="portal-view" hidden></div>
</main>
<footer class="site-footer">${el('p', 'app.footer')}</footer>
</body>
</html>
`;
