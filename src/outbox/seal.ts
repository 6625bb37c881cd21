import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
// Loaded when first needed: most commands seal nothing, and every command starts faster without them.
import { loadAge as age, loadBase } from './on-demand-libraries.js';

type Age = Awaited<ReturnType<typeof age>>;
type Base = Awaited<ReturnType<typeof loadBase>>;

/** Seals one secret for the recipient it was made for. */
export type Sealer = (secret: string) => Promise<string>;

const X25519_LABEL = 'age-encryption.org/v1/X25519';

/** The public key of a native X25519 recipient (`age1…`), or null for any other kind or a malformed one. */
function x25519PublicKey({ bech32 }: Base, recipient: string): KeyObject | null {
  if (!recipient.startsWith('age1') || /^age1(pq|tag)/.test(recipient)) return null;
  let decoded: { prefix: string; bytes: Uint8Array };
  try {
    decoded = bech32.decodeToBytes(recipient);
  } catch {
    return null; // the library refuses it in its own words
  }
  const { prefix, bytes } = decoded;
  if (prefix !== 'age' || bytes.length !== 32) return null;
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(bytes).toString('base64url') }, format: 'jwk' });
}

/**
 * age's X25519 recipient stanza (age-encryption.org/v1: an ephemeral share,
 * HKDF-SHA-256 of the shared secret salted with the share and the recipient,
 * ChaCha20-Poly1305 of the file key under a zero nonce), computed with
 * node:crypto's synchronous X25519. Why not the library's own: it goes through
 * WebCrypto, whose every call is a job on libuv's thread pool, queued behind
 * the scrypt hashes that apply runs there at the same moment, so no password
 * was sealed before the last hash ended; and importing its keys cost about
 * 1.5 ms of this thread per password. The library still writes the header,
 * its MAC and the payload, and opens what this seals (test/outbox).
 */
function nativeRecipient({ base64nopad }: Base, Stanza: Age['Stanza'], publicKey: KeyObject): { wrapFileKey(fileKey: Uint8Array): InstanceType<Age['Stanza']>[] } {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  return {
    wrapFileKey(fileKey) {
      const ephemeral = generateKeyPairSync('x25519');
      const share = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x as string, 'base64url');
      const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey });
      const key = Buffer.from(hkdfSync('sha256', secret, Buffer.concat([share, raw]), X25519_LABEL, 32));
      const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 });
      const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
      return [new Stanza(['X25519', base64nopad.encode(share)], body)];
    },
  };
}

/**
 * A sealer for the outbox's public key `recipient`: each call seals one
 * temporary password as an ASCII-armored age file, what the database stores
 * instead of the password and what `age -d -i KEYFILE` opens by hand. The key
 * is read once; sealing takes this thread a fraction of a millisecond and
 * never waits for the thread pool.
 */
export async function sealerFor(recipient: string): Promise<Sealer> {
  const [{ armor, Encrypter, Stanza }, base] = await Promise.all([age(), loadBase()]);
  const publicKey = x25519PublicKey(base, recipient);
  const wrap = publicKey === null ? null : nativeRecipient(base, Stanza, publicKey);
  return async (secret) => {
    const encrypter = new Encrypter();
    encrypter.addRecipient(wrap ?? recipient);
    return armor.encode(await encrypter.encrypt(secret));
  };
}

/** Seals one secret for `recipient` (see `sealerFor`, for many). */
export async function sealSecret(recipient: string, secret: string): Promise<string> {
  return (await sealerFor(recipient))(secret);
}

/** Opens a sealed secret; throws when none of the identities can. */
export async function openSealed(identities: readonly string[], sealed: string): Promise<string> {
  const { armor, Decrypter } = await age();
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  return decrypter.decrypt(armor.decode(sealed), 'text');
}
