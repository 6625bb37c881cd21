#!/usr/bin/env node
// Builds dist/embedded/cluster.tar.gz: the database cluster PGlite's initdb
// makes, made once here instead of on every new embedded database.
// Why: initdb in WebAssembly is about 3.5 s of CPU and 800 MB of memory, most
// of `tenantctl init`; loading this tarball is a fraction of that. It is the
// empty cluster only (tenantctl's schema is still migrated at init), and it
// records the PGlite version that made it: src/db/embedded-cluster.ts runs
// initdb as before when the installed PGlite is another version.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'embedded');
const pgliteManifest = path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json');
const { version } = JSON.parse(fs.readFileSync(pgliteManifest, 'utf8'));

// The same PGlite makes the same cluster: a build that has one for this version keeps it.
try {
  const made = JSON.parse(fs.readFileSync(path.join(out, 'cluster.json'), 'utf8'));
  if (made.pglite === version && fs.statSync(path.join(out, 'cluster.tar.gz')).size === made.bytes) process.exit(0);
} catch {
  // None yet, or unreadable: make it.
}

const db = await PGlite.create();
const tarball = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
await db.close();

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'cluster.tar.gz'), tarball);
fs.writeFileSync(path.join(out, 'cluster.json'), `${JSON.stringify({ pglite: version, bytes: tarball.length })}\n`);
