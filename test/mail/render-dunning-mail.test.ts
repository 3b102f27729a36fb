// The dunning mails: payment reminder, 1st and final dunning letter, collection handover. The generic
// checks (every template × locale renders, names the customer and contract) are in
// render-mail.test.ts; here: amounts and dates as formatted, the parts that appear only when they apply.
import { InvalidMailContextError, InvalidMailDateError } from '../../src/mail/format-mail-date';
import { type MailContext, type MailMessage } from '../../src/mail/mail-templates';
import { renderMail } from '../../src/mail/render-mail';
import { SAMPLES } from '../helpers/mail-samples';

const NBSP = '\u00a0';

type DunningTemplate = 'payment-reminder' | 'dunning-letter-1' | 'dunning-letter-final' | 'collection-handover';

/** The sample of `template` with some context fields replaced. */
function sample<K extends DunningTemplate>(template: K, overrides: Partial<MailContext<K>> = {}): MailMessage {
  const base: MailMessage = SAMPLES[template];
  return { template, context: { ...base.context, ...overrides } } as MailMessage;
}

describe('payment-reminder', () => {
  it('names the invoice, its dates, the open amount and the pay-by date, and charges no fee (de)', () => {
    const mail = renderMail(SAMPLES['payment-reminder'], 'de');
    expect(mail.subject).toBe('Zahlungserinnerung: Rechnung 2027-000002');
    expect(mail.text).toContain(`Ihre Rechnung 2027-000002 vom 1. Februar 2027 war am 15. Februar 2027 fällig, und es ist noch ein Betrag von 82,11${NBSP}€ offen.`);
    expect(mail.text).toContain('Bitte überweisen Sie den offenen Betrag bis zum 28. Februar 2027');
    expect(mail.text).toContain('mit der Rechnungsnummer 2027-000002 als Verwendungszweck');
    expect(mail.text).toContain('Für diese Erinnerung berechnen wir keine Gebühr.');
    expect(mail.text).not.toMatch(/Mahnung|Inkasso|Zinsen/);
    expect(mail.html).toContain(`<strong>82,11${NBSP}€</strong>`);
  });

  it('says the same in English', () => {
    const mail = renderMail(SAMPLES['payment-reminder'], 'en');
    expect(mail.subject).toBe('Payment reminder: invoice 2027-000002');
    expect(mail.text).toContain('your invoice 2027-000002 of 1 February 2027 was due on 15 February 2027, and €82.11 of it is still open.');
    expect(mail.text).toContain('Please transfer the open amount by 28 February 2027');
    expect(mail.text).toContain('There is no fee for this reminder.');
  });
});

describe('dunning-letter-1', () => {
  it('says the 1. Mahnung is attached and sent by post, lists the charges and the total (de)', () => {
    const mail = renderMail(SAMPLES['dunning-letter-1'], 'de');
    expect(mail.subject).toBe('1. Mahnung: Rechnung 2027-000002');
    expect(mail.text).toContain('Ihre Rechnung 2027-000002, fällig am 15. Februar 2027, ist trotz Fälligkeit noch nicht vollständig bezahlt.');
    expect(mail.text).toContain('Unsere 1. Mahnung finden Sie im Anhang dieser E-Mail; Sie erhalten sie außerdem per Post.');
    expect(mail.text).toContain(
      ['Mit der Mahnung berechnen wir:', `- Mahngebühr: 5,00${NBSP}€`, `- Verzugszinsen: 0,32${NBSP}€`, `- Verzugspauschale nach § 288 Abs. 5 BGB: 40,00${NBSP}€`].join('\n'),
    );
    expect(mail.text).toContain(`Offen sind damit insgesamt 127,43${NBSP}€. Bitte überweisen Sie diesen Betrag bis zum 11. März 2027`);
    expect(mail.html).toContain(`<li>Verzugspauschale nach § 288 Abs. 5 BGB: 40,00${NBSP}€</li>`);
    expect(mail.text).not.toMatch(/Inkasso|Auskunftei/);
  });

  it('says the same in English', () => {
    const mail = renderMail(SAMPLES['dunning-letter-1'], 'en');
    expect(mail.subject).toBe('First reminder notice: invoice 2027-000002');
    expect(mail.text).toContain('Our first reminder notice is attached to this e-mail; you will also receive it by post.');
    expect(mail.text).toContain(['- Dunning fee: €5.00', '- Default interest: €0.32', '- Flat-rate fee under section 288 (5) German Civil Code (BGB): €40.00'].join('\n'));
    expect(mail.text).toContain('This brings the total due to €127.43. Please transfer this amount by 11 March 2027');
  });

  it.each(['de', 'en'] as const)('%s: lists only the charges that are not zero, and none when all are', (locale) => {
    const [flatFee, interest] = locale === 'de' ? ['Verzugspauschale', 'Verzugszinsen'] : ['Flat-rate fee', 'Default interest'];
    const consumer = renderMail(sample('dunning-letter-1', { flatFeeCents: 0, totalCents: 8743 }), locale);
    expect(consumer.text).not.toContain(flatFee);
    expect(consumer.html).not.toContain(flatFee);
    expect(consumer.text).toContain(interest);

    const noCharges = renderMail(sample('dunning-letter-1', { feeCents: 0, interestCents: 0, flatFeeCents: 0, totalCents: 8211 }), locale);
    expect(noCharges.text).not.toMatch(locale === 'de' ? /berechnen wir|Mahngebühr/ : /we charge|Dunning fee/);
    expect(noCharges.html).not.toContain('<ul>');
    expect(noCharges.text).toContain(locale === 'de' ? `insgesamt 82,11${NBSP}€` : 'total due to €82.11');
  });

  it('rejects fractional and negative amounts', () => {
    expect(() => renderMail(sample('dunning-letter-1', { feeCents: 500.5 }), 'de')).toThrow(InvalidMailContextError);
    expect(() => renderMail(sample('dunning-letter-1', { interestCents: -1 }), 'de')).toThrow(/Not an amount of cents ≥ 0: -1/);
    expect(() => renderMail(sample('dunning-letter-1', { totalCents: 0.1 }), 'en')).toThrow(InvalidMailContextError);
    expect(() => renderMail(sample('dunning-letter-1', { payBy: '2027-02-30' }), 'en')).toThrow(InvalidMailDateError);
  });
});

describe('dunning-letter-final', () => {
  it('announces the handover on handoverOn and the credit-bureau report (de)', () => {
    const mail = renderMail(SAMPLES['dunning-letter-final'], 'de');
    expect(mail.subject).toBe('Letzte Mahnung: Rechnung 2027-000002');
    expect(mail.text).toContain('Unsere letzte Mahnung finden Sie im Anhang dieser E-Mail; Sie erhalten sie außerdem per Post.');
    expect(mail.text).toContain(`Offen sind damit insgesamt 132,75${NBSP}€. Bitte überweisen Sie diesen Betrag bis zum 25. März 2027`);
    expect(mail.text).toContain('Geht der Betrag nicht bis zum 25. März 2027 bei uns ein, übergeben wir die Forderung am 29. März 2027 an ein Inkassounternehmen.');
    expect(mail.text).toContain(
      'können wir die Forderung nach Ablauf von vier Wochen seit unserer ersten Mahnung, jedoch nicht vor dem 29. März 2027, an eine Auskunftei übermitteln, ' +
        'sofern Sie die Forderung nicht bestritten haben (§ 31 Abs. 2 Satz 1 Nr. 4 BDSG).',
    );
    // The flat fee was booked with the first letter.
    expect(mail.text).not.toContain('Verzugspauschale');
  });

  it('says the same in English', () => {
    const mail = renderMail(SAMPLES['dunning-letter-final'], 'en');
    expect(mail.subject).toBe('Final demand: invoice 2027-000002');
    expect(mail.text).toContain('If we have not received the amount by 25 March 2027, we will hand the claim over to a collection agency on 29 March 2027.');
    expect(mail.text).toContain('we may report the claim to a credit reference agency once four weeks have passed since our first reminder notice, but not before 29 March 2027');
  });

  it.each([
    ['de', 'Auskunftei', 'Inkassounternehmen'],
    ['en', 'credit reference agency', 'collection agency'],
  ] as const)('%s: mentions the credit bureau only when the report is announced, the handover always', (locale, bureau, agency) => {
    const withoutReport = renderMail(sample('dunning-letter-final', { announceCreditReport: false }), locale);
    expect(withoutReport.text).not.toContain(bureau);
    expect(withoutReport.html).not.toContain(bureau);
    expect(withoutReport.text).not.toContain('BDSG');
    expect(withoutReport.text).toContain(agency);
    const withReport = renderMail(SAMPLES['dunning-letter-final'], locale);
    expect(withReport.html).toContain(bureau);
  });
});

describe('collection-handover', () => {
  it('names the agency, the day, the claim and its invoices, and the suspension (de)', () => {
    const mail = renderMail(SAMPLES['collection-handover'], 'de');
    expect(mail.subject).toBe('Übergabe der offenen Forderung an ein Inkassounternehmen');
    expect(mail.text).toContain(
      `da der offene Betrag von insgesamt 214,86${NBSP}€ trotz unserer Mahnungen nicht bezahlt wurde, haben wir die Forderung am 29. März 2027 ` +
        'an das Inkassounternehmen Muster Inkasso GmbH übergeben.',
    );
    expect(mail.text).toContain('Offene Rechnungen: 2027-000002, 2027-000003');
    expect(mail.text).toContain('Ihr Vertrag ist seit dem 29. März 2027 gesperrt: Bis zur vollständigen Zahlung haben Sie nur lesenden Zugriff auf Ihr Konto.');
    expect(mail.text).toContain('Sobald die Forderung vollständig bezahlt ist, schalten wir Ihren Vertrag wieder frei.');
  });

  it('says the same in English, and escapes the agency name in html', () => {
    const mail = renderMail(SAMPLES['collection-handover'], 'en');
    expect(mail.text).toContain('we handed the claim over to the collection agency Muster Inkasso GmbH on 29 March 2027.');
    expect(mail.text).toContain('Open invoices: 2027-000002, 2027-000003');
    expect(mail.text).toContain('Your contract has been suspended since 29 March 2027');
    const escaped = renderMail(sample('collection-handover', { agencyName: 'Müller & Partner Inkasso' }), 'en');
    expect(escaped.html).toContain('Müller &amp; Partner Inkasso');
    expect(escaped.text).toContain('Müller & Partner Inkasso');
  });
});
