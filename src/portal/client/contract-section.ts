/** The contract: plan, seats, features, price, status, open amount and dunning, pending changes and the actions. */
import type { Child } from './dom.js';
import { facts, field, h, section } from './dom.js';
import type { Contract, PortalData } from './types.js';
import type { View } from './view.js';

export interface ContractActions {
  select(contractId: string): void;
  cancel(deleteData: boolean): void;
  revokeCancellation(): void;
  changePlan(): void;
  revokePlanChange(): void;
}

const CANCELLATION_NOTICE = 'cancellation-notice';
const PLAN_CHANGE_NOTICE = 'plan-change-notice';

/** Headings (focusable) the flows move focus to after a change. */
export const FOCUS_TARGET = {
  contract: 'contract-heading',
  cancellationNotice: `${CANCELLATION_NOTICE}-heading`,
  planChangeNotice: `${PLAN_CHANGE_NOTICE}-heading`,
} as const;

export function renderContract(view: View, data: PortalData, actions: ContractActions): HTMLElement {
  const { contract } = data;
  return section(
    'contract',
    view.t('section.contract'),
    data.contracts.length > 1 && contractPicker(view, data, actions),
    contract.cancellation && cancellationNotice(view, contract.cancellation, actions),
    contract.pendingPlanChange && planChangeNotice(view, data, contract.pendingPlanChange, actions),
    contractFacts(view, data),
    contractActions(view, contract, actions),
  );
}

function contractPicker(view: View, data: PortalData, actions: ContractActions): HTMLElement {
  const select = h(
    'select',
    { onchange: () => actions.select(select.value) },
    data.contracts.map((c) => h('option', { value: c.id, selected: c.id === data.contract.id }, `${planName(data, c.plan)} · ${view.label('status', c.status)} · ${c.id.slice(0, 8)}`)),
  );
  return field(view.t('contract.select'), select);
}

/** The blue notice box of a pending cancellation, with its revoke action. */
function cancellationNotice(view: View, cancellation: NonNullable<Contract['cancellation']>, actions: ContractActions): HTMLElement {
  return notice(
    CANCELLATION_NOTICE,
    view.t('notice.cancellation.heading'),
    [
      h('p', {}, view.t('notice.cancellation.text', { endsOn: view.date(cancellation.endsOn) })),
      h('p', {}, view.t('notice.cancellation.received', { receivedOn: view.date(cancellation.receivedOn) })),
      cancellation.deleteData && h('p', {}, view.t('notice.cancellation.deleteData')),
    ],
    h('button', { type: 'button', class: 'button button-primary', onclick: actions.revokeCancellation }, view.t('notice.cancellation.revoke')),
  );
}

function planChangeNotice(view: View, data: PortalData, change: NonNullable<Contract['pendingPlanChange']>, actions: ContractActions): HTMLElement {
  return notice(
    PLAN_CHANGE_NOTICE,
    view.t('notice.planChange.heading'),
    [h('p', {}, view.t('notice.planChange.text', { plan: planName(data, change.plan), effectiveOn: view.date(change.effectiveOn) }))],
    h('button', { type: 'button', class: 'button button-primary', onclick: actions.revokePlanChange }, view.t('notice.planChange.revoke')),
  );
}

function notice(id: string, title: string, text: Child[], action: HTMLElement): HTMLElement {
  return h('div', { class: 'notice', id, 'aria-labelledby': `${id}-heading`, role: 'region' }, h('h3', { id: `${id}-heading`, tabindex: -1 }, title), ...text, action);
}

function contractFacts(view: View, data: PortalData): HTMLElement {
  const { contract, catalogue, customer } = data;
  const plan = catalogue.items.find((p) => p.id === contract.plan);
  const vatRate = catalogue.vatRates[customer.address.country];
  const dunning = view.label('dunning', contract.dunning.level);
  return facts([
    [view.t('contract.plan'), planName(data, contract.plan)],
    [view.t('contract.seats'), contract.seats],
    [view.t('contract.features'), plan ? h('ul', { class: 'features' }, plan.features.map((feature) => h('li', {}, view.label('feature', feature)))) : ''],
    [
      view.t('contract.price'),
      plan
        ? [
            view.t('contract.priceValue', {
              // Integer cents times seats: exact, no rounding involved.
              total: view.money({ amount: plan.monthlyFeePerSeat.amount * contract.seats, currency: plan.monthlyFeePerSeat.currency }),
              perSeat: view.money(plan.monthlyFeePerSeat),
            }),
            vatRate !== undefined && h('span', { class: 'vat-note' }, `, ${view.t('contract.vatNote', { rate: vatRate })}`),
          ]
        : '',
    ],
    [view.t('contract.status'), view.label('status', contract.status)],
    [view.t('contract.startedOn'), view.date(contract.startedOn)],
    ...(contract.trialEndsOn ? [[view.t('contract.trialEndsOn'), view.date(contract.trialEndsOn)] as const] : []),
    ...(contract.endedOn ? [[view.t('contract.endedOn'), view.date(contract.endedOn)] as const] : []),
    [view.t('contract.openAmount'), view.money(contract.openAmount)],
    [view.t('contract.dunning'), contract.dunning.onHold ? view.t('contract.dunningOnHold', { level: dunning }) : dunning],
  ]);
}

/** The plan switch needs no pending cancellation or change (409 otherwise) and no trial (that converts instead). */
function contractActions(view: View, contract: Contract, actions: ContractActions): Child {
  if (contract.status === 'ended' || contract.cancellation) return null;
  const canChangePlan = contract.status !== 'trial' && !contract.pendingPlanChange;
  return h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': view.t('contract.actions') },
    canChangePlan && h('button', { type: 'button', class: 'button button-secondary', onclick: actions.changePlan }, view.t('contract.changePlan')),
    h('button', { type: 'button', class: 'button button-danger', onclick: () => actions.cancel(false) }, view.t('contract.cancel')),
    h('button', { type: 'button', class: 'button button-danger', onclick: () => actions.cancel(true) }, view.t('contract.cancelDelete')),
  );
}

/** The catalogue's name of `planId` ("Plus"); the id itself for a plan the catalogue no longer lists. */
export function planName(data: PortalData, planId: string): string {
  return data.catalogue.items.find((p) => p.id === planId)?.name ?? planId;
}
