/**
 * The customer portal (served at /portal): sign in with a customer token (kept in sessionStorage),
 * then one page per contract built from the REST API. German by default, English on request.
 */
import { renderBilling, renderCustomer } from './account-sections.js';
import type { PaymentMethodBody } from './account-sections.js';
import type { Api } from './api.js';
import { ApiProblem, createApi, NetworkFailure } from './api.js';
import { FOCUS_TARGET, renderContract } from './contract-section.js';
import { byId, h, section } from './dom.js';
import type { FlowContext } from './flows.js';
import { startCancellation, startPlanChange } from './flows.js';
import type { Locale, MessageKey } from './i18n.js';
import { isLocale, isMessageKey, translate } from './i18n.js';
import { renderAppointments, renderCommunications, renderInvoices, renderStatement, renderUsers } from './records-sections.js';
import type { Appointment, Catalogue, Communication, Contract, Customer, Invoice, Items, PortalData, Statement, User } from './types.js';
import { createView } from './view.js';

const TOKEN_KEY = 'vertragswerk.portal.token';
const LOCALE_KEY = 'vertragswerk.portal.locale';

/** The sections in reading order, as the navigation lists them. */
const SECTIONS: ReadonlyArray<readonly [string, MessageKey]> = [
  ['customer', 'section.customer'],
  ['billing', 'section.billing'],
  ['contract', 'section.contract'],
  ['users', 'section.users'],
  ['appointments', 'section.appointments'],
  ['invoices', 'section.invoices'],
  ['statement', 'section.statement'],
  ['communications', 'section.communications'],
];

const shell = {
  errors: byId('portal-error'),
  status: byId('portal-status'),
  signIn: byId('sign-in'),
  signInForm: byId<HTMLFormElement>('sign-in-form'),
  token: byId<HTMLInputElement>('token'),
  view: byId('portal-view'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  language: byId<HTMLButtonElement>('language-switch'),
  terminate: byId<HTMLButtonElement>('terminate'),
};

let locale: Locale = storedLocale();
let session: { api: Api; contractId?: string; data?: PortalData; empty?: boolean } | null = null;

const t = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => translate(locale, key, params);

function storedLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_KEY);
  return isLocale(stored) ? stored : 'de';
}

/** The server renders the shell in German; every `data-i18n` element (the title too) follows the chosen language. */
function applyLocale(): void {
  document.documentElement.lang = locale;
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = element.dataset.i18n ?? '';
    if (isMessageKey(key)) element.textContent = t(key);
  }
  shell.language.lang = locale === 'de' ? 'en' : 'de';
}

function describeError(error: unknown): string {
  if (error instanceof ApiProblem) return t('error.problem', { detail: error.detail });
  if (error instanceof NetworkFailure) return t('error.network');
  return t('error.problem', { detail: error instanceof Error ? error.message : String(error) });
}

function showError(error: unknown): void {
  shell.status.textContent = '';
  shell.errors.textContent = describeError(error);
}

function announce(message: string): void {
  shell.errors.textContent = '';
  shell.status.textContent = message;
}

/** Loads everything the page shows for the chosen contract (the first one still running by default). */
async function load(api: Api, contractId: string | undefined): Promise<PortalData | undefined> {
  const contracts = (await api.request<Items<Contract>>('GET', '/v1/contracts?limit=200')).items;
  const contract = contracts.find((c) => c.id === contractId) ?? contracts.find((c) => c.status !== 'ended') ?? contracts[0];
  if (!contract) return undefined;
  const base = `/v1/contracts/${contract.id}`;
  const list = <T>(path: string) => api.request<Items<T>>('GET', path).then((result) => result.items);
  const [customer, catalogue, users, appointments, invoices, statement, communications] = await Promise.all([
    api.request<Customer>('GET', `/v1/customers/${contract.customerId}`),
    api.request<Catalogue>('GET', '/v1/plans'),
    list<User>(`${base}/users`),
    list<Appointment>(`${base}/appointments`),
    list<Invoice>(`${base}/invoices`),
    api.request<Statement>('GET', `${base}/statement`),
    list<Communication>(`${base}/communications`),
  ]);
  return { contracts, contract, customer, catalogue, users, appointments, invoices, statement, communications };
}

async function refresh(focusId?: string): Promise<void> {
  if (!session) return;
  const data = await load(session.api, session.contractId);
  session.data = data;
  session.contractId = data?.contract.id;
  render(focusId);
}

function render(focusId?: string): void {
  const data = session?.data;
  if (!session) return;
  if (!data) {
    shell.view.replaceChildren(section('contract', t('section.contract'), h('p', {}, t('contract.none'))));
  } else {
    const view = createView(locale, data.contract.timeZone);
    shell.view.replaceChildren(
      h('nav', { class: 'sections', 'aria-label': t('nav.label') }, h('ul', {}, SECTIONS.map(([id, key]) => h('li', {}, h('a', { href: `#${id}` }, t(key)))))),
      renderCustomer(view, data.customer),
      renderBilling(view, data.customer, data.contract, (body) => act(() => savePaymentMethod(data, body))),
      renderContract(view, data, {
        select: (contractId) => void act(async () => {
          if (session) session.contractId = contractId;
          await refresh(FOCUS_TARGET.contract);
        }),
        cancel: (deleteData) => void act(() => startCancellation(flowContext(data), deleteData)),
        revokeCancellation: () => void act(() => change('DELETE', data, 'cancellation', t('notice.cancellation.revoked'))),
        changePlan: () => void act(() => startPlanChange(flowContext(data))),
        revokePlanChange: () => void act(() => change('DELETE', data, 'plan-change', t('notice.planChange.revoked'))),
      }),
      renderUsers(view, data.users),
      renderAppointments(view, data.appointments),
      renderInvoices(view, data.invoices, (invoice) => void act(() => download(`/v1/invoices/${invoice.id}/pdf`, `${fileWord('invoice')}-${invoice.number}.pdf`))),
      renderStatement(view, data.statement, `/v1/contracts/${data.contract.id}/statement/pdf`, () => void act(() => download(`/v1/contracts/${data.contract.id}/statement/pdf`, `${fileWord('statement')}-${data.contract.id.slice(0, 8)}.pdf`))),
      renderCommunications(view, data.communications),
    );
  }
  if (focusId) document.getElementById(focusId)?.focus();
}

function flowContext(data: PortalData): FlowContext {
  if (!session) throw new Error('not signed in');
  return {
    api: session.api,
    view: createView(locale, data.contract.timeZone),
    data,
    describeError,
    async done(message, focusId) {
      await refresh(focusId);
      announce(message);
    },
  };
}

/** Runs an action of the page; a problem shows in the live region, an expired token signs out. */
async function act(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) signOut();
    showError(error);
  }
}

async function change(method: 'DELETE', data: PortalData, what: 'cancellation' | 'plan-change', message: string): Promise<void> {
  if (!session) return;
  await session.api.request<Contract>(method, `/v1/contracts/${data.contract.id}/${what}`);
  await refresh(FOCUS_TARGET.contract);
  announce(message);
}

async function savePaymentMethod(data: PortalData, body: PaymentMethodBody): Promise<void> {
  if (!session) return;
  await session.api.request<Contract>('PUT', `/v1/contracts/${data.contract.id}/payment-method`, body);
  await refresh('billing-heading');
  announce(t('payment.saved'));
}

async function download(path: string, fileName: string): Promise<void> {
  if (!session) return;
  await session.api.download(path, fileName);
  announce(t('done.downloaded', { file: fileName }));
}

function fileWord(kind: 'invoice' | 'statement'): string {
  if (kind === 'invoice') return locale === 'de' ? 'Rechnung' : 'Invoice';
  return locale === 'de' ? 'Kontoauszug' : 'Statement';
}

async function signIn(token: string): Promise<void> {
  const api = createApi(token);
  announce(t('app.loading'));
  try {
    const data = await load(api, undefined);
    session = { api, data, contractId: data?.contract.id };
  } catch (error) {
    session = null;
    sessionStorage.removeItem(TOKEN_KEY);
    shell.status.textContent = '';
    shell.errors.textContent = error instanceof ApiProblem ? t('signIn.failed', { detail: error.detail }) : describeError(error);
    shell.token.setAttribute('aria-invalid', 'true');
    shell.token.focus();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  shell.token.value = '';
  shell.token.removeAttribute('aria-invalid');
  shell.signIn.hidden = true;
  shell.view.hidden = false;
  shell.signOut.hidden = false;
  shell.status.textContent = '';
  render(FOCUS_TARGET.contract);
}

function signOut(): void {
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  shell.view.replaceChildren();
  shell.view.hidden = true;
  shell.signOut.hidden = true;
  shell.signIn.hidden = false;
  shell.token.focus();
}

shell.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = shell.token.value.trim();
  if (!token) {
    shell.errors.textContent = t('signIn.required');
    shell.token.setAttribute('aria-invalid', 'true');
    shell.token.focus();
    return;
  }
  void signIn(token);
});
shell.signOut.addEventListener('click', () => {
  signOut();
  shell.errors.textContent = '';
  shell.status.textContent = '';
});
shell.language.addEventListener('click', () => {
  locale = locale === 'de' ? 'en' : 'de';
  localStorage.setItem(LOCALE_KEY, locale);
  applyLocale();
  render();
});
// § 312k BGB: the button is on every page; signed in, it starts the cancellation of the contract shown.
shell.terminate.addEventListener('click', () => {
  const data = session?.data;
  if (!data) {
    announce(session ? t('contract.none') : t('signIn.toTerminate'));
    if (!session) shell.token.focus();
    return;
  }
  void act(() => startCancellation(flowContext(data), false));
});

applyLocale();
const storedToken = sessionStorage.getItem(TOKEN_KEY);
if (storedToken) void signIn(storedToken);
