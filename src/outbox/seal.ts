// Loaded when first needed: most commands seal nothing, and every command starts faster without it.
import { loadAge as age } from './on-demand-libraries.js';

/**
 * Seals one temporary password for the outbox's public key, as an ASCII-armored
 * age file: what the database stores instead of the password, and what
 * `age -d -i KEYFILE` opens by hand.
 */
export async function sealSecret(recipient: string, secret: string): Promise<string> {
  const { armor, Encrypter } = await age();
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(secret));
}

/** Opens a sealed secret; throws when none of the identities can. */
export async function openSealed(identities: readonly string[], sealed: string): Promise<string> {
  const { armor, Decrypter } = await age();
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  return decrypter.decrypt(armor.decode(sealed), 'text');
}
