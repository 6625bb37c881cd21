#!/usr/bin/env node
// plan and drift on a generated tenant (10,000 users, one in 50 unmanaged,
// one in ten an administrator, a churned configuration), this build's CLI
// against another's (--other, e.g. main's), alternating runs so that load
// from other users of the machine falls on both alike. CPU time is reported.
//
//   node scripts/bench/lookalike-bench.mjs --other /work/main/dist/cmd/tenantctl.js [--size 10000] [--runs 3]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeCatalog, writeConfig } from './config.mjs';
import { measure } from './measure.mjs';
import { seedDirectory } from './seed.mjs';
import { churn, makeTenant } from './tenant.mjs';

const { values } = parseArgs({ options: { other: { type: 'string' }, size: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' } } });
const mine = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cmd', 'tenantctl.js');
if (!values.other) throw new Error('use --other CLI');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-lookalike-bench-'));
try {
  const size = Number(values.size);
  const users = makeTenant(size, 1);
  const database = path.join(work, 'db');
  const catalog = path.join(work, 'catalog.yaml');
  writeCatalog(catalog, size);
  const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: path.join(work, 'outbox.key') };
  const run = (cli, args) => measure([process.execPath, cli, ...args], { env, cwd: work });
  if ((await run(mine, ['init', '--catalog', catalog])).code !== 0) throw new Error('init failed');
  await seedDirectory(database, users.filter((_, i) => i % 50 !== 7), { managed: true });
  await seedDirectory(database, users.filter((_, i) => i % 50 === 7), { managed: false });
  const dir = path.join(work, 'churn');
  writeConfig(dir, churn(users, 2));
  const times = {};
  for (let r = 0; r < Number(values.runs); r++) {
    for (const [name, cli] of r % 2 === 0 ? [['mine', mine], ['other', values.other]] : [['other', values.other], ['mine', mine]]) {
      for (const command of ['plan', 'drift']) {
        const result = await run(cli, [command, '-c', dir, '--format', 'json']);
        (times[`${command} ${name}`] ??= []).push(`${Math.round(result.cpuMs ?? result.ms)} (exit ${result.code}${result.code === 1 ? `: ${result.stderr.slice(0, 200)}` : ""})`);
      }
    }
  }
  for (const [label, ms] of Object.entries(times)) console.log(`${label}: CPU ms ${ms.join(', ')} `);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
