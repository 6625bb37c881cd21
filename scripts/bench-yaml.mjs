#!/usr/bin/env node
// Benchmarks the configuration loader on generated tenants of 10,000 and
// 100,000 users: time and peak RSS of loadYamlSources, of yaml's own `parse`
// for comparison, and of locateDiagnostics for one diagnostic in the 10k file.
// Each measurement runs in its own process, so peak RSS is that step's alone.
//
//   npx tsc -p tsconfig.json && node scripts/bench-yaml.mjs [--skip-100k] [--baseline-100k]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist', 'src', 'config');

/** A tenant with `count` users of ~12 attributes, roles and licenses, quoting, comments and Unicode. */
export function generateTenantYaml(count) {
  const departments = ['Sales', 'Engineering', 'Finance', 'Support', 'Legal'];
  const cities = ['Amsterdam', 'Zürich', 'São Paulo', 'Kraków', 'Malmö'];
  const lines = [
    '# yaml-language-server: $schema=../schemas/tenant.schema.json',
    'defaults:',
    '  usageLocation: NL',
    '  notify: [it-desk@contoso.com]',
    'settings:',
    '  minGlobalAdmins: 1',
    'users:',
  ];
  for (let i = 0; i < count; i++) {
    const department = departments[i % departments.length];
    lines.push(
      `  - userPrincipalName: user${i}@contoso.com`,
      `    displayName: "Üser ${i} #${i % 97}: de Vries"`,
      `    givenName: Üser${i}`,
      '    surname: de Vries',
      `    jobTitle: '${department} lead: tier ${i % 3}'`,
      `    department: ${department}`,
      `    mobilePhone: "+31 6 ${String(1000 + (i % 9000))} ${String(i % 10000).padStart(4, '0')}"`,
      `    businessPhones: ["+31 20 555 ${String(i % 10000).padStart(4, '0')}"]`,
      `    streetAddress: Herengracht ${(i % 500) + 1}`,
      `    city: ${cities[i % cities.length]}`,
      '    postalCode: 1015 BA',
      '    usageLocation: NL',
      `    accountEnabled: ${i % 13 !== 0}`,
      `    notify: [manager${i % 50}@contoso.com]   # who receives the credentials`,
      `    roles: [${i % 100 === 0 ? 'Global administrator, ' : ''}User administrator]`,
      '    licenses:',
      '      - O365_BUSINESS_PREMIUM',
      '      - sku: VISIOCLIENT',
      '        disabledPlans: [VISIOONLINE, "EXCHANGE_S_FOUNDATION"]',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Runs one measurement in this process and prints it as JSON; module loading is not timed. */
async function child(step, file) {
  const { loadYamlSources } = await import(pathToFileURL(path.join(dist, 'yaml-source.js')).href);
  const { locateDiagnostics } = await import(pathToFileURL(path.join(dist, 'locate.js')).href);
  const { parse } = await import('yaml');
  let run;
  if (step === 'load') {
    run = () => {
      const { files, diagnostics } = loadYamlSources([file]);
      return `${files.length} file, ${diagnostics.length} diagnostics`;
    };
  } else if (step === 'yaml-parse') {
    run = () => {
      parse(fs.readFileSync(file, 'utf8'));
      return 'yaml.parse, default options';
    };
  } else {
    // The located file as the loader would hand it over; its value plays no part here.
    const source = { file, text: fs.readFileSync(file, 'utf8'), value: null };
    const last = (source.text.match(/^ {2}- /gm) ?? []).length - 1;
    const diagnostic = { severity: 'error', code: 'BENCH', message: 'x', location: { file, path: ['users', last, 'licenses', 1, 'sku'] } };
    run = () => {
      const [located] = locateDiagnostics([source], [diagnostic]);
      return `users[${last}].licenses[1].sku at ${located.location.line}:${located.location.column}`;
    };
  }
  const started = performance.now();
  const detail = run();
  console.log(JSON.stringify({ ms: performance.now() - started, rssMB: process.resourceUsage().maxRSS / 1024, detail }));
}

function measure(step, file) {
  // 100,000 users through yaml's Document model need more than the default 4 GB heap.
  const run = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', step, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) return { error: (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

async function main(args) {
  if (!fs.existsSync(path.join(dist, 'yaml-source.js'))) {
    console.error('dist/ is missing: build first with `npx tsc -p tsconfig.json`');
    process.exitCode = 1;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-bench-yaml-'));
  try {
    const sizes = args.includes('--skip-100k') ? [10_000] : [10_000, 100_000];
    const files = new Map();
    for (const count of sizes) {
      const file = path.join(dir, `tenant-${count}.yaml`);
      fs.writeFileSync(file, generateTenantYaml(count));
      files.set(count, file);
    }
    const steps = [];
    for (const [count, file] of files) {
      if (count === 10_000 || args.includes('--baseline-100k')) steps.push([`yaml.parse (before), ${count} users`, 'yaml-parse', file]);
      steps.push([`loadYamlSources, ${count} users`, 'load', file]);
      if (count === 10_000) steps.push([`locateDiagnostics, 1 diagnostic, ${count} users`, 'locate', file]);
    }
    console.log(`node ${process.version}, ${os.cpus().length} CPUs; files in ${dir}`);
    for (const [count, file] of files) console.log(`  ${count} users: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
    for (const [label, step, file] of steps) {
      const result = measure(step, file);
      const line = result.error
        ? `failed: ${result.error}`
        : `${(result.ms / 1000).toFixed(2).padStart(7)} s  peak RSS ${result.rssMB.toFixed(0).padStart(5)} MB  (${result.detail})`;
      console.log(`${label.padEnd(44)} ${line}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isEntryPoint) {
  const [flag, step, file] = process.argv.slice(2);
  if (flag === '--child') await child(step, file);
  else await main(process.argv.slice(2));
}
