/**
 * The two flows that change the contract, each a modal dialog: the two-step cancellation
 * (§ 312k BGB: see the end date, then "Kündigung bestätigen") and the plan switch (AGB checkbox,
 * effective date shown before confirming).
 */
import type { Api } from './api.js';
import { FOCUS_TARGET, planName } from './contract-section.js';
import { InputError, openDialog } from './dialog.js';
import { checkbox, facts, field, h, uid } from './dom.js';
import type { CancellationPreview, Contract, PortalData } from './types.js';
import type { View } from './view.js';

export interface FlowContext {
  api: Api;
  view: View;
  data: PortalData;
  describeError(error: unknown): string;
  /** Reloads the page's data, announces `message` and moves focus to the element `focusId`. */
  done(message: string, focusId: string): Promise<void>;
}

const contractPath = (contract: Contract, suffix: string) => `/v1/contracts/${contract.id}/${suffix}`;

/** Step one shows the contract and the end date the preview computes; step two confirms. */
export async function startCancellation(ctx: FlowContext, deleteData: boolean): Promise<void> {
  const { api, view, data } = ctx;
  const { contract } = data;
  if (contract.cancellation) {
    await ctx.done(view.t('cancel.already', { endsOn: view.date(contract.cancellation.endsOn) }), FOCUS_TARGET.cancellationNotice);
    return;
  }
  const preview = await api.request<CancellationPreview>('GET', contractPath(contract, 'cancellation/preview'));
  const hintId = uid('delete-hint');
  const deletion = checkbox(view.t('cancel.deleteData'), { checked: deleteData, 'aria-describedby': hintId });
  const reason = h('textarea', { rows: 2, maxlength: 1000 });
  let cancelled: Contract | undefined;
  await openDialog({
    title: view.t(deleteData ? 'cancel.titleDelete' : 'cancel.title'),
    body: [
      h('p', {}, view.t('cancel.intro', { plan: planName(data, contract.plan) })),
      facts([
        [view.t('cancel.contract'), contract.id],
        [view.t('cancel.receivedOn'), view.date(preview.receivedOn)],
        [view.t('cancel.endsOn'), h('strong', { class: 'ends-on' }, view.date(preview.endsOn))],
      ]),
      deletion.row,
      h('p', { class: 'hint', id: hintId }, view.t('cancel.deleteDataHint')),
      field(view.t('cancel.reason'), reason),
    ],
    confirmLabel: view.t('cancel.confirm'),
    abortLabel: view.t('dialog.abort'),
    danger: true,
    describeError: ctx.describeError,
    async onConfirm() {
      const text = reason.value.trim();
      cancelled = await api.request<Contract>('POST', contractPath(contract, 'cancellation'), { confirm: true, deleteData: deletion.input.checked, ...(text ? { reason: text } : {}) });
    },
  });
  const endsOn = cancelled?.cancellation?.endsOn;
  if (endsOn) await ctx.done(view.t('cancel.done', { endsOn: view.date(endsOn) }), FOCUS_TARGET.cancellationNotice);
}

/** Choose a plan, see when it takes effect, accept the AGB, confirm. */
export async function startPlanChange(ctx: FlowContext): Promise<void> {
  const { api, view, data } = ctx;
  const { contract, catalogue } = data;
  const current = catalogue.items.find((p) => p.id === contract.plan);
  const choices = catalogue.items.filter((p) => p.id !== contract.plan);
  if (!current || choices.length === 0) return;
  // The notice period that delays a downgrade is the contract's: the cancellation preview has its dates.
  const preview = await api.request<CancellationPreview>('GET', contractPath(contract, 'cancellation/preview'));
  // NOTE: mirrors the domain (src/domain/contract.ts, changePlan): a dearer plan applies today, a
  // cheaper one the day after the notice period ends. The API's answer is what the page shows after.
  const effective = (planId: string) => {
    const target = catalogue.items.find((p) => p.id === planId);
    return target && target.monthlyFeePerSeat.amount > current.monthlyFeePerSeat.amount
      ? view.t('plan.effectiveNow', { date: view.date(preview.receivedOn) })
      : view.t('plan.effectiveLater', { date: view.date(nextDay(preview.endsOn)) });
  };
  let chosen = choices[0].id;
  const effectiveText = h('strong', { class: 'effective-on' }, effective(chosen));
  const radios = choices.map((plan) => {
    const input = h('input', {
      type: 'radio',
      name: 'plan',
      value: plan.id,
      id: uid('plan'),
      checked: plan.id === chosen,
      onchange: () => {
        chosen = plan.id;
        effectiveText.textContent = effective(chosen);
      },
    });
    const label = view.t('plan.option', { name: plan.name, price: view.money(plan.monthlyFeePerSeat) });
    return h('div', { class: 'field-check' }, input, h('label', { for: input.id }, label));
  });
  const terms = checkbox(view.t('plan.acceptTerms'), { required: true });
  let changed: Contract | undefined;
  await openDialog({
    title: view.t('plan.title'),
    body: [
      h('fieldset', {}, h('legend', {}, view.t('plan.choose')), radios),
      h('p', { 'aria-live': 'polite' }, `${view.t('plan.effectiveOn')}: `, effectiveText),
      terms.row,
    ],
    confirmLabel: view.t('plan.confirm'),
    abortLabel: view.t('dialog.abort'),
    describeError: ctx.describeError,
    async onConfirm() {
      if (!terms.input.checked) throw new InputError(view.t('plan.termsRequired'), terms.input);
      changed = await api.request<Contract>('POST', contractPath(contract, 'plan-change'), { plan: chosen, acceptTerms: true });
    },
  });
  if (!changed) return;
  const pending = changed.pendingPlanChange;
  await (pending
    ? ctx.done(view.t('plan.doneLater', { plan: planName(data, pending.plan), date: view.date(pending.effectiveOn) }), FOCUS_TARGET.planChangeNotice)
    : ctx.done(view.t('plan.doneNow', { plan: planName(data, changed.plan) }), FOCUS_TARGET.contract));
}

/** The calendar day after `localDate` (YYYY-MM-DD). */
function nextDay(localDate: string): string {
  const [year, month, day] = localDate.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}
