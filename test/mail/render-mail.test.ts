import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatMailDate, InvalidMailDateError } from '../../src/mail/format-mail-date';
import { MAIL_LOCALES, MAIL_TEMPLATE_NAMES, type MailMessage } from '../../src/mail/mail-templates';
import { createMailRenderer, renderMail, resolveMailTemplatesDir } from '../../src/mail/render-mail';
import { SAMPLES } from '../helpers/mail-samples';

const REPO_ROOT = path.resolve(__dirname, '../..');


const cancellation = (overrides: Partial<Extract<MailMessage, { template: 'cancellation-confirmed' }>['context']> = {}): MailMessage => ({
  template: 'cancellation-confirmed',
  context: { ...SAMPLES['cancellation-confirmed'].context, ...overrides },
});

describe('renderMail: every template in every locale', () => {
  const cases = MAIL_TEMPLATE_NAMES.flatMap((template) => MAIL_LOCALES.map((locale) => [template, locale] as const));

  it('covers all 22 templates in de and en', () => {
    expect(cases).toHaveLength(44);
  });

  it.each(cases)('%s.%s renders subject, text and a complete html document', (template, locale) => {
    const mail = renderMail(SAMPLES[template], locale);

    expect(mail.subject).not.toBe('');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('Erika Mustermann');
    expect(mail.text).toContain('c-1001');
    expect(mail.text).not.toMatch(/<\/?[a-z]+>|&[a-z]+;/); // no markup or entities in plain text
    expect(mail.text.endsWith('\n')).toBe(true);
    expect(mail.text).not.toMatch(/\n{3,}/);
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.html).toContain(`<html lang="${locale}">`);
    expect(mail.html).toContain('<p>');
    expect(mail.html).toContain('c-1001');
  });

  it.each(MAIL_TEMPLATE_NAMES)('%s has different subjects in de and en', (template) => {
    expect(renderMail(SAMPLES[template], 'de').subject).not.toBe(renderMail(SAMPLES[template], 'en').subject);
  });
});

describe('renderMail: cancellation-confirmed', () => {
  it('states the end date in German', () => {
    const mail = renderMail(cancellation(), 'de');
    expect(mail.subject).toBe('Kündigungsbestätigung: Ihr Vertrag endet am 30. Juni 2027');
    expect(mail.text).toContain('Ihr Vertrag endet mit Ablauf des 30. Juni 2027.');
    expect(mail.text).toContain('am 31. März 2027 bei uns eingegangen');
    expect(mail.html).toContain('Ihr Vertrag endet mit Ablauf des <strong>30. Juni 2027</strong>');
  });

  it('states the end date in English', () => {
    const mail = renderMail(cancellation(), 'en');
    expect(mail.subject).toBe('Cancellation confirmed: your contract ends on 30 June 2027');
    expect(mail.text).toContain('Your contract ends at the end of 30 June 2027.');
    expect(mail.text).toContain('received on 31 March 2027');
  });

  it.each([
    ['de', 'personenbezogenen Daten', 'Wechsel in einen kleineren Tarif'],
    ['en', 'personal and account data', 'downgrade'],
  ] as const)('%s: mentions data deletion and the dropped downgrade only when they apply', (locale, deletion, downgrade) => {
    const plain = renderMail(cancellation(), locale);
    expect(plain.text).not.toContain(deletion);
    expect(plain.text).not.toContain(downgrade);

    const withDeletion = renderMail(cancellation({ deleteData: true }), locale);
    expect(withDeletion.text).toContain(deletion);
    expect(withDeletion.html).toContain(deletion);
    expect(withDeletion.text).not.toContain(downgrade);

    const withDroppedDowngrade = renderMail(cancellation({ droppedPlanChange: true }), locale);
    expect(withDroppedDowngrade.text).toContain(downgrade);
    expect(withDroppedDowngrade.html).toContain(downgrade);
    expect(withDroppedDowngrade.text).not.toContain(deletion);
  });
});

describe('renderMail: other templates', () => {
  it('contract-started mentions the trial end only for a trial', () => {
    const trial = renderMail(SAMPLES['contract-started'], 'de');
    expect(trial.text).toContain('bis einschließlich 8. Februar 2027');
    expect(trial.text).toContain('am 10. Januar 2027 begonnen');

    const paid = renderMail({ ...SAMPLES['contract-started'], context: { ...SAMPLES['contract-started'].context, trialEndsOn: null } }, 'en');
    expect(paid.text).toContain('started on 10 January 2027');
    expect(paid.text).not.toMatch(/trial/i);
  });

  it('contract-ended names the last day in force and the deletion when chosen', () => {
    const ended = renderMail({ template: 'contract-ended', context: { ...SAMPLES['contract-ended'].context, deleteData: true } }, 'de');
    expect(ended.text).toContain('Ihr Vertrag ist mit Ablauf des 30. Juni 2027 beendet.');
    expect(ended.text).toContain('löschen wir nun Ihre personenbezogenen Daten');
    expect(renderMail(SAMPLES['contract-ended'], 'de').text).not.toContain('personenbezogenen');
  });
});

describe('renderMail: escaping', () => {
  const name = '<b>Müller & Söhne</b>';
  const message = cancellation({ customerName: name });

  it.each(MAIL_LOCALES)('%s: html escapes the customer name', (locale) => {
    const { html } = renderMail(message, locale);
    expect(html).toContain('&lt;b&gt;Müller &amp; Söhne&lt;/b&gt;');
    expect(html).not.toContain(name);
  });

  it.each(MAIL_LOCALES)('%s: text shows the customer name verbatim', (locale) => {
    const { text } = renderMail(message, locale);
    expect(text).toContain(name);
    expect(text).not.toContain('&amp;');
  });
});

describe('formatMailDate', () => {
  it.each([
    ['2027-06-30', 'de', '30. Juni 2027'],
    ['2027-06-30', 'en', '30 June 2027'],
    ['2028-02-29', 'de', '29. Februar 2028'],
    ['2027-03-01', 'de', '1. März 2027'],
    ['2027-12-31', 'en', '31 December 2027'],
    ['2028-01-01', 'en', '1 January 2028'],
  ] as const)('%s in %s is "%s"', (isoDate, locale, expected) => {
    expect(formatMailDate(isoDate, locale)).toBe(expected);
  });

  it.each(['2027-02-30', '2027-02-29', '2027-13-01', '2027-6-30', '30.06.2027', '2027-06-30T00:00:00Z', '0027-01-01', ''])(
    'rejects %p',
    (isoDate) => {
      expect(() => formatMailDate(isoDate, 'de')).toThrow(InvalidMailDateError);
    },
  );

  // Jest sandboxes process.env, so TZ can only be changed for a child process. It compiles
  // format-mail-date.ts with swc and prints the offset it ran under plus the formatted dates.
  it.each([
    ['Pacific/Kiritimati', -840],
    ['Pacific/Pago_Pago', 660],
    ['Europe/Berlin', -60],
  ] as const)('never shifts the day when the process runs in %s', (zone, offset) => {
    const script = `
      const { transformFileSync } = require('@swc/core');
      const { code } = transformFileSync(${JSON.stringify(path.join(REPO_ROOT, 'src/mail/format-mail-date.ts'))}, {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
      });
      const mod = { exports: {} };
      new Function('exports', 'require', 'module', code)(mod.exports, require, mod);
      const { formatMailDate } = mod.exports;
      console.log(JSON.stringify([new Date(Date.UTC(2027, 0, 1)).getTimezoneOffset(),
        formatMailDate('2027-01-01', 'de'), formatMailDate('2027-06-30', 'en')]));`;
    const output = execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, env: { ...process.env, TZ: zone }, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([offset, '1. Januar 2027', '30 June 2027']);
  });
});

describe('template files', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'mail-templates-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('are found from src/mail and from the compiled dist/src/mail', () => {
    const expected = path.join(REPO_ROOT, 'src', 'templates', 'mail');
    expect(resolveMailTemplatesDir(path.join(REPO_ROOT, 'src', 'mail'))).toBe(expected);
    expect(resolveMailTemplatesDir(path.join(REPO_ROOT, 'dist', 'src', 'mail'))).toBe(expected);
  });

  it('are found past a package.json emitted into dist/', () => {
    writeFileSync(path.join(tmp, 'package.json'), '{}');
    mkdirSync(path.join(tmp, 'src', 'templates', 'mail'), { recursive: true });
    mkdirSync(path.join(tmp, 'dist', 'src', 'mail'), { recursive: true });
    writeFileSync(path.join(tmp, 'dist', 'package.json'), '{}');
    expect(resolveMailTemplatesDir(path.join(tmp, 'dist', 'src', 'mail'))).toBe(path.join(tmp, 'src', 'templates', 'mail'));
  });

  const revoked: MailMessage = SAMPLES['cancellation-revoked'];
  const writeTemplate = (source: string): void => {
    writeFileSync(path.join(tmp, '_layout.html.hbs'), '{{{body}}}');
    writeFileSync(path.join(tmp, 'cancellation-revoked.de.hbs'), source);
  };

  it('must have all three sections', () => {
    writeTemplate('{{!-- @subject --}}\nS\n{{!-- @text --}}\nT\n');
    expect(() => createMailRenderer({ templatesDir: tmp }).render(revoked, 'de')).toThrow(/cancellation-revoked\.de\.hbs: expected sections/);
  });

  it('may not use a field the context lacks', () => {
    writeTemplate('{{!-- @subject --}}\nS\n{{!-- @text --}}\n{{customerNmae}}\n{{!-- @html --}}\n<p>x</p>\n');
    expect(() => createMailRenderer({ templatesDir: tmp }).render(revoked, 'de')).toThrow(/customerNmae/);
  });

  it('may not use formatting helpers', () => {
    writeTemplate('{{!-- @subject --}}\nS\n{{!-- @text --}}\n{{formatDate plan}}\n{{!-- @html --}}\n<p>x</p>\n');
    expect(() => createMailRenderer({ templatesDir: tmp }).render(revoked, 'de')).toThrow(/@text.*unknown helper formatDate/);
  });

  it('report a missing locale file', () => {
    writeTemplate('{{!-- @subject --}}\nS\n{{!-- @text --}}\nT\n{{!-- @html --}}\n<p>H</p>\n');
    const renderer = createMailRenderer({ templatesDir: tmp });
    expect(renderer.render(revoked, 'de')).toEqual({ subject: 'S', text: 'T\n', html: '<p>H</p>' });
    expect(() => renderer.render(revoked, 'en')).toThrow(/cancellation-revoked\.en\.hbs/);
  });
});
