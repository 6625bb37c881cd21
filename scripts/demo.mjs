// The README's first command: init, plan, apply and plan again on a fresh
// embedded database, printing each step as a user would type it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cmd', 'tenantctl.js');
const database = path.join('.tenantctl', 'demo-db');
// The outbox's private key (it opens the sealed temporary passwords), kept
// beside the demo database: .tenantctl/ is ignored by git.
const outboxKey = path.join('.tenantctl', 'demo-outbox.key');

fs.rmSync(path.join(root, database), { recursive: true, force: true });
fs.rmSync(path.join(root, `${database}.lock`), { force: true });
fs.rmSync(path.join(root, outboxKey), { force: true });

const steps = [
  ['init', '--catalog', 'examples/contoso/catalog.yaml'],
  ['plan', '-c', 'examples/contoso'],
  ['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--actor', 'demo'],
  ['plan', '-c', 'examples/contoso', '--detailed-exitcode'],
];

for (const args of steps) {
  process.stdout.write(`\n$ tenantctl ${args.join(' ')}\n`);
  const run = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: outboxKey },
  });
  if (run.status !== 0) {
    process.stderr.write(`\ndemo: \`tenantctl ${args[0]}\` exited with ${run.status}\n`);
    process.exit(1);
  }
}
process.stdout.write(`\nThe demo database is in ${database}; try: TENANTCTL_DATABASE_URL=${database} npx tenantctl plan -c examples/contoso\n`);
