import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Cost parameters for new hashes (OWASP's scrypt recommendation). */
const DEFAULT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/*
 * Encoded hashes may come from a database someone else can write to; bounds on
 * the parameters keep a tampered row from making verification allocate
 * gigabytes or spin for minutes.
 */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MIN_MAXMEM_BYTES = 64 * 1024 * 1024;
const MAX_P = 16;

interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/*
 * OpenSSL counts 128·r·(N + 2) bytes for scrypt's V array plus 128·r·p for B
 * against `maxmem`: for the defaults that is just over Node's 32 MiB default,
 * which would make every call fail, hence the 64 MiB floor.
 */
function memoryNeeded({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + 2 + p);
}

/** `node:crypto`'s scrypt as a promise (`util.promisify` loses the options overload's types). */
function derive(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  const maxmem = Math.max(MIN_MAXMEM_BYTES, memoryNeeded(params));
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { ...params, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/**
 * Hashes a password with scrypt and a fresh random 16-byte salt. The result is
 * self-describing, `scrypt$N=32768,r=8,p=1$<salt base64>$<hash base64>`, so the
 * cost can be raised later without breaking stored hashes. It never contains
 * the password.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, DEFAULT_PARAMS);
  const { N, r, p } = DEFAULT_PARAMS;
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checks `password` against a hash made by `hashPassword`, using the parameters
 * recorded in `encoded` and a constant-time comparison. Resolves to false for a
 * wrong password; rejects with an Error when `encoded` is malformed or its
 * parameters are out of bounds.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { params, salt, key } = parseEncoded(encoded);
  const candidate = await derive(password, salt, key.length, params);
  return timingSafeEqual(candidate, key);
}

const ENCODED = /^scrypt\$N=([1-9][0-9]*),r=([1-9][0-9]*),p=([1-9][0-9]*)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function parseEncoded(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const match = ENCODED.exec(encoded);
  if (match === null) {
    // The input is a stored hash, not a secret, but there is no need to echo it either.
    throw new Error('malformed password hash: expected scrypt$N=<n>,r=<r>,p=<p>$<salt>$<hash>');
  }
  const [, n, r, p, saltText, keyText] = match as unknown as [string, string, string, string, string, string];
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const isPowerOfTwo = Number.isSafeInteger(params.N) && params.N > 1 && (params.N & (params.N - 1)) === 0;
  if (!isPowerOfTwo) throw new Error('malformed password hash: N must be a power of two greater than 1');
  if (!Number.isSafeInteger(params.r * params.p) || memoryNeeded(params) > MAX_MEMORY_BYTES || params.p > MAX_P) {
    throw new Error('malformed password hash: scrypt parameters exceed the allowed cost');
  }
  const salt = decodeBase64(saltText, 'salt');
  const key = decodeBase64(keyText, 'hash');
  if (salt.length < SALT_BYTES) throw new Error(`malformed password hash: salt is shorter than ${SALT_BYTES} bytes`);
  if (key.length < 16 || key.length > 64) throw new Error('malformed password hash: hash must be 16 to 64 bytes');
  return { params, salt, key };
}

/** Strict base64: `Buffer.from` silently skips bad characters, so require a lossless round trip. */
function decodeBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new Error(`malformed password hash: ${what} is not valid base64`);
  return bytes;
}
