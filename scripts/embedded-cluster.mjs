#!/usr/bin/env node
// Builds dist/embedded/cluster.tar.gz: the database cluster PGlite's initdb
// makes, made once here instead of on every new embedded database.
// Why: initdb in WebAssembly is about 3.5 s of CPU and 800 MB of memory, most
// of `tenantctl init`; loading this tarball is a fraction of that. It is the
// empty cluster only (tenantctl's schema is still migrated at init), and it
// records the PGlite version that made it: src/db/embedded-cluster.ts runs
// initdb as before when the installed PGlite is another version.
//
// It runs after tsc, and asks the compiled tenantctl where the cluster goes and
// which PGlite is installed, so both read them the same way.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { installedPgliteVersion, prebuiltClusterDir } from '../dist/src/db/embedded-cluster.js';

const out = prebuiltClusterDir();
const version = installedPgliteVersion();
if (!version) throw new Error('embedded-cluster: the installed @electric-sql/pglite has no readable version');

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
