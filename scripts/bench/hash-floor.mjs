#!/usr/bin/env node
// One scrypt hash with tenantctl's production parameters, timed on one
// thread: the creation step's floor is count × this ÷ cores.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { hashPassword } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'credentials', 'hash-password.js')).href);

const times = [];
await hashPassword('Warm-up-1a'); // first call pays for OpenSSL's initialisation
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  await hashPassword(`Bench-pass-${i}A`);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ msPerHash: times[2] }));
