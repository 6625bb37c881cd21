// The benchmark's scenarios, for one size and one database at a time. Each
// apply runs on a fresh copy of the database it was planned against (a
// PostgreSQL template, or a copy of the embedded folder), so the repeats
// measure the same work.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDatabase } from '../postgres-server.mjs';
import { writeCatalog, writeConfig } from './config.mjs';
import { measure, repeated } from './measure.mjs';
import { seedDirectory } from './seed.mjs';
import { churn, makeTenant, makeUser, random, userId } from './tenant.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// The command users run (package.json "bin"), which sizes the thread pool to the cores.
const CLI = path.join(here, '..', '..', 'dist', 'cmd', 'tenantctl.cjs');
const FLOOR = path.join(here, 'floor.mjs');
const HASH_FLOOR = path.join(here, 'hash-floor.mjs');
const { MALLOC_KEEPS_SCRYPT_MEMORY } = await import(pathToFileURL(path.join(here, '..', '..', 'dist', 'src', 'credentials', 'hasher-process.js')).href);
/**
 * One scrypt hash alone, timed in a process of its own (hash-floor.mjs), as
 * fast as this machine makes one: with the malloc setting tenantctl's hasher
 * process runs with, on one thread whose memory the warm-up hash has mapped
 * (60 ms of CPU on these machines, against 150 ms with glibc's default).
 */
const oneHash = async () =>
  JSON.parse((await measure([process.execPath, HASH_FLOOR], { env: { GLIBC_TUNABLES: MALLOC_KEEPS_SCRYPT_MEMORY, UV_THREADPOOL_SIZE: '1' } })).stdout);

/** Where a database lives, and how to make a copy of it. */
function engineFor(kind, adminUrl, work) {
  let count = 0;
  if (kind === 'postgres') {
    const nameOf = (url) => decodeURIComponent(new URL(url).pathname.slice(1));
    return {
      kind,
      create: (label) => createDatabase(adminUrl, `bench_${label}_${count++}`),
      copy: (url, label) => createDatabase(adminUrl, `bench_${label}_${count++}`, nameOf(url)),
    };
  }
  return {
    kind,
    create: async (label) => path.join(work, `db-${label}-${count++}`),
    copy: async (folder, label) => {
      const target = path.join(work, `db-${label}-${count++}`);
      fs.cpSync(folder, target, { recursive: true });
      return target;
    },
  };
}

export async function runScenarios({ work, sizes, engines, repeat, createCount, adminUrl, log }) {
  const results = [];
  const cores = os.availableParallelism();
  const hash = await oneHash();
  log(`one scrypt hash: ${hash.cpuMsPerHash.toFixed(0)} ms of CPU (${hash.msPerHash.toFixed(0)} ms wall); ${cores} cores`);
  for (const size of sizes) {
    const dir = path.join(work, `n${size}`);
    const users = makeTenant(size, 1);
    const configDir = path.join(dir, 'config');
    writeConfig(configDir, users);
    const churnDir = path.join(dir, 'churn');
    const churned = churn(users, 2);
    writeConfig(churnDir, churned);
    const createDir = path.join(dir, 'create');
    const rng = random(3);
    writeConfig(createDir, [...users, ...Array.from({ length: createCount }, (_, k) => makeUser(rng, size + 1_000_000 + k, userId(3, k)))]);
    const catalog = path.join(dir, 'catalog.yaml');
    writeCatalog(catalog, size + createCount);
    const added = churned.length - users.length + Math.round(size * 0.005);
    for (const kind of engines) {
      log(`${size} users, ${kind}:`);
      const rows = await runOne({ size, kind, dir, configDir, churnDir, createDir, catalog, engine: engineFor(kind, adminUrl, work), repeat, log,
        create: size === sizes[0] ? createCount : 0, cores, hashFloorMs: (n) => (n * hash.cpuMsPerHash) / cores, hashCpuMs: (n) => n * hash.cpuMsPerHash, added });
      results.push(...rows);
    }
  }
  return { results, cores, msPerHash: hash.cpuMsPerHash };
}

async function runOne({ size, kind, dir, configDir, churnDir, createDir, catalog, engine, repeat, log, create, cores, hashFloorMs, hashCpuMs, added }) {
  const rows = [];
  const outboxKey = path.join(dir, `outbox-${kind}.key`);
  const cli = (database, args) => measure([process.execPath, CLI, ...args], { env: { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: outboxKey }, cwd: dir });
  const record = (step, figure, floor, extra = {}) => {
    const floorMs = floor.ms;
    const row = { size, engine: kind, step, ms: figure.ms, cpuMs: figure.cpuMs, rssMB: figure.rssMB, floorMs, floorCpuMs: floor.cpuMs, ...extra };
    rows.push(row);
    log(`  ${step.padEnd(26)} ${(figure.ms / 1000).toFixed(2).padStart(7)} s  ${figure.cpuMs === null ? '' : `CPU ${(figure.cpuMs / 1000).toFixed(2)} s  ${figure.rssMB.toFixed(0)} MB`}  (floor ${(floorMs / 1000).toFixed(2)} s)`);
  };

  const base = await engine.create(`${kind}_${size}`);
  const init = await cli(base, ['init', '--catalog', catalog]);
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  await seedDirectory(base, (await import('./tenant.mjs')).makeTenant(size, 1));
  const floor = async (database, config) => repeated('floor', repeat, () => measure([process.execPath, FLOOR, database, config]));

  // adopt: export the directory, plan its adoption, apply it.
  const exported = path.join(dir, `exported-${kind}`);
  const readFloor = await floor(base, configDir);
  record('adopt: export', await repeated('export', repeat, () => cli(base, ['export', '--split', 'department', '--out', exported, '--force'])), readFloor);
  const adoptPlan = path.join(dir, `adopt-${kind}.json`);
  record('adopt: plan', await repeated('adopt plan', repeat, () => cli(base, ['plan', '-c', exported, '--out', adoptPlan])), readFloor);
  let adopted = null;
  record('adopt: apply', await repeated('adopt apply', repeat, () => cli(adopted, ['apply', '--plan', adoptPlan, '-c', exported, '--auto-approve', '--approve-privileged']), {
    prepare: async () => { adopted = await engine.copy(base, `${kind}_${size}_adopted`); },
  }), readFloor);

  // The configuration's settings (its adminEmail, which no export can write before an apply
  // recorded one) recorded by an apply of their own, as the pull request setting them would be:
  // the steady state is after it, with no settings left to record. A new adminEmail is privileged.
  const settled = await cli(adopted, ['apply', '-c', configDir, '--auto-approve', '--approve-privileged']);
  if (settled.code !== 0) throw new Error(`recording the configuration's settings failed: ${settled.stderr}`);

  // steady: nothing to change.
  const steadyFloor = await floor(adopted, configDir);
  const steadyPlan = await repeated('steady plan', repeat, () => cli(adopted, ['plan', '-c', configDir, '--detailed-exitcode']));
  record('steady: plan', steadyPlan, steadyFloor, { target: size === 10_000 && kind === 'postgres' ? 800 : size === 100_000 && kind === 'postgres' ? 5000 : null });
  record('steady: plan --format json', await repeated('steady plan json', repeat, () => cli(adopted, ['plan', '-c', configDir, '--format', 'json'])), steadyFloor);
  record('steady: drift', await repeated('steady drift', repeat, () => cli(adopted, ['drift', '-c', configDir])), steadyFloor);
  record('steady: validate', await repeated('validate', repeat, () => cli(adopted, ['validate', '-c', configDir])), steadyFloor);

  // churn: 1 % changed, 0.5 % added, 0.5 % removed.
  const churnPlan = path.join(dir, `churn-${kind}.json`);
  const planned = await repeated('churn plan', repeat, () => cli(adopted, ['plan', '-c', churnDir, '--out', churnPlan]));
  record('churn: plan', planned, steadyFloor);
  let churning = null;
  const applied = await repeated('churn apply', repeat, () => cli(churning, ['apply', '--plan', churnPlan, '-c', churnDir, '--auto-approve', '--approve-deletions', '--approve-privileged']), {
    prepare: async () => { churning = await engine.copy(adopted, `${kind}_${size}_churn`); },
  });
  record('churn: apply', applied, { ms: steadyFloor.ms + hashFloorMs(added), cpuMs: steadyFloor.cpuMs === null ? null : steadyFloor.cpuMs + hashCpuMs(added) }, { note: `includes hashing ${added} new passwords` });

  if (create > 0) {
    // The host's speed drifts by 10-20 % over minutes, so one hash is timed
    // again right before and right after each repeat (5 hashes each, medians),
    // and the floor is the median of those: "count × one hash ÷ cores" as fast
    // as this host hashed around the step, not minutes before it.
    let creating = null;
    const nearby = [];
    const created = await repeated('create', repeat, async () => {
      const before = await oneHash();
      const run = await cli(creating, ['apply', '-c', createDir, '--auto-approve', '--approve-privileged']);
      const after = await oneHash();
      nearby.push(before.cpuMsPerHash, after.cpuMsPerHash);
      return run;
    }, {
      prepare: async () => { creating = await engine.copy(adopted, `${kind}_${size}_create`); },
    });
    // An even count of samples: the mean of the two middle ones, leaning neither way.
    const sorted = [...nearby].sort((a, b) => a - b);
    const msPerHash = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
    const floor = { ms: (create * msPerHash) / cores, cpuMs: create * msPerHash };
    // The share of the process's CPU time that is hashing: everything else should vanish next to it.
    const share = created.cpuMs === null ? null : floor.cpuMs / created.cpuMs;
    const timed = `one hash ${msPerHash.toFixed(0)} ms of CPU around the step`;
    record(`create: apply ${create} users`, created, floor, { note: share === null ? `floor: hashing alone, ${timed}` : `${timed}; hashing is ${Math.round(share * 100)} % of its CPU time` });
  }
  return rows;
}
