#!/usr/bin/env node
// `npm run bench`: tenantctl end to end, as administrators run it. For each
// size it generates a tenant, seeds it by SQL on a throwaway PostgreSQL and
// on the embedded database, and runs the built CLI as a process:
//
//   adopt   export, plan and apply of the adoption of an existing directory
//   steady  plan (text and JSON), drift and validate with nothing to change
//   churn   plan and apply of 1 % changed, 0.5 % added, 0.5 % removed
//   create  apply creating 500 users (smallest size only), beside the
//           hashing floor (500 × one hash ÷ cores)
//
// Each figure is the median wall time of --repeat runs (default 3) and the
// peak RSS of the process, beside the floor of the same run (scripts/bench/
// floor.mjs). It prints a table and writes BENCHMARKS.md (--no-write: not).
//
//   npm run bench -- --sizes 1000,10000,100000 [--repeat 3] [--engines postgres,embedded]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { postgresAvailable, startPostgres } from './postgres-server.mjs';
import { removeRssFiles } from './bench/measure.mjs';
import { runScenarios } from './bench/scenarios.mjs';
import { NOTES_MARKER, renderReport, renderTable } from './bench/report.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: npm run bench -- [--sizes 1000,10000,100000] [--repeat 3] [--engines postgres,embedded]
                        [--create 500] [--no-write] [--out BENCHMARKS.md]
  --sizes    user counts to generate, each at least 100 (default 1000,10000)
  --repeat   runs of each step; the median is reported (default 3)
  --engines  postgres, embedded or both (default both)
  --create   users created by the create step, at the smallest size (default 500)
  --no-write print the table only; BENCHMARKS.md is left as it is
  --out      the report to write (default BENCHMARKS.md)`;

/** A wrong option ends the script with what was wrong and the usage, not a stack trace. */
function usageError(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000' },
      repeat: { type: 'string', default: '3' },
      engines: { type: 'string', default: 'postgres,embedded' },
      create: { type: 'string', default: '500' },
      'no-write': { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(root, 'BENCHMARKS.md') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (cause) {
  usageError(cause.message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const sizes = values.sizes.split(',').map((s) => Number(s.replace(/_/g, '')));
if (sizes.some((n) => !Number.isInteger(n) || n < 100)) usageError(`--sizes takes user counts of at least 100, e.g. 1000,10000 (got ${values.sizes})`);
const engines = values.engines.split(',');
if (engines.length === 0 || engines.some((e) => e !== 'postgres' && e !== 'embedded')) usageError(`--engines takes postgres, embedded or both (got ${values.engines})`);
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) usageError(`--repeat takes a number of runs of at least 1 (got ${values.repeat})`);
const createCount = Number(values.create);
if (!Number.isInteger(createCount) || createCount < 1) usageError(`--create takes a number of users of at least 1 (got ${values.create})`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-bench-'));
let server = null;
const cleanUp = async () => {
  await server?.stop();
  fs.rmSync(work, { recursive: true, force: true });
  removeRssFiles();
};
// A run of the largest sizes takes half an hour and gigabytes of temporary files: an interrupted
// one stops its server and removes them, as a finished one does, instead of leaving them behind.
let interrupted = false;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => {
    interrupted = true;
    // Steps and clients fail as the server stops under them: nothing of theirs to report.
    process.on('uncaughtException', () => {});
    process.on('unhandledRejection', () => {});
    console.error(`\n${signal}: stopping the benchmark's PostgreSQL and removing ${work}`);
    cleanUp()
      .catch(() => undefined)
      .finally(() => process.exit(code));
  });
}
try {
  if (engines.includes('postgres')) {
    if (!postgresAvailable()) throw new Error('PostgreSQL 15 binaries not found (initdb, pg_ctl, postgres): install postgresql-15, or run with --engines embedded');
    server = await startPostgres();
  }
  const started = new Date();
  const results = await runScenarios({ work, sizes, engines, repeat, createCount, adminUrl: server?.url ?? null, log: (line) => console.error(line) });
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  console.log(renderTable(results));
  if (!values['no-write']) {
    // Notes written by hand below the marker (before/after figures, analysis) survive a new run.
    const previous = fs.existsSync(values.out) ? fs.readFileSync(values.out, 'utf8') : '';
    const kept = previous.includes(NOTES_MARKER) ? previous.slice(previous.indexOf(NOTES_MARKER)) : `${NOTES_MARKER}\n`;
    fs.writeFileSync(values.out, `${renderReport(results, { command, started })}\n${kept}`);
    console.error(`Wrote ${path.relative(process.cwd(), values.out)}`);
  }
} catch (error) {
  // A step that failed because the server stopped under it: the signal's handler ends the process.
  if (interrupted) await new Promise(() => {});
  throw error;
} finally {
  await cleanUp();
}
