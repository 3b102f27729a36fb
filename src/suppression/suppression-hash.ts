import { createHash } from 'node:crypto';
import { normalizeEmail } from '../domain/account-rules';

/**
 * SHA-256 (hex) of the normalized address: the key of the suppression list. Only the hash is
 * stored, so an unsubscribed address can still be matched after its personal data is deleted.
 */
export function suppressionHash(email: string): string {
  return createHash('sha256').update(normalizeEmail(email), 'utf8').digest('hex');
}
