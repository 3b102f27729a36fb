/**
 * IBAN check (ISO 13616): country code, check digits, and the mod-97 test. Spaces are ignored.
 * Returns the normalized IBAN (upper case, no spaces) or null when invalid.
 */
export function normalizeIban(input: string): string | null {
  const iban = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return null;
  // NOTE: country-specific lengths (DE 22, AT 20) are enforced for the two markets we serve.
  const lengths: Record<string, number> = { DE: 22, AT: 20 };
  const expected = lengths[iban.slice(0, 2)];
  if (expected !== undefined && iban.length !== expected) return null;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1 ? iban : null;
}
