/**
 * Mails and letters are counted where they go out: at the mail and print-partner ports, which
 * several activities use (a contract notice, an invoice delivery, a dunning step). A retried
 * attempt that finds its mail or letter sent answers `skipped` and is not counted.
 */
import type { MailActivities } from '../../activities/mail.activity';
import type { PrintPartnerActivities } from '../../activities/print-partner.activity';
import type { Metrics } from './metrics';

/** `mail`, counting each mail the SMTP server accepted (no `metrics`: `mail` itself). */
export function countingMail(mail: MailActivities, metrics: Metrics | undefined): MailActivities {
  if (!metrics) return mail;
  return {
    async sendMail(input) {
      const result = await mail.sendMail(input);
      if (result.status === 'sent') metrics.mailsSent.inc({ kind: input.kind ?? input.message.template });
      return result;
    },
  };
}

/** `letters`, counting each letter handed to the print partner (no `metrics`: `letters` itself). */
export function countingLetters(letters: PrintPartnerActivities, metrics: Metrics | undefined): PrintPartnerActivities {
  if (!metrics) return letters;
  return {
    async sendLetter(input) {
      const result = await letters.sendLetter(input);
      if (result.status === 'submitted') metrics.lettersDispatched.inc({ kind: input.kind });
      return result;
    },
  };
}
