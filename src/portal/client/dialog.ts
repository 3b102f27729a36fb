/**
 * Modal dialogs: a native `<dialog>` opened with showModal() (the page behind becomes inert),
 * `aria-modal="true"`, Tab and Shift+Tab kept inside, Escape closes, focus returns to the opener.
 * Errors show in the dialog's own alert region: the page's live region is inert while it is open.
 */
import { h, uid } from './dom.js';

export interface DialogOptions {
  title: string;
  body: Node[];
  confirmLabel: string;
  abortLabel: string;
  /** Styles the confirm button as destructive (cancellation). */
  danger?: boolean;
  /** Runs on confirm; a thrown error is shown in the dialog (an `InputError` as is, others via `describeError`) and the dialog stays. */
  onConfirm(): Promise<void>;
  describeError(error: unknown): string;
}

/** A problem with what the customer entered; the dialog shows it and focuses `input`. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly input: HTMLElement,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Opens a modal dialog; resolves when it closes (true when confirmed). */
export function openDialog(options: DialogOptions): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const error = h('div', { class: 'dialog-error', role: 'alert', id: uid('dialog-error') });
  const confirm = h('button', { type: 'submit', class: options.danger ? 'button button-danger' : 'button button-primary' }, options.confirmLabel);
  const abort = h('button', { type: 'button', class: 'button button-secondary' }, options.abortLabel);
  const form = h('form', { method: 'dialog', novalidate: true }, h('h2', { id: titleId }, options.title), ...options.body, error, h('div', { class: 'actions' }, confirm, abort));
  const dialog = h('dialog', { 'aria-modal': 'true', 'aria-labelledby': titleId, class: 'dialog' }, form);
  document.body.appendChild(dialog);

  return new Promise((resolve) => {
    let confirmed = false;
    const close = () => dialog.close();
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(confirmed);
    });
    dialog.addEventListener('keydown', (event) => trapTab(dialog, event));
    abort.addEventListener('click', close);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      error.textContent = '';
      for (const input of dialog.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
      confirm.disabled = true;
      options.onConfirm().then(
        () => {
          confirmed = true;
          close();
        },
        (failure: unknown) => {
          confirm.disabled = false;
          error.textContent = failure instanceof InputError ? failure.message : options.describeError(failure);
          if (failure instanceof InputError) {
            failure.input.setAttribute('aria-invalid', 'true');
            failure.input.setAttribute('aria-errormessage', error.id);
          }
          (failure instanceof InputError ? failure.input : confirm).focus();
        },
      );
    });
    dialog.showModal();
    (dialog.querySelector<HTMLElement>(FOCUSABLE) ?? confirm).focus();
  });
}

/** Keeps Tab focus cycling within the dialog (showModal alone lets it leave to the browser UI). */
function trapTab(dialog: HTMLDialogElement, event: KeyboardEvent): void {
  if (event.key !== 'Tab') return;
  const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => !element.closest('[hidden]'));
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
