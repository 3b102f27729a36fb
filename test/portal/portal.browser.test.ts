/**
 * The customer portal in a real browser: Debian's chromium driven by playwright-core against the
 * platform in sandbox mode (real HTTP, PostgreSQL, Temporal's time-skipping server, SMTP sink).
 * A customer signs in with a token, previews and confirms a cancellation, sees the end date in
 * the blue notice box, revokes it, switches the plan, downloads an invoice and the statement,
 * switches to English and stores a SEPA mandate; the API shows each change. axe-core checks
 * every state (no serious or critical violation); screenshots go to var/test/portal-screenshots/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { sandboxSuite } from '../helpers/sandbox-suite';
import type { SandboxCustomer } from '../helpers/sandbox-suite';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'var/test/portal-screenshots');
const AXE_SCRIPT = require.resolve('axe-core/axe.min.js');

// In CI the install script provides chromium, so a missing one fails there; elsewhere it skips.
const browserAvailable = fs.existsSync(CHROMIUM) || Boolean(process.env.CI);
const describeInBrowser = browserAvailable ? describe : describe.skip;
const SKIP_REASON = `SKIPPED: ${CHROMIUM} is missing (run scripts/install-system-packages.sh; in CI it must exist)`;
const title = browserAvailable ? 'portal in headless Chromium' : `portal in headless Chromium — ${SKIP_REASON}`;
if (!browserAvailable) console.warn(`test/portal/portal.browser.test.ts ${SKIP_REASON}`);

describeInBrowser(title, () => {
  const { p, api, newCustomer, advance, settle, eventually } = sandboxSuite({ customerName: 'Praxis Dr. Portal', emailPrefix: 'portal' });
  let browser: Browser;
  let page: Page;
  let customer: SandboxCustomer;
  let contractId: string;
  const pageErrors: string[] = [];
  let shot = 0;

  const contract = async () => (await api('GET', `/v1/contracts/${contractId}`, { token: customer.token })).body;
  const templates = async () => ((await api('GET', `/v1/contracts/${contractId}/communications`, { token: customer.token })).body.items as Array<{ template: string }>).map((c) => c.template);

  /** A full-page screenshot named by its step. */
  async function screenshot(step: string): Promise<void> {
    shot += 1;
    await page.screenshot({ path: path.join(SCREENSHOTS, `${String(shot).padStart(2, '0')}-${step}.png`), fullPage: true });
  }

  /** Runs axe-core on the page as it is now; fails on any serious or critical violation. */
  async function expectAccessible(state: string): Promise<void> {
    const results = await page.evaluate(() => (globalThis as unknown as { axe: { run(options: object): Promise<AxeResults> } }).axe.run({ resultTypes: ['violations'] }));
    const blocking = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${state}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(blocking).toEqual([]);
  }

  /** The visible text of `locator` once it is there, with Intl's no-break spaces ("57,00 €") as plain ones. */
  async function textOf(locator: Locator): Promise<string> {
    await locator.waitFor();
    return (await locator.innerText()).replace(/[\u00a0\u202f]/g, ' ');
  }

  async function downloadBytes(start: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
    const [download] = await Promise.all([page.waitForEvent('download'), start()]);
    const file = await download.path();
    return { download, bytes: fs.readFileSync(file) };
  }

  const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
  const focusedIsIn = (selector: string) => page.locator(':focus').evaluate((element, within) => element.closest(within) !== null, selector);

  beforeAll(async () => {
    // The browser code under test, compiled from the current sources (npm run build does the same).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'src/portal/client/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
    fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });

    // Day 0: 10.03.2027 10:00 Berlin; the contract starts and its first (prorated) invoice is issued.
    await advance('2027-03-10T09:00:00Z');
    customer = await newCustomer({ locale: 'de' });
    const created = await api('POST', '/v1/contracts', { token: customer.token, body: { plan: 'plus', seats: 3 } });
    expect(created.status).toBe(201);
    contractId = created.body.id;
    await settle();

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--lang=de-DE'] });
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 }, locale: 'de-DE' });
    // axe-core comes in as an init script (DevTools protocol, on every page load): page.addScriptTag
    // would add an inline <script>, which the platform's CSP (script-src 'self') rightly blocks, and
    // the portal is tested under that CSP, not with it bypassed.
    await context.addInitScript({ path: AXE_SCRIPT });
    page = await context.newPage();
    // Everything here answers within a second or two; a missing element should fail fast.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // The bad token (401) and the bad IBAN (400) fail on purpose; the browser logs every non-2xx
      // fetch. Anything else (a 404 module, a CSP violation, an exception) fails the last test.
      const expected = /^Failed to load resource: the server responded with a status of 40[01] /.test(message.text());
      if (message.type() === 'error' && !expected) pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('the sign-in page is German, has no inline script, and shows the problem detail of a bad token in the live region', async () => {
    await page.goto(`${p.url}/portal`);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Kundenportal');
    // § 312k BGB: the button is there before anyone signs in.
    await button('Verträge hier kündigen').waitFor();
    // Everything comes from /portal/*.js under the platform's CSP (script-src 'self').
    expect(await page.locator('script:not([src])').count()).toBe(0);
    await expectAccessible('sign-in');
    await screenshot('sign-in');

    await page.getByLabel('Zugangstoken').fill('not-a-token');
    await button('Anmelden').click();
    expect(await textOf(page.getByRole('alert').filter({ hasText: 'Anmeldung' }))).toBe('Anmeldung fehlgeschlagen: The bearer token is not valid.');
    expect(await page.getAttribute('#token', 'aria-invalid')).toBe('true');
    expect(await focusedIsIn('#sign-in')).toBe(true);
    await expectAccessible('sign-in error');
    await screenshot('sign-in-error');
  });

  test('signed in: the contract with plan, seats, features, net price and VAT note, status, open amount and dunning level', async () => {
    await page.getByLabel('Zugangstoken').fill(customer.token);
    await button('Anmelden').click();
    const section = page.locator('#contract');
    await section.waitFor();
    const stored = await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem('vertragswerk.portal.token'));
    expect(stored).toBe(customer.token);
    const facts = await textOf(section.locator('dl'));
    const open = (await contract()).openAmount;
    expect(open.amount).toBeGreaterThan(0); // the prorated March invoice
    for (const expected of [
      'Tarif\nPlus',
      'Plätze\n3',
      'Terminbuchung',
      'SMS-Einladungen',
      '57,00 € pro Monat netto (19,00 € je Platz), zuzüglich 19 % Umsatzsteuer',
      'Status\nAktiv',
      'Vertragsbeginn\n10. März 2027',
      `Offener Betrag\n${(open.amount / 100).toFixed(2).replace('.', ',')} €`,
      'Mahnstufe\nkeine',
    ]) {
      expect(facts).toContain(expected);
    }
    expect(await textOf(page.locator('#customer'))).toContain('Praxis Dr. Portal 1');
    expect(await page.locator('#invoices tbody tr').count()).toBe(1);
    await expectAccessible('contract');
    await screenshot('contract');
  });

  test('two-step cancellation: the end date before "Kündigung bestätigen", the blue notice box, revocation; the API and communications follow', async () => {
    const preview = await api('GET', `/v1/contracts/${contractId}/cancellation/preview`, { token: customer.token });
    expect(preview.body.endsOn).toBe('2027-06-30');

    // The delete-data variant opens with the box ticked; Escape closes it, focus returns, nothing changes.
    await button('Vertrag kündigen und Daten löschen').click();
    const deleteDialog = page.getByRole('dialog', { name: 'Vertrag kündigen und Daten löschen', exact: true });
    await deleteDialog.waitFor();
    expect(await deleteDialog.getByLabel('Meine Daten nach Vertragsende löschen').isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await deleteDialog.waitFor({ state: 'detached' });
    expect(await page.locator(':focus').innerText()).toBe('Vertrag kündigen und Daten löschen');
    expect((await contract()).cancellation).toBeNull();

    // "Vertrag kündigen" opens the same dialog; "Abbrechen" closes it and focus goes back.
    await button('Vertrag kündigen').click();
    const dialog = page.getByRole('dialog', { name: 'Vertrag kündigen', exact: true });
    await dialog.getByRole('button', { name: 'Abbrechen' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator(':focus').innerText()).toBe('Vertrag kündigen');

    // Step one, from the § 312k BGB button: the dialog shows when the contract would end.
    await button('Verträge hier kündigen').click();
    expect(await textOf(dialog.locator('.ends-on'))).toBe('30. Juni 2027');
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.getByLabel('Meine Daten nach Vertragsende löschen').isChecked()).toBe(false);
    // Focus stays inside the modal dialog, forwards and backwards.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await focusedIsIn('dialog')).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await focusedIsIn('dialog')).toBe(true);
    await expectAccessible('cancellation dialog');
    await screenshot('cancellation-dialog');

    // Step two: confirm.
    await dialog.getByRole('button', { name: 'Kündigung bestätigen' }).click();
    const notice = page.getByRole('region', { name: 'Kündigung vorgemerkt' });
    expect(await textOf(notice)).toContain('Ihr Vertrag ist gekündigt und endet am 30. Juni 2027.');
    await notice.getByRole('button', { name: 'Kündigung widerrufen' }).waitFor();
    expect(await textOf(page.getByRole('status'))).toContain('Der Vertrag endet am 30. Juni 2027');
    expect(await focusedIsIn('#cancellation-notice')).toBe(true);
    expect((await contract()).cancellation).toMatchObject({ endsOn: '2027-06-30', deleteData: false });
    // While the cancellation is pending, the plan cannot change (409 PLAN_CHANGE_BLOCKED): no button.
    expect(await button('Tarif wechseln').count()).toBe(0);
    await expectAccessible('cancellation pending');
    await screenshot('cancellation-pending-de');

    await notice.getByRole('button', { name: 'Kündigung widerrufen' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(await textOf(page.getByRole('status'))).toBe('Ihre Kündigung ist widerrufen. Der Vertrag läuft weiter.');
    expect((await contract()).cancellation).toBeNull();
    await eventually(templates, (t) => t.includes('cancellation-confirmed') && t.includes('cancellation-revoked'), 'the confirmation and revocation mails');
    expect(p.mails.filter((m) => m.to === customer.email).map((m) => m.subject)).toEqual(expect.arrayContaining([expect.stringMatching(/^Kündigungsbestätigung/)]));
    await screenshot('cancellation-revoked');
  });

  test('plan switch: the effective date before confirming, the AGB checkbox required, the pending change in the notice box', async () => {
    await button('Tarif wechseln').click();
    const dialog = page.getByRole('dialog', { name: 'Tarif wechseln', exact: true });
    expect(await dialog.getByLabel('Basis: 0,00 € je Platz und Monat netto').isChecked()).toBe(true);
    // A downgrade waits for the notice period: the day after 30.06.2027.
    expect(await textOf(dialog.locator('.effective-on'))).toBe('1. Juli 2027 (nach Ablauf der Kündigungsfrist; bis dahin bleibt Ihr Tarif)');
    await expectAccessible('plan dialog');

    await dialog.getByRole('button', { name: 'Tarifwechsel bestätigen' }).click();
    expect(await textOf(dialog.getByRole('alert'))).toBe('Bitte akzeptieren Sie die AGB, um den Tarif zu wechseln.');
    const terms = dialog.getByLabel('Ich habe die Allgemeinen Geschäftsbedingungen (AGB) gelesen und akzeptiere sie.');
    expect(await terms.evaluate((input) => input.ownerDocument.activeElement === input)).toBe(true);
    expect(await terms.getAttribute('aria-invalid')).toBe('true');
    expect((await contract()).pendingPlanChange).toBeNull();
    await screenshot('plan-change-dialog');

    await terms.check();
    await dialog.getByRole('button', { name: 'Tarifwechsel bestätigen' }).click();
    const notice = page.getByRole('region', { name: 'Tarifwechsel vorgemerkt' });
    expect(await textOf(notice)).toContain('Ihr Tarif wechselt am 1. Juli 2027 zu Basis.');
    await notice.getByRole('button', { name: 'Tarifwechsel widerrufen' }).waitFor();
    expect((await contract()).pendingPlanChange).toMatchObject({ plan: 'basis', effectiveOn: '2027-07-01' });
    expect((await contract()).plan).toBe('plus');
    await eventually(templates, (t) => t.includes('plan-change-scheduled'), 'the plan-change mail');
    await expectAccessible('plan change pending');
    await screenshot('plan-change-pending');
  });

  test('after the April billing run: invoice PDF and statement PDF downloaded, statement shown; the English portal', async () => {
    // Day 22: 01.04.2027, after the billing run — the April invoice exists.
    await advance('2027-04-01T06:00:00Z');
    const invoices = (await api('GET', `/v1/contracts/${contractId}/invoices`, { token: customer.token })).body.items as Array<{ number: string }>;
    expect(invoices).toHaveLength(2);
    // A reload keeps the session: the token is in sessionStorage.
    await page.reload();
    await page.locator('#invoices tbody tr').nth(1).waitFor();

    const april = invoices[1].number;
    const invoice = await downloadBytes(() => button(`PDF herunterladen (${april})`).click());
    expect(invoice.download.suggestedFilename()).toBe(`Rechnung-${april}.pdf`);
    expect(invoice.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(await textOf(page.getByRole('status'))).toBe(`Rechnung-${april}.pdf wurde heruntergeladen.`);

    const statementLink = page.getByRole('link', { name: 'Kontoauszug als PDF herunterladen' });
    expect(await statementLink.getAttribute('href')).toBe(`/v1/contracts/${contractId}/statement/pdf`);
    const statement = await downloadBytes(() => statementLink.click());
    expect(statement.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    const balance = (await api('GET', `/v1/contracts/${contractId}/statement`, { token: customer.token })).body.balance.amount as number;
    expect(await textOf(page.locator('#statement .balance'))).toBe(`Saldo: ${(balance / 100).toFixed(2).replace('.', ',')} €`);
    expect(await page.locator('#statement tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await textOf(page.locator('#communications'))).toContain('Kündigungsbestätigung');
    await expectAccessible('invoices and statement');
    await screenshot('invoices-statement');

    await button('English').click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Customer portal');
    expect(await textOf(page.getByRole('region', { name: 'Plan change pending' }))).toContain('Your plan changes to Basis on 1 July 2027.');
    await button('Cancel contracts here').waitFor();
    await button(`Download PDF (${april})`).waitFor();
    await expectAccessible('English');
    await screenshot('english');
  });

  test('payment method: a bad IBAN shows the problem detail; a SEPA mandate is stored and shown masked', async () => {
    const form = page.locator('.payment-form');
    await form.getByLabel('IBAN').fill('DE00 1234');
    await form.getByLabel('Account holder').fill('Praxis Dr. Portal');
    await form.getByLabel('Date the mandate was signed').fill('2027-04-01');
    await button('Save payment method').click();
    expect(await textOf(page.getByRole('alert').filter({ hasText: 'IBAN' }))).toMatch(/^That did not work: .*IBAN/);
    expect((await contract()).paymentMethod).toBeNull();

    await form.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 00');
    await button('Save payment method').click();
    expect(await textOf(page.getByRole('status'))).toBe('The payment method is saved.');
    expect((await contract()).paymentMethod).toMatchObject({ type: 'sepa', ibanLast4: '3000' });
    expect(await textOf(page.locator('#billing dl'))).toMatch(/SEPA direct debit · Mandate reference \S+ · IBAN ending in 3000/);
    await expectAccessible('payment method');
    await screenshot('payment-method');
  });

  test("another customer signed in elsewhere sees none of this customer's contract, invoices or data", async () => {
    const other = await newCustomer({ locale: 'de' });
    const otherPage = await browser.newPage(); // a context of its own: no shared sessionStorage
    try {
      await otherPage.goto(`${p.url}/portal`);
      await otherPage.getByLabel('Zugangstoken').fill(other.token);
      await otherPage.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await otherPage.getByText('Zu Ihrem Zugang gibt es noch keinen Vertrag.').waitFor();
      const content = await otherPage.content();
      for (const secret of [contractId, customer.email, 'Praxis Dr. Portal 1']) expect(content).not.toContain(secret);
    } finally {
      await otherPage.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
