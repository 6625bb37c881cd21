// The password hasher's process (bundled as dist/cmd/tenantctl-hasher.js),
// started by src/credentials/hasher-process.ts: one JSON request per line on
// stdin, `{"id":1,"password":"…"}`, one answer per line on stdout as each
// hash ends, `{"id":1,"hash":"scrypt$…"}` or `{"id":1,"error":"…"}`. It exits
// when stdin ends and the last hash has been written. Nothing else is written:
// the passwords go nowhere but scrypt.
import readline from 'node:readline';
import { hashPassword } from '../src/credentials/hash-password.js';

const answer = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  let request: { id?: unknown; password?: unknown };
  try {
    request = JSON.parse(line) as typeof request;
  } catch {
    answer({ id: null, error: 'a request that is not JSON' });
    return;
  }
  const { id, password } = request;
  if (typeof id !== 'number' || typeof password !== 'string') {
    answer({ id: typeof id === 'number' ? id : null, error: 'a request without a numeric id and a password' });
    return;
  }
  hashPassword(password).then(
    (hash) => answer({ id, hash }),
    (cause: unknown) => answer({ id, error: cause instanceof Error ? cause.message : String(cause) }),
  );
});
