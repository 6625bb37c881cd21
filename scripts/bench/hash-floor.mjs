#!/usr/bin/env node
// One scrypt hash with tenantctl's production parameters, timed on one
// thread: the creation step's floor is count × this ÷ cores.
// `--samples N` hashes N times (default 5) and reports the medians.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { hashPassword } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'credentials', 'hash-password.js')).href);

const flag = process.argv.indexOf('--samples');
const samples = flag === -1 ? 5 : Number(process.argv[flag + 1]);
if (!Number.isInteger(samples) || samples < 1) throw new Error(`--samples takes a whole number, got ${process.argv[flag + 1]}`);

const times = [];
const cpu = [];
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
await hashPassword('Warm-up-1a'); // pays for OpenSSL's initialisation, and maps the thread's memory (scenarios.mjs)
for (let i = 0; i < samples; i++) {
  const [started, startedCpu] = [performance.now(), cpuNow()];
  await hashPassword(`Bench-pass-${i}A`);
  times.push(performance.now() - started);
  cpu.push(cpuNow() - startedCpu);
}
const middle = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
// CPU time is what a free core would take; wall time includes waiting for a busy one.
console.log(JSON.stringify({ msPerHash: middle(times), cpuMsPerHash: middle(cpu), samples }));
