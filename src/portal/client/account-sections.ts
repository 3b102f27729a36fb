/** Stammdaten and Rechnungsdaten: who the customer is, how invoices reach them and how they pay. */
import { facts, field, h, section, uid } from './dom.js';
import type { Contract, Customer } from './types.js';
import type { View } from './view.js';

/** The body of `PUT /v1/contracts/{id}/payment-method`. */
export type PaymentMethodBody =
  | { type: 'sepa'; iban: string; accountHolder: string; signedOn: string }
  | { type: 'card'; pspToken: string }
  | { type: 'transfer' };

export function renderCustomer(view: View, customer: Customer): HTMLElement {
  const { address } = customer;
  return section(
    'customer',
    view.t('section.customer'),
    facts([
      [view.t('customer.name'), customer.name],
      [view.t('customer.email'), customer.email],
      [view.t('customer.address'), [address.line1, address.line2, `${address.postalCode} ${address.city}`, address.country].filter(Boolean).join(', ')],
      ...(customer.vatId ? [[view.t('customer.vatId'), customer.vatId] as const] : []),
    ]),
  );
}

export function renderBilling(view: View, customer: Customer, contract: Contract, save: (body: PaymentMethodBody) => Promise<void>): HTMLElement {
  return section(
    'billing',
    view.t('section.billing'),
    facts([
      [view.t('billing.delivery'), view.label('delivery', customer.invoiceDelivery)],
      [view.t('payment.current'), describePaymentMethod(view, contract.paymentMethod)],
    ]),
    paymentMethodForm(view, save),
  );
}

function describePaymentMethod(view: View, method: Contract['paymentMethod']): string {
  if (!method) return view.t('payment.transfer');
  const details = [
    method.mandateReference && view.t('payment.mandate', { reference: method.mandateReference }),
    method.ibanLast4 && view.t('payment.ibanLast4', { last4: method.ibanLast4 }),
    method.cardLast4 && view.t('payment.cardLast4', { last4: method.cardLast4 }),
  ].filter(Boolean);
  return [view.label('payment', method.type), ...details].join(' · ');
}

/** SEPA mandate (IBAN, holder, signature date), card token or bank transfer. */
function paymentMethodForm(view: View, save: (body: PaymentMethodBody) => Promise<void>): HTMLElement {
  const iban = h('input', { type: 'text', name: 'iban', autocomplete: 'off', spellcheck: 'false', required: true });
  const holder = h('input', { type: 'text', name: 'accountHolder', autocomplete: 'name', required: true });
  const signedOn = h('input', { type: 'date', name: 'signedOn', required: true });
  const pspToken = h('input', { type: 'text', name: 'pspToken', autocomplete: 'off', spellcheck: 'false', required: true });
  const groups = {
    sepa: h('div', { class: 'method-fields' }, field(view.t('payment.iban'), iban), field(view.t('payment.holder'), holder), field(view.t('payment.signedOn'), signedOn), h('p', { class: 'hint' }, view.t('payment.mandateText'))),
    card: h('div', { class: 'method-fields', hidden: true }, field(view.t('payment.cardToken'), pspToken, view.t('payment.cardHint'))),
  };
  let chosen: PaymentMethodBody['type'] = 'sepa';
  const radio = (type: PaymentMethodBody['type']) => {
    const input = h('input', {
      type: 'radio',
      name: 'payment-type',
      value: type,
      id: uid('payment-type'),
      checked: type === chosen,
      onchange: () => {
        chosen = type;
        groups.sepa.hidden = type !== 'sepa';
        groups.card.hidden = type !== 'card';
      },
    });
    return h('div', { class: 'field-check' }, input, h('label', { for: input.id }, view.label('payment', type)));
  };
  const headingId = uid('payment-heading');
  const form = h(
    'form',
    {
      class: 'payment-form',
      'aria-labelledby': headingId,
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        const body: PaymentMethodBody =
          chosen === 'sepa'
            ? { type: 'sepa', iban: iban.value.trim(), accountHolder: holder.value.trim(), signedOn: signedOn.value }
            : chosen === 'card'
              ? { type: 'card', pspToken: pspToken.value.trim() }
              : { type: 'transfer' };
        void save(body);
      },
    },
    h('fieldset', {}, h('legend', {}, view.t('payment.type')), radio('sepa'), radio('card'), radio('transfer')),
    groups.sepa,
    groups.card,
    h('button', { type: 'submit', class: 'button button-primary' }, view.t('payment.save')),
  );
  return h('div', { class: 'subsection' }, h('h3', { id: headingId }, view.t('payment.change')), form);
}
