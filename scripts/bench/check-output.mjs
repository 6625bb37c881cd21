#!/usr/bin/env node
// The planner's output must not change with speed work: this plans a
// generated tenant (fixed seed, seeded directory with fixed ids and
// timestamps) on the embedded database in text and JSON, and either saves
// the outputs or compares them byte for byte with saved ones. Standard error
// is compared too: it holds the located warnings.
//
//   node scripts/bench/check-output.mjs --save DIR      before
//   node scripts/bench/check-output.mjs --compare DIR   after (exit 1 on any difference)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeCatalog, writeConfig } from './config.mjs';
import { seedDirectory } from './seed.mjs';
import { churn, makeTenant } from './tenant.mjs';

const { values } = parseArgs({ options: { save: { type: 'string' }, compare: { type: 'string' }, size: { type: 'string', default: '3000' }, cli: { type: 'string' } } });
// --cli: another build's CLI, e.g. the main branch's, to save its outputs with this script.
const CLI = values.cli ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cmd', 'tenantctl.js');
const target = values.save ?? values.compare;
if (!target) throw new Error('use --save DIR or --compare DIR');

// A fixed path: the plan's configHash covers the files' paths. So runs take
// turns: a second run at the same time would seed the first one's database.
const work = path.join(os.tmpdir(), 'tenantctl-output-check');
const turn = `${work}.lock`;
for (let waited = 0; ; waited++) {
  try {
    fs.mkdirSync(turn);
    break;
  } catch (cause) {
    if (cause.code !== 'EEXIST' || waited >= 600) throw new Error(`${turn} is held by another run; remove it if no run is going on`, { cause });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
process.on('exit', () => fs.rmSync(turn, { recursive: true, force: true }));
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
try {
  const size = Number(values.size);
  const users = makeTenant(size, 1);
  const database = path.join(work, 'db');
  const catalog = path.join(work, 'catalog.yaml');
  writeCatalog(catalog, size);
  const env = { ...process.env, NO_COLOR: '1', TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: path.join(work, 'outbox.key') };
  const cli = (args) => spawnSync(process.execPath, [CLI, ...args], { env, cwd: work, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (cli(['init', '--catalog', catalog]).status !== 0) throw new Error('init failed');
  // Most users managed already, a few not: the plan adopts, creates, updates and deletes.
  await seedDirectory(database, users.filter((_, i) => i % 50 !== 7), { managed: true });
  await seedDirectory(database, users.filter((_, i) => i % 50 === 7), { managed: false });
  const outputs = {};
  // A deleted user is restorable until 30 days after planning, and the plan's
  // hash covers that time: both differ from run to run, everything else must not.
  const withoutClock = (text) =>
    text
      .replace(/("restorableUntil": ")[^"]+"/g, '$1<planned + 30 days>"')
      .replace(/("planHash": "sha256:)[0-9a-f]+"/g, '$1<hash>"')
      .replace(/(plan sha256:)[0-9a-f]+/g, '$1<hash>');
  // Progress lines tell elapsed seconds, which differ from run to run.
  const withoutProgress = (text) => text.split('\n').filter((line) => !/^tenantctl: .*\d+ s$/.test(line)).join('\n');
  for (const [name, config] of [['steady', users], ['churn', churn(users, 2)]]) {
    const dir = path.join(work, name);
    writeConfig(dir, config);
    for (const format of ['text', 'json', 'markdown']) {
      const run = cli(['plan', '-c', dir, '--format', format]);
      outputs[`${name}.${format}`] = `exit ${run.status}\n${withoutClock(run.stdout)}\n--- stderr\n${withoutProgress(run.stderr)}`;
    }
  }
  if (values.save) {
    fs.mkdirSync(target, { recursive: true });
    for (const [name, text] of Object.entries(outputs)) fs.writeFileSync(path.join(target, name), text);
    console.log(`saved ${Object.keys(outputs).length} outputs to ${target}`);
  } else {
    const different = Object.entries(outputs).filter(([name, text]) => fs.readFileSync(path.join(target, name), 'utf8') !== text);
    for (const [name] of different) console.log(`differs: ${name}`);
    console.log(different.length === 0 ? `all ${Object.keys(outputs).length} outputs identical` : `${different.length} output(s) differ`);
    process.exitCode = different.length === 0 ? 0 : 1;
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
