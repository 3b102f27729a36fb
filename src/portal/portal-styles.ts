/**
 * The portal's stylesheet (served at /portal/portal.css). Colours keep at least 4.5:1 against
 * their background (WCAG AA); focus is a 3 px outline on everything that can take it.
 */
export const PORTAL_STYLES = `
:root { --ink: #1a1a1a; --muted: #4a5560; --page: #f4f6f8; --card: #ffffff; --line: #c9d1d9;
  --primary: #0b5cad; --primary-dark: #084582; --danger: #a4161a; --danger-dark: #7d1013;
  --notice: #e8f1fb; --notice-ink: #0b2540; --error: #fdecea; --error-ink: #8a1c12; --ok: #e7f5ec; --ok-ink: #14532d;
  --focus: #b34d00; font-family: "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: var(--page); line-height: 1.5; }
* { box-sizing: border-box; }
body { margin: 0; }
[hidden] { display: none !important; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
/* Form controls show focus however it got there (a flow moves it to the field that needs attention). */
input:focus, select:focus, textarea:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
h2[tabindex="-1"]:focus, h3[tabindex="-1"]:focus, main:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip-link { position: absolute; left: 1rem; top: -3rem; background: var(--card); color: var(--primary); padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { top: 1rem; }
.site-header { background: var(--card); border-bottom: 1px solid var(--line); }
.header-inner, main, .site-footer { max-width: 64rem; margin: 0 auto; padding: 1rem; }
.header-inner { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; }
.brand { margin: 0; font-weight: bold; color: var(--primary); }
h1 { margin: 0; font-size: 1.5rem; flex: 1; }
h2 { margin: 0 0 .75rem; font-size: 1.25rem; }
h3 { margin: 0 0 .5rem; font-size: 1.05rem; }
.toolbar, .actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.actions { margin-top: 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1.25rem; margin: 0 0 1rem; }
.sections ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0 0 1rem; }
a { color: var(--primary); }
.button { font: inherit; border-radius: .375rem; padding: .5rem 1rem; border: 2px solid transparent; cursor: pointer; }
.button-primary { background: var(--primary); color: #fff; }
.button-primary:hover { background: var(--primary-dark); }
.button-secondary { background: var(--card); color: var(--primary); border-color: var(--primary); }
.button-danger { background: var(--danger); color: #fff; }
.button-danger:hover { background: var(--danger-dark); }
.button-terminate { background: var(--card); color: var(--danger); border-color: var(--danger); font-weight: bold; }
.button-link { background: none; border: none; padding: 0; color: var(--primary); text-decoration: underline; }
.button:disabled { cursor: progress; opacity: .8; }
.field { margin: 0 0 1rem; display: flex; flex-direction: column; gap: .25rem; max-width: 28rem; }
.field-check { display: flex; flex-direction: row; gap: .5rem; align-items: flex-start; margin: .25rem 0; }
.field-check input { margin-top: .3rem; }
input[type="text"], input[type="password"], input[type="date"], select, textarea { font: inherit; padding: .4rem .5rem; border: 1px solid #6b7680; border-radius: .25rem; color: var(--ink); background: #fff; }
[aria-invalid="true"] { border: 2px solid var(--error-ink); outline-color: var(--error-ink); }
fieldset { border: 1px solid var(--line); border-radius: .375rem; margin: 0 0 1rem; padding: .5rem 1rem; }
legend { font-weight: bold; padding: 0 .25rem; }
.hint { color: var(--muted); font-size: .9rem; margin: .25rem 0; }
.facts { display: grid; grid-template-columns: minmax(10rem, max-content) 1fr; gap: .35rem 1.25rem; margin: 0 0 .5rem; }
.facts div { display: contents; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
.features { margin: 0; padding-left: 1.1rem; }
.notice { background: var(--notice); color: var(--notice-ink); border: 1px solid var(--primary); border-left-width: .4rem; border-radius: .375rem; padding: 1rem; margin: 0 0 1rem; }
.notice p { margin: 0 0 .5rem; }
.live-error:not(:empty) { background: var(--error); color: var(--error-ink); border: 1px solid var(--error-ink); border-radius: .375rem; padding: .75rem 1rem; margin: 0 0 1rem; }
.live-status:not(:empty) { background: var(--ok); color: var(--ok-ink); border: 1px solid var(--ok-ink); border-radius: .375rem; padding: .75rem 1rem; margin: 0 0 1rem; }
.dialog-error:not(:empty) { background: var(--error); color: var(--error-ink); border-radius: .25rem; padding: .5rem .75rem; margin: .5rem 0; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.numeric { text-align: right; white-space: nowrap; }
.subsection { margin-top: 1.25rem; border-top: 1px solid var(--line); padding-top: 1rem; }
.dialog { border: none; border-radius: .5rem; padding: 1.5rem; max-width: min(36rem, 95vw); color: var(--ink); }
.dialog::backdrop { background: rgba(0, 0, 0, .55); }
.ends-on, .effective-on { font-size: 1.1rem; }
.site-footer { color: var(--muted); font-size: .9rem; }
`;
