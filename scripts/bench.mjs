#!/usr/bin/env node
// `npm run bench`: speed and memory of the pipeline on generated tenants.
// Targets live here, not in timed tests. Each measurement runs in its own
// process so its peak RSS is its own.
//
//   npm run bench            10,000 users
//   npm run bench -- --full  also 100,000 users (minutes, several GB)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateTenantYaml } from './bench-yaml.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = (file) => pathToFileURL(path.join(here, '..', 'dist', 'src', file)).href;

function catalog() {
  const plans = ['EXCHANGE_S_STANDARD', 'SHAREPOINTSTANDARD', 'OFFICE_BUSINESS'];
  return {
    domains: [{ name: 'contoso.com', verified: true, isDefault: true }],
    subscriptions: [
      { sku: 'O365_BUSINESS_PREMIUM', productName: 'Premium', seats: 1_000_000, consumed: 0, unitPrice: 12.5, currency: 'USD', purchasable: true, servicePlans: plans },
      { sku: 'VISIOCLIENT', productName: 'Visio', seats: 1_000_000, consumed: 0, unitPrice: 15, currency: 'USD', purchasable: true, servicePlans: ['VISIOONLINE', 'VISIO_CLIENT_SUBSCRIPTION', 'EXCHANGE_S_FOUNDATION'] },
    ],
    roles: [],
  };
}

async function child(step, file) {
  const { loadConfig } = await import(dist('config/load-config.js'));
  const { computePlan } = await import(dist('plan/compute-plan.js'));
  const { BUILTIN_ROLES } = await import(dist('catalog/builtin-roles.js'));
  const tenant = { ...catalog(), roles: BUILTIN_ROLES };
  const load = () => loadConfig([file], { catalog: tenant, env: {}, phase: 'plan' });
  let run;
  if (step === 'load') {
    run = () => `${load().config?.state.users.size ?? 0} users valid`;
  } else {
    const { config, diagnostics } = load();
    if (!config) throw new Error(JSON.stringify(diagnostics.slice(0, 3)));
    // "unchanged": the database already holds exactly the configuration.
    const current = step === 'plan-create' ? new Map() : new Map([...config.state.users].map(([key, user]) => [key, { ...user, directory: { id: key, managed: true, deletedAt: null } }]));
    run = () => {
      const { plan } = computePlan({ desired: config.state, current: { users: current }, catalog: tenant, settings: config.settings, now: new Date() });
      return `${plan.changes.length} changes`;
    };
  }
  const started = performance.now();
  const detail = run();
  console.log(JSON.stringify({ ms: performance.now() - started, rssMB: process.resourceUsage().maxRSS / 1024, detail }));
}

function measure(step, file) {
  const run = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', step, file], { encoding: 'utf8' });
  if (run.status !== 0) return { error: (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

async function main(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-bench-'));
  try {
    const sizes = args.includes('--full') ? [10_000, 100_000] : [10_000];
    console.log(`node ${process.version}, ${os.cpus().length} CPUs`);
    for (const count of sizes) {
      const file = path.join(dir, `tenant-${count}.yaml`);
      fs.writeFileSync(file, generateTenantYaml(count).replaceAll('User administrator', 'User management administrator'));
      console.log(`${count} users (${(fs.statSync(file).size / 1e6).toFixed(1)} MB):`);
      for (const [label, step] of [['loadConfig (parse, schema, rules)', 'load'], ['computePlan, all new', 'plan-create'], ['computePlan, no changes', 'plan-same']]) {
        const r = measure(step, file);
        console.log(`  ${label.padEnd(36)} ${r.error ? `failed: ${r.error}` : `${(r.ms / 1000).toFixed(2).padStart(6)} s  peak RSS ${r.rssMB.toFixed(0).padStart(5)} MB  (${r.detail})`}`);
      }
    }
    console.log('\nThe YAML stage alone (scripts/bench-yaml.mjs):');
    spawnSync(process.execPath, [path.join(here, 'bench-yaml.mjs'), ...(args.includes('--full') ? [] : ['--skip-100k'])], { stdio: 'inherit' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const [flag, step, file] = process.argv.slice(2);
if (flag === '--child') await child(step, file);
else await main(process.argv.slice(2));
