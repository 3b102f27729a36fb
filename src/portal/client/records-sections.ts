/** The read-only lists of the signed-in page: users, appointments, invoices, statement, communications. */
import type { Child } from './dom.js';
import { h, section, srOnly } from './dom.js';
import type { MessageKey } from './i18n.js';
import type { Appointment, Communication, Invoice, Statement, User } from './types.js';
import type { View } from './view.js';

interface Column<T> {
  header: MessageKey;
  cell(row: T): Child;
  /** Right-aligned (amounts). */
  numeric?: boolean;
}

/** A table labelled by its section's heading, or "Keine Einträge." when there are no rows. */
function table<T>(view: View, labelledBy: string, rows: readonly T[], columns: ReadonlyArray<Column<T>>): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, view.t('list.empty'));
  const align = (column: Column<T>) => (column.numeric ? 'numeric' : undefined);
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'aria-labelledby': labelledBy },
      h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col', class: align(column) }, view.t(column.header))))),
      h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((column) => h('td', { class: align(column) }, column.cell(row)))))),
    ),
  );
}

export function renderUsers(view: View, users: readonly User[]): HTMLElement {
  return section('users', view.t('section.users'), table(view, 'users-heading', users, [
    { header: 'users.name', cell: (user) => user.name },
    { header: 'users.email', cell: (user) => user.email },
    { header: 'users.role', cell: (user) => view.label('role', user.role) },
  ]));
}

export function renderAppointments(view: View, appointments: readonly Appointment[]): HTMLElement {
  return section('appointments', view.t('section.appointments'), table(view, 'appointments-heading', appointments, [
    { header: 'appointments.startsAt', cell: (appointment) => view.instant(appointment.startsAt) },
    { header: 'appointments.participants', cell: (appointment) => appointment.participants, numeric: true },
    { header: 'appointments.status', cell: (appointment) => view.label('appointment', appointment.status) },
  ]));
}

export function renderInvoices(view: View, invoices: readonly Invoice[], download: (invoice: Invoice) => void): HTMLElement {
  return section('invoices', view.t('section.invoices'), table(view, 'invoices-heading', invoices, [
    { header: 'invoices.number', cell: (invoice) => invoice.number },
    { header: 'invoices.issuedOn', cell: (invoice) => view.date(invoice.issuedOn) },
    { header: 'invoices.dueOn', cell: (invoice) => view.date(invoice.dueOn) },
    { header: 'invoices.gross', cell: (invoice) => view.money(invoice.gross), numeric: true },
    { header: 'invoices.open', cell: (invoice) => view.money(invoice.openAmount), numeric: true },
    { header: 'invoices.status', cell: (invoice) => view.label('invoiceStatus', invoice.status) },
    {
      header: 'invoices.document',
      // A destroyed invoice has no document any more (410 RECORD_DESTROYED).
      cell: (invoice) =>
        invoice.status !== 'destroyed' &&
        h('button', { type: 'button', class: 'button button-link', onclick: () => download(invoice) }, view.t('invoices.download'), srOnly(` (${invoice.number})`)),
    },
  ]));
}

export function renderStatement(view: View, statement: Statement, pdfPath: string, download: () => void): HTMLElement {
  return section(
    'statement',
    view.t('section.statement'),
    h('p', { class: 'balance' }, `${view.t('statement.balance')}: `, h('strong', {}, view.money(statement.balance))),
    h('p', { class: 'hint' }, view.t('statement.balanceHint')),
    table(view, 'statement-heading', statement.entries, [
      { header: 'statement.bookedOn', cell: (entry) => view.date(entry.bookedOn) },
      { header: 'statement.type', cell: (entry) => [view.label('entry', entry.type), entry.invoiceNumber && ` ${entry.invoiceNumber}`] },
      { header: 'statement.description', cell: (entry) => entry.description ?? '' },
      { header: 'statement.amount', cell: (entry) => view.money(entry.amount), numeric: true },
    ]),
    h(
      'p',
      {},
      // A real link to the document; the click fetches it with the token (a bare GET would be 401).
      h('a', {
        href: pdfPath,
        class: 'download-link',
        onclick: (event: Event) => {
          event.preventDefault();
          download();
        },
      }, view.t('statement.pdf')),
    ),
  );
}

export function renderCommunications(view: View, communications: readonly Communication[]): HTMLElement {
  return section('communications', view.t('section.communications'), table(view, 'communications-heading', communications, [
    { header: 'communications.sentAt', cell: (item) => view.instant(item.sentAt ?? item.createdAt) },
    { header: 'communications.channel', cell: (item) => view.label('channel', item.channel) },
    { header: 'communications.subject', cell: (item) => item.subject ?? '' },
    { header: 'communications.status', cell: (item) => view.label('communication', item.status) },
  ]));
}
