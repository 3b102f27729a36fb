// Trial, plan change, pause, seats and deletion mails. The generic checks (every template × locale
// renders, names the customer and contract) are in render-mail.test.ts; here: their content.
import type { PlanId } from '../../src/domain/plans';
import { InvalidMailContextError, InvalidMailDateError } from '../../src/mail/format-mail-date';
import { MAIL_LOCALES, type MailContext, type MailMessage, type MailTemplateName } from '../../src/mail/mail-templates';
import { renderMail } from '../../src/mail/render-mail';
import { SAMPLES } from '../helpers/mail-samples';

const NBSP = '\u00a0';

/** The sample of `template` with some context fields replaced. */
function sample<K extends MailTemplateName>(template: K, overrides: Partial<MailContext<K>> = {}): MailMessage {
  const base: MailMessage = SAMPLES[template];
  return { template, context: { ...base.context, ...overrides } } as MailMessage;
}

describe('trial-reminder', () => {
  it('names the last trial day and the first paid day in German', () => {
    const mail = renderMail(SAMPLES['trial-reminder'], 'de');
    expect(mail.subject).toBe('Ihr Testzeitraum endet am 8. Februar 2027');
    expect(mail.text).toContain('Ihr kostenloser Testzeitraum endet mit Ablauf des 8. Februar 2027.');
    expect(mail.text).toContain('ab dem 9. Februar 2027');
    expect(mail.text).toContain('wählen Sie bis dahin einen Tarif und eine Zahlungsart');
    expect(mail.text).toContain('eine Kündigung ist nicht nötig');
    expect(mail.html).toContain('<strong>8. Februar 2027</strong>');
    expect(mail.html).toContain('9. Februar 2027');
  });

  it('says the same in English', () => {
    const mail = renderMail(SAMPLES['trial-reminder'], 'en');
    expect(mail.subject).toBe('Your free trial ends on 8 February 2027');
    expect(mail.text).toContain('From 9 February 2027, your contract then continues on the plan you chose.');
    expect(mail.text).toContain('choose a plan and a payment method');
    expect(mail.text).toContain('you do not need to cancel');
  });
});

describe('plan names', () => {
  // Every message after the original four takes plan ids and must never print one.
  const withPlans = ['trial-converted', 'plan-upgraded', 'plan-change-scheduled', 'plan-change-revoked', 'plan-downgraded', 'contract-resumed'] as const;
  const cases = withPlans.flatMap((template) => MAIL_LOCALES.map((locale) => [template, locale] as const));

  it.each(cases)('%s.%s shows display names, never the plan id', (template, locale) => {
    const mail = renderMail(SAMPLES[template], locale);
    expect(`${mail.subject}\n${mail.text}\n${mail.html}`).not.toMatch(/\b(basis|plus)\b/);
    expect(mail.text).toMatch(/\b(Basis|Plus)\b/);
  });

  // The types forbid these; a message from a stored or hand-made input may still carry one.
  it.each(['premium', 'Plus', ''])('rejects the unknown plan id %p', (id) => {
    const plan = id as PlanId;
    expect(() => renderMail(sample('trial-converted', { plan }), 'de')).toThrow(InvalidMailContextError);
    expect(() => renderMail(sample('plan-upgraded', { toPlan: plan }), 'en')).toThrow(/Unknown plan id/);
  });
});

describe('trial-converted', () => {
  it.each([
    ['de', 'Ihr Vertrag läuft ab dem 9. Februar 2027 im Tarif Plus weiter.'],
    ['en', 'Your contract continues on the Plus plan from 9 February 2027.'],
  ] as const)('%s: names the plan and the first paid day', (locale, sentence) => {
    expect(renderMail(SAMPLES['trial-converted'], locale).text).toContain(sentence);
  });
});

describe('plan-upgraded', () => {
  it('is effective immediately, names both plans and the seats, and prorates the month (de)', () => {
    const mail = renderMail(SAMPLES['plan-upgraded'], 'de');
    expect(mail.subject).toBe('Tarifwechsel bestätigt: Sie nutzen jetzt den Tarif Plus');
    expect(mail.text).toContain('vom Tarif Basis in den Tarif Plus');
    expect(mail.text).toContain('Der Wechsel gilt sofort, also ab dem 15. März 2027');
    expect(mail.text).toContain('Ihr Vertrag umfasst 3 Benutzerlizenzen.');
    expect(mail.text).toContain('anteilig nach Tagen');
  });

  it('says the same in English', () => {
    const mail = renderMail(SAMPLES['plan-upgraded'], 'en');
    expect(mail.text).toContain('from the Basis plan to the Plus plan');
    expect(mail.text).toContain('effective immediately, i.e. from 15 March 2027');
    expect(mail.text).toContain('Your contract includes 3 seats.');
    expect(mail.text).toContain('prorated by days');
  });

  it.each([
    [1, 'de', 'Ihr Vertrag umfasst eine Benutzerlizenz.'],
    [1, 'en', 'Your contract includes one seat.'],
    [1200, 'de', 'Ihr Vertrag umfasst 1.200 Benutzerlizenzen.'],
    [1200, 'en', 'Your contract includes 1,200 seats.'],
  ] as const)('%d seat(s) in %s: "%s"', (seats, locale, expected) => {
    const mail = renderMail(sample('plan-upgraded', { seats }), locale);
    expect(mail.text).toContain(expected);
    expect(mail.html).toContain(expected);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects %p seats', (seats) => {
    expect(() => renderMail(sample('plan-upgraded', { seats }), 'de')).toThrow(InvalidMailContextError);
  });
});

describe('plan-change-scheduled', () => {
  it('states the effective date and the last day to revoke in German', () => {
    const mail = renderMail(SAMPLES['plan-change-scheduled'], 'de');
    expect(mail.subject).toBe('Tarifwechsel bestätigt: ab dem 1. Juli 2027 im Tarif Basis');
    expect(mail.text).toContain('vom Tarif Plus in den Tarif Basis');
    expect(mail.text).toContain('Der Wechsel wird am 1. Juli 2027 wirksam.');
    expect(mail.text).toContain('Bis dahin stehen Ihnen alle Funktionen des Tarifs Plus unverändert zur Verfügung.');
    expect(mail.text).toContain('bis einschließlich 30. Juni 2027 zurücknehmen');
    expect(mail.text).toContain('alle Benutzer außer dem Hauptbenutzer');
    expect(mail.text).toContain('Konferenztermine (Termine mit drei oder mehr Teilnehmenden)');
    expect(mail.html).toContain('<strong>1. Juli 2027</strong>');
  });

  it('states the effective date and the last day to revoke in English', () => {
    const mail = renderMail(SAMPLES['plan-change-scheduled'], 'en');
    expect(mail.subject).toBe('Plan change confirmed: Basis plan from 1 July 2027');
    expect(mail.text).toContain('The change takes effect on 1 July 2027.');
    expect(mail.text).toContain('all features of the Plus plan remain available');
    expect(mail.text).toContain('until and including 30 June 2027');
    expect(mail.text).toContain('all users except the main user');
    expect(mail.text).toContain('cancel conference appointments (appointments with three or more participants)');
    expect(mail.html).toContain('<strong>1 July 2027</strong>');
  });

  it.each([
    ['2028-01-01', 'de', '31. Dezember 2027'],
    ['2028-03-01', 'de', '29. Februar 2028'],
    ['2027-03-01', 'en', '28 February 2027'],
  ] as const)('effective %s: revocable until and including %s', (effectiveOn, locale, lastDay) => {
    expect(renderMail(sample('plan-change-scheduled', { effectiveOn }), locale).text).toContain(lastDay);
  });

  it('rejects an impossible effective date', () => {
    expect(() => renderMail(sample('plan-change-scheduled', { effectiveOn: '2027-02-29' }), 'de')).toThrow(InvalidMailDateError);
  });
});

describe('plan-change-revoked and plan-downgraded', () => {
  it('revoked: the plan stays', () => {
    expect(renderMail(SAMPLES['plan-change-revoked'], 'de').text).toContain('Ihr Vertrag läuft unverändert im Tarif Plus weiter');
    expect(renderMail(SAMPLES['plan-change-revoked'], 'en').text).toContain('continues unchanged on the Plus plan');
  });

  it.each([
    ['de', 'seit dem 1. Juli 2027 nutzen Sie den Tarif Basis', 'außer dem Hauptbenutzer entfernt', 'Konferenztermine', 'eine Benutzerlizenz'],
    ['en', 'on the Basis plan since 1 July 2027', 'removed all users except the main user', 'conference appointments', 'one seat'],
  ] as const)('%s: downgraded names plan and date, removed users, cancelled conferences and 1 seat', (locale, ...parts) => {
    const { text } = renderMail(SAMPLES['plan-downgraded'], locale);
    for (const part of parts) expect(text).toContain(part);
  });
});

describe('contract-paused and contract-resumed', () => {
  it('pause (de): date, read-only access, net pause fee as "5,00 €"', () => {
    const mail = renderMail(SAMPLES['contract-paused'], 'de');
    expect(mail.text).toContain('seit dem 1. April 2027 pausiert');
    expect(mail.text).toContain('nur lesenden Zugriff');
    expect(mail.text).toContain('Die Grundgebühren Ihres Tarifs entfallen');
    expect(mail.text).toContain(`Pausengebühr von 5,00${NBSP}€ pro Monat (netto`);
    expect(mail.html).toContain(`<strong>5,00${NBSP}€</strong>`);
    expect(mail.text).toContain('jederzeit beenden');
  });

  it('pause (en): "€5.00"', () => {
    const mail = renderMail(SAMPLES['contract-paused'], 'en');
    expect(mail.text).toContain('paused since 1 April 2027');
    expect(mail.text).toContain('read-only access');
    expect(mail.text).toContain('pause fee of €5.00 per month (net');
    expect(mail.html).toContain('<strong>€5.00</strong>');
  });

  it('pause: formats other fees and rejects fractional cents', () => {
    expect(renderMail(sample('contract-paused', { pauseFeeCents: 1250 }), 'de').text).toContain(`12,50${NBSP}€`);
    expect(() => renderMail(sample('contract-paused', { pauseFeeCents: 4.99 }), 'en')).toThrow(InvalidMailContextError);
  });

  it.each([
    ['de', 'Ihr Vertrag im Tarif Plus ist seit dem 1. Mai 2027 wieder aktiv.'],
    ['en', 'your contract on the Plus plan has been active again since 1 May 2027.'],
  ] as const)('resume (%s): plan and date', (locale, sentence) => {
    expect(renderMail(SAMPLES['contract-resumed'], locale).text).toContain(sentence);
  });
});

describe('seats-changed', () => {
  it.each([
    [5, 'de', 'Ab dem 1. Mai 2027 umfasst Ihr Vertrag 5 Benutzerlizenzen.'],
    [5, 'en', 'from 1 May 2027, your contract includes 5 seats.'],
    [1, 'de', 'Ab dem 1. Mai 2027 umfasst Ihr Vertrag eine Benutzerlizenz.'],
    [1, 'en', 'from 1 May 2027, your contract includes one seat.'],
  ] as const)('%d seats in %s', (seats, locale, sentence) => {
    expect(renderMail(sample('seats-changed', { seats }), locale).text).toContain(sentence);
  });
});

describe('data-deletion-notice', () => {
  it.each([
    ['de', 'Löschung Ihrer Daten am 28. Oktober 2027', 'mit Ablauf des 30. Juni 2027 beendet', 'Am 28. Oktober 2027 löschen wir Ihre personenbezogenen Daten und Kontodaten (Profil, Benutzer, Termine).', 'Rechnungen und Buchungsbelege'],
    ['en', 'Your data will be deleted on 28 October 2027', 'ended at the end of 30 June 2027', 'On 28 October 2027 we will delete your personal and account data (profile, users, appointments).', 'Invoices and accounting records'],
  ] as const)('%s: end, deletion day and what is kept', (locale, subject, ended, deletion, kept) => {
    const mail = renderMail(SAMPLES['data-deletion-notice'], locale);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(ended);
    expect(mail.text).toContain(deletion);
    expect(mail.text).toContain(kept);
    expect(mail.text).toMatch(/Aufbewahrungsfristen|retention periods/);
  });
});

describe('InvalidMailContextError', () => {
  it('is the base of InvalidMailDateError, so one check covers every invalid context', () => {
    expect(() => renderMail(sample('trial-reminder', { paidFrom: '2027-02-30' }), 'de')).toThrow(InvalidMailContextError);
    expect(new InvalidMailDateError('x')).toBeInstanceOf(RangeError);
    expect(new InvalidMailDateError('x').name).toBe('InvalidMailDateError');
    expect(new InvalidMailContextError('x').name).toBe('InvalidMailContextError');
  });
});
