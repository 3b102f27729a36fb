/**
 * The portal's texts in German (default) and English, and the formatters for money and dates.
 * Pure data and Intl only: the server renders the page shell from the same table (no DOM here).
 */
export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Every message as [German, English]: both languages side by side, so none is forgotten. */
const MESSAGES = {
  'app.title': ['Kundenportal', 'Customer portal'],
  'app.documentTitle': ['Kundenportal – Vertragswerk', 'Customer portal – Vertragswerk'],
  'app.brand': ['Vertragswerk', 'Vertragswerk'],
  'app.skip': ['Zum Inhalt springen', 'Skip to content'],
  'app.switchLanguage': ['English', 'Deutsch'],
  'app.signOut': ['Abmelden', 'Sign out'],
  'app.toolbar': ['Sprache und Konto', 'Language and account'],
  'app.terminate': ['Verträge hier kündigen', 'Cancel contracts here'],
  'app.footer': ['Alle Preise netto zuzüglich gesetzlicher Umsatzsteuer. Ihren Vertrag können Sie jederzeit hier online kündigen („Verträge hier kündigen“, § 312k BGB).', 'All prices net plus statutory VAT. You can cancel your contract online here at any time ("Cancel contracts here", § 312k BGB).'],
  'app.noscript': ['Das Kundenportal benötigt JavaScript.', 'The customer portal needs JavaScript.'],
  'app.loading': ['Wird geladen …', 'Loading …'],
  'signIn.heading': ['Anmelden', 'Sign in'],
  'signIn.token': ['Zugangstoken', 'Access token'],
  'signIn.hint': ['Ihren persönlichen Zugangstoken erhalten Sie von unserem Kundenservice.', 'Our customer service gives you your personal access token.'],
  'signIn.submit': ['Anmelden', 'Sign in'],
  'signIn.required': ['Bitte geben Sie Ihren Zugangstoken ein.', 'Please enter your access token.'],
  'signIn.toTerminate': ['Bitte melden Sie sich an, um Ihren Vertrag zu kündigen.', 'Please sign in to cancel your contract.'],
  'signIn.failed': ['Anmeldung fehlgeschlagen: {detail}', 'Sign-in failed: {detail}'],
  'nav.label': ['Bereiche', 'Sections'],
  'section.customer': ['Stammdaten', 'Customer details'],
  'section.billing': ['Rechnungsdaten', 'Billing details'],
  'section.contract': ['Vertrag', 'Contract'],
  'section.users': ['Nutzer', 'Users'],
  'section.appointments': ['Termine', 'Appointments'],
  'section.invoices': ['Rechnungen', 'Invoices'],
  'section.statement': ['Kontoauszug', 'Account statement'],
  'section.communications': ['Kommunikation', 'Communications'],
  'customer.name': ['Name', 'Name'],
  'customer.email': ['E-Mail', 'E-mail'],
  'customer.address': ['Anschrift', 'Address'],
  'customer.vatId': ['USt-IdNr.', 'VAT ID'],
  'billing.delivery': ['Rechnungsversand', 'Invoice delivery'],
  'delivery.email': ['per E-Mail', 'by e-mail'],
  'delivery.post': ['per Post', 'by post'],
  'payment.current': ['Zahlungsart', 'Payment method'],
  'payment.sepa': ['SEPA-Lastschrift', 'SEPA direct debit'],
  'payment.card': ['Kreditkarte', 'Credit card'],
  'payment.transfer': ['Überweisung', 'Bank transfer'],
  'payment.mandate': ['Mandatsreferenz {reference}', 'Mandate reference {reference}'],
  'payment.ibanLast4': ['IBAN endet auf {last4}', 'IBAN ending in {last4}'],
  'payment.cardLast4': ['Karte endet auf {last4}', 'Card ending in {last4}'],
  'payment.change': ['Zahlungsart ändern', 'Change payment method'],
  'payment.type': ['Neue Zahlungsart', 'New payment method'],
  'payment.iban': ['IBAN', 'IBAN'],
  'payment.holder': ['Kontoinhaber', 'Account holder'],
  'payment.signedOn': ['Datum der Unterschrift des Mandats', 'Date the mandate was signed'],
  'payment.mandateText': ['Mit dem Speichern ermächtigen Sie uns, Zahlungen von Ihrem Konto mittels SEPA-Lastschrift einzuziehen. Sie können innerhalb von acht Wochen ab Belastung die Erstattung verlangen.', 'By saving you authorise us to collect payments from your account by SEPA direct debit. You may ask for a refund within eight weeks of the debit.'],
  'payment.cardToken': ['Karten-Token', 'Card token'],
  'payment.cardHint': ['Den Token erzeugt das Kartenformular unseres Zahlungsdienstleisters; Kartendaten erreichen uns nie.', "Our payment provider's card form creates the token; card details never reach us."],
  'payment.save': ['Zahlungsart speichern', 'Save payment method'],
  'payment.saved': ['Die Zahlungsart wurde gespeichert.', 'The payment method is saved.'],
  'contract.select': ['Vertrag auswählen', 'Choose a contract'],
  'contract.none': ['Zu Ihrem Zugang gibt es noch keinen Vertrag.', 'There is no contract for your access yet.'],
  'contract.plan': ['Tarif', 'Plan'],
  'contract.seats': ['Plätze', 'Seats'],
  'contract.features': ['Funktionen', 'Features'],
  'contract.price': ['Preis', 'Price'],
  'contract.priceValue': ['{total} pro Monat netto ({perSeat} je Platz)', '{total} per month net ({perSeat} per seat)'],
  'contract.vatNote': ['zuzüglich {rate} % Umsatzsteuer', 'plus {rate} % VAT'],
  'contract.status': ['Status', 'Status'],
  'contract.startedOn': ['Vertragsbeginn', 'Start'],
  'contract.trialEndsOn': ['Testphase bis', 'Trial until'],
  'contract.endedOn': ['Vertragsende', 'Ended on'],
  'contract.openAmount': ['Offener Betrag', 'Open amount'],
  'contract.dunning': ['Mahnstufe', 'Dunning level'],
  'contract.dunningOnHold': ['{level} (angehalten)', '{level} (on hold)'],
  'contract.actions': ['Vertrag ändern', 'Change the contract'],
  'contract.changePlan': ['Tarif wechseln', 'Change plan'],
  'contract.cancel': ['Vertrag kündigen', 'Cancel contract'],
  'contract.cancelDelete': ['Vertrag kündigen und Daten löschen', 'Cancel contract and delete data'],
  'status.trial': ['Testphase', 'Trial'],
  'status.active': ['Aktiv', 'Active'],
  'status.paused': ['Pausiert', 'Paused'],
  'status.suspended': ['Gesperrt', 'Suspended'],
  'status.ended': ['Beendet', 'Ended'],
  'dunning.0': ['keine', 'none'],
  'dunning.1': ['Zahlungserinnerung', 'Payment reminder'],
  'dunning.2': ['1. Mahnung', 'First dunning letter'],
  'dunning.3': ['Letzte Mahnung', 'Final dunning letter'],
  'dunning.4': ['An Inkasso übergeben', 'Handed over to collection'],
  'feature.appointments': ['Terminbuchung', 'Appointment booking'],
  'feature.video-calls-2': ['Videosprechstunde (2 Personen)', 'Video calls (2 people)'],
  'feature.conferences': ['Konferenzen', 'Conferences'],
  'feature.sms-invitations': ['SMS-Einladungen', 'SMS invitations'],
  'notice.cancellation.heading': ['Kündigung vorgemerkt', 'Cancellation pending'],
  'notice.cancellation.text': ['Ihr Vertrag ist gekündigt und endet am {endsOn}.', 'Your contract is cancelled and ends on {endsOn}.'],
  'notice.cancellation.received': ['Ihre Kündigung ist am {receivedOn} eingegangen.', 'We received your cancellation on {receivedOn}.'],
  'notice.cancellation.deleteData': ['Ihre Daten werden nach Vertragsende gelöscht.', 'Your data will be deleted after the contract ends.'],
  'notice.cancellation.revoke': ['Kündigung widerrufen', 'Revoke cancellation'],
  'notice.cancellation.revoked': ['Ihre Kündigung ist widerrufen. Der Vertrag läuft weiter.', 'Your cancellation is revoked. The contract continues.'],
  'notice.planChange.heading': ['Tarifwechsel vorgemerkt', 'Plan change pending'],
  'notice.planChange.text': ['Ihr Tarif wechselt am {effectiveOn} zu {plan}.', 'Your plan changes to {plan} on {effectiveOn}.'],
  'notice.planChange.revoke': ['Tarifwechsel widerrufen', 'Revoke plan change'],
  'notice.planChange.revoked': ['Der Tarifwechsel ist widerrufen.', 'The plan change is revoked.'],
  'cancel.title': ['Vertrag kündigen', 'Cancel contract'],
  'cancel.titleDelete': ['Vertrag kündigen und Daten löschen', 'Cancel contract and delete data'],
  'cancel.intro': ['Sie kündigen Ihren Vertrag „{plan}“ ordentlich zum nächstmöglichen Termin.', 'You are giving ordinary notice on your contract "{plan}" for the earliest possible date.'],
  'cancel.contract': ['Vertragsnummer', 'Contract number'],
  'cancel.receivedOn': ['Eingang der Kündigung', 'Notice received on'],
  'cancel.endsOn': ['Ihr Vertrag endet am', 'Your contract ends on'],
  'cancel.deleteData': ['Meine Daten nach Vertragsende löschen', 'Delete my data after the contract ends'],
  'cancel.deleteDataHint': ['Rechnungen und Buchungen bewahren wir so lange auf, wie das Gesetz es verlangt.', 'Invoices and bookings are kept as long as the law requires.'],
  'cancel.reason': ['Grund (freiwillig)', 'Reason (optional)'],
  'cancel.confirm': ['Kündigung bestätigen', 'Confirm cancellation'],
  'cancel.done': ['Ihre Kündigung ist eingegangen. Der Vertrag endet am {endsOn}; eine Bestätigung erhalten Sie per E-Mail.', 'We received your cancellation. The contract ends on {endsOn}; a confirmation is on its way by e-mail.'],
  'cancel.already': ['Ihr Vertrag ist bereits gekündigt und endet am {endsOn}.', 'Your contract is already cancelled and ends on {endsOn}.'],
  'dialog.abort': ['Abbrechen', 'Cancel'],
  'plan.title': ['Tarif wechseln', 'Change plan'],
  'plan.choose': ['Neuer Tarif', 'New plan'],
  'plan.option': ['{name}: {price} je Platz und Monat netto', '{name}: {price} per seat and month net'],
  'plan.effectiveOn': ['Wirksam ab', 'Takes effect on'],
  'plan.effectiveNow': ['{date} (sofort)', '{date} (immediately)'],
  'plan.effectiveLater': ['{date} (nach Ablauf der Kündigungsfrist; bis dahin bleibt Ihr Tarif)', '{date} (after the notice period; your plan stays until then)'],
  'plan.acceptTerms': ['Ich habe die Allgemeinen Geschäftsbedingungen (AGB) gelesen und akzeptiere sie.', 'I have read and accept the terms and conditions.'],
  'plan.termsRequired': ['Bitte akzeptieren Sie die AGB, um den Tarif zu wechseln.', 'Please accept the terms and conditions to change the plan.'],
  'plan.confirm': ['Tarifwechsel bestätigen', 'Confirm plan change'],
  'plan.doneNow': ['Ihr Tarif ist jetzt {plan}.', 'Your plan is now {plan}.'],
  'plan.doneLater': ['Ihr Tarif wechselt am {date} zu {plan}.', 'Your plan changes to {plan} on {date}.'],
  'users.name': ['Name', 'Name'],
  'users.email': ['E-Mail', 'E-mail'],
  'users.role': ['Rolle', 'Role'],
  'role.main': ['Hauptnutzer', 'Main user'],
  'role.member': ['Mitglied', 'Member'],
  'appointments.startsAt': ['Beginn', 'Starts'],
  'appointments.participants': ['Teilnehmende', 'Participants'],
  'appointments.status': ['Status', 'Status'],
  'appointment.scheduled': ['geplant', 'scheduled'],
  'appointment.cancelled': ['abgesagt', 'cancelled'],
  'invoices.number': ['Rechnungsnummer', 'Invoice number'],
  'invoices.issuedOn': ['Rechnungsdatum', 'Issued on'],
  'invoices.dueOn': ['Fällig am', 'Due on'],
  'invoices.gross': ['Betrag (brutto)', 'Amount (gross)'],
  'invoices.open': ['Offen', 'Open'],
  'invoices.status': ['Status', 'Status'],
  'invoices.document': ['Dokument', 'Document'],
  'invoices.download': ['PDF herunterladen', 'Download PDF'],
  'invoices.downloadLabel': ['Rechnung {number} als PDF herunterladen', 'Download invoice {number} as PDF'],
  'invoiceStatus.open': ['offen', 'open'],
  'invoiceStatus.paid': ['bezahlt', 'paid'],
  'invoiceStatus.destroyed': ['gelöscht (Aufbewahrungsfrist abgelaufen)', 'deleted (retention period over)'],
  'statement.balance': ['Saldo', 'Balance'],
  'statement.balanceHint': ['Ein positiver Saldo ist offen, ein negativer ist Ihr Guthaben.', 'A positive balance is owed, a negative one is your credit.'],
  'statement.pdf': ['Kontoauszug als PDF herunterladen', 'Download the account statement as PDF'],
  'statement.bookedOn': ['Buchungsdatum', 'Booked on'],
  'statement.type': ['Buchung', 'Booking'],
  'statement.description': ['Beschreibung', 'Description'],
  'statement.amount': ['Betrag', 'Amount'],
  'entry.invoice': ['Rechnung', 'Invoice'],
  'entry.payment': ['Zahlung', 'Payment'],
  'entry.fee': ['Gebühr', 'Fee'],
  'entry.interest': ['Zinsen', 'Interest'],
  'entry.credit': ['Gutschrift', 'Credit'],
  'entry.chargeback': ['Rücklastschrift', 'Chargeback'],
  'entry.prepayment': ['Vorauszahlung', 'Prepayment'],
  'entry.refund-blocked': ['Erstattung gesperrt', 'Refund blocked'],
  'communications.sentAt': ['Datum', 'Date'],
  'communications.channel': ['Kanal', 'Channel'],
  'communications.subject': ['Betreff', 'Subject'],
  'communications.status': ['Status', 'Status'],
  'channel.email': ['E-Mail', 'E-mail'],
  'channel.letter': ['Brief', 'Letter'],
  'communication.pending': ['in Vorbereitung', 'pending'],
  'communication.sent': ['versendet', 'sent'],
  'communication.failed': ['fehlgeschlagen', 'failed'],
  'list.empty': ['Keine Einträge.', 'No entries.'],
  'error.problem': ['Das hat nicht geklappt: {detail}', 'That did not work: {detail}'],
  'error.network': ['Der Server ist nicht erreichbar. Bitte versuchen Sie es später noch einmal.', 'The server cannot be reached. Please try again later.'],
  'done.downloaded': ['{file} wurde heruntergeladen.', '{file} has been downloaded.'],
} as const satisfies Record<string, readonly [string, string]>;

/** A message key of the portal. */
export type MessageKey = keyof typeof MESSAGES;

const LOCALE_INDEX: Record<Locale, 0 | 1> = { de: 0, en: 1 };

/** Whether `value` names a locale of the portal. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Whether `key` is a message key (for keys built from API values, e.g. `status.${status}`). */
export function isMessageKey(key: string): key is MessageKey {
  return key in MESSAGES;
}

/** The message `key` in `locale` with `{name}` placeholders filled from `params`. */
export function translate(locale: Locale, key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  return MESSAGES[key][LOCALE_INDEX[locale]].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const INTL_LOCALE: Record<Locale, string> = { de: 'de-DE', en: 'en-GB' };

/** Money in minor units, e.g. `{ amount: 5700, currency: 'EUR' }` → "57,00 €". */
export function formatMoney(locale: Locale, money: { amount: number; currency: string }): string {
  // Display only: Intl wants units; every sum the portal shows is integer cents from the API.
  return new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency: money.currency }).format(money.amount / 100);
}

/** A legal date `YYYY-MM-DD` as written in the locale ("30. Juni 2027", "30 June 2027"). */
export function formatDate(locale: Locale, localDate: string): string {
  const [year, month, day] = localDate.split('-').map(Number);
  // NOTE: the date is a calendar day, not an instant: format it in UTC so no zone shifts it.
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** An instant (ISO 8601) as a date and time in `timeZone` (the contract's zone). */
export function formatInstant(locale: Locale, instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(instant));
}
