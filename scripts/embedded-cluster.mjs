#!/usr/bin/env node
// Builds dist/embedded/: the database cluster PGlite's initdb makes, made once
// here instead of on every new embedded database, as a folder (cluster/, copied
// file by file into a new embedded database's folder) and as a tarball
// (cluster.tar.gz, loaded by PGlite for memory://).
// Why: initdb in WebAssembly is about 3.5 s of CPU and 800 MB of memory, most
// of `tenantctl init`; loading the tarball is a fraction of that, and copying
// the folder a fraction of that again (PGlite untars through its virtual file
// system, one JavaScript call per file operation). It is the empty cluster only
// (tenantctl's schema is still migrated at init), and it records the PGlite
// version that made it: src/db/embedded-cluster.ts runs initdb as before when
// the installed PGlite is another version.
//
// It runs after tsc, and asks the compiled tenantctl where the cluster goes and
// which PGlite is installed, so both read them the same way.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CLUSTER_FOLDER, clusterFiles, installedPgliteVersion, prebuiltClusterDir, wholeClusterFolder } from '../dist/src/db/embedded-cluster.js';

const out = prebuiltClusterDir();
const version = installedPgliteVersion();
if (!version) throw new Error('embedded-cluster: the installed @electric-sql/pglite has no readable version');

// The same PGlite makes the same cluster: a build that has one for this version keeps it.
try {
  const made = JSON.parse(fs.readFileSync(path.join(out, 'cluster.json'), 'utf8'));
  if (wholeClusterFolder(out) && fs.statSync(path.join(out, 'cluster.tar.gz')).size === made.bytes) process.exit(0);
} catch {
  // None yet, or unreadable: make it.
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const folder = path.join(out, CLUSTER_FOLDER);
const db = await PGlite.create(folder);
const tarball = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
await db.close();
// The files PostgreSQL keeps only while it runs: a new database must not start with them.
for (const name of ['postmaster.pid', 'postmaster.opts']) fs.rmSync(path.join(folder, name), { force: true });

const { folders, files, bytes } = clusterFiles(folder);
fs.writeFileSync(path.join(out, 'cluster.tar.gz'), tarball);
fs.writeFileSync(path.join(out, 'cluster.json'), `${JSON.stringify({ pglite: version, bytes: tarball.length, files: files.length, fileBytes: bytes, folders })}\n`);
