#!/usr/bin/env node
// The floor a tenantctl command is compared with, run as its own process:
// parse the same configuration files with the fastest YAML parser at hand
// (tenantctl's own block reader, src/config/block-reader.ts, for the files it
// reads, which are all of the benchmark's; js-yaml for any other) and read
// the same rows with plain queries, one per table, on the same database.
// Nothing tenantctl does can be cheaper than this.
//
//   node scripts/bench/floor.mjs DATABASE CONFIG_DIR
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { readBlockYaml } from '../../dist/src/config/block-reader.js';

const TABLES = ['users', 'user_roles', 'license_assignments', 'license_disabled_plans', 'subscriptions', 'service_plans'];

async function readRows(database) {
  if (/^postgres(ql)?:\/\//.test(database)) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: database, options: '-c search_path=tenantctl,public' });
    await client.connect();
    let rows = 0;
    for (const table of TABLES) rows += (await client.query(`SELECT * FROM ${table}`)).rows.length;
    await client.end();
    return rows;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(database);
  await db.exec('SET search_path TO tenantctl, public');
  let rows = 0;
  for (const table of TABLES) rows += (await db.query(`SELECT * FROM ${table}`)).rows.length;
  await db.close();
  return rows;
}

const [database, dir] = process.argv.slice(2);
let users = 0;
for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
  const text = fs.readFileSync(path.join(dir, name), 'utf8');
  users += (readBlockYaml(text)?.value ?? load(text))?.users?.length ?? 0;
}
const rows = await readRows(database);
console.log(JSON.stringify({ users, rows }));
