import { fullFormats } from 'ajv-formats/dist/formats.js';
import { codePointCount } from '../diagnostics/code-point.js';

/** At most this many addresses receive a new user's credentials (the admin center's limit). */
export const MAX_NOTIFY_ADDRESSES = 5;

const MAX_EMAIL_LENGTH = 254;

/** ajv-formats' full `email` format, the one the schema's `format: email` applies. */
const EMAIL = fullFormats.email as RegExp;

/** Why `address` (as written) is not an email address, or null when it is one. Shared with the schema check. */
export function emailProblem(address: string): string | null {
  const length = codePointCount(address);
  if (length > MAX_EMAIL_LENGTH) return `"${[...address.slice(0, 80)].slice(0, 40).join('')}…" in notify is ${length} characters long; an email address has at most ${MAX_EMAIL_LENGTH}`;
  if (EMAIL.test(address)) return null;
  const hint = /[,\s]/.test(address.trim()) ? '; separate several addresses with ";" or write them as a list' : '';
  return `"${address}" in notify is not a valid email address (name@domain, e.g. it-desk@contoso.com)${hint}`;
}

export function tooManyAddresses(count: number): string {
  return `notify lists ${count} addresses, but credentials go to at most ${MAX_NOTIFY_ADDRESSES}; keep ${MAX_NOTIFY_ADDRESSES} or fewer (a shared mailbox or distribution list counts as one)`;
}
