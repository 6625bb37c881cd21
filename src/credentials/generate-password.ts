import { randomInt } from 'node:crypto';
import { PASSWORD_MAX_LENGTH, PASSWORD_SYMBOLS, checkPasswordPolicy } from './password-policy.js';

/*
 * Temporary passwords are read off a screen or an email and typed by hand, so
 * characters that look alike in common fonts (I l 1 | O 0 o) are left out, as
 * are quotes, backquote and backslash, which get mangled when pasted into
 * shells and mail clients. What remains is 81 characters: about 101 bits over
 * 16 characters.
 */
const AMBIGUOUS = new Set('Il1|O0o\'"`\\');

function unambiguous(chars: string): string {
  return [...chars].filter((c) => !AMBIGUOUS.has(c)).join('');
}

const CLASSES: readonly string[] = [
  unambiguous('abcdefghijklmnopqrstuvwxyz'),
  unambiguous('ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  unambiguous('0123456789'),
  unambiguous(PASSWORD_SYMBOLS),
];
const ALPHABET = CLASSES.join('');

/*
 * The chance that a random password contains a given account name is small
 * (about 1 in 3 for a one-letter name, far less for real ones), so a retry
 * limit is only reached if something is broken; better an error than a hang.
 */
const MAX_ATTEMPTS = 1000;

/** A uniformly random character of `chars`; `randomInt` rejects samples, so no modulo bias. */
function pick(chars: string): string {
  return chars.charAt(randomInt(chars.length));
}

/** Fisher–Yates with a cryptographically secure index: every permutation equally likely. */
function shuffle(chars: string[]): void {
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
}

function candidate(): string {
  // One of each class first guarantees all four; the shuffle hides their positions.
  const chars = CLASSES.map(pick);
  while (chars.length < PASSWORD_MAX_LENGTH) chars.push(pick(ALPHABET));
  shuffle(chars);
  return chars.join('');
}

/**
 * Generates a temporary password for the account `accountName` (the UPN's
 * local part, or the UPN): 16 characters from `node:crypto`'s CSPRNG, with at
 * least one lower case letter, upper case letter, digit and symbol, no
 * look-alike characters, and satisfying `checkPasswordPolicy` (in particular,
 * not containing the account name).
 */
export function generatePassword(accountName: string): string {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const password = candidate();
    if (checkPasswordPolicy(password, accountName).length === 0) return password;
  }
  throw new Error(`could not generate a password that satisfies the policy in ${MAX_ATTEMPTS} attempts`);
}
