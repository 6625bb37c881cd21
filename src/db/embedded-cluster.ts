import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageRoot } from '../package-root.js';

/**
 * The empty cluster scripts/embedded-cluster.mjs made at build time with the
 * installed PGlite, as an uncompressed tarball for PGlite's `loadDataDir`; or
 * undefined, and PGlite runs initdb (about 3.5 s of CPU) as it would without
 * it: when the build made none, or made it with another PGlite version.
 */
export function prebuiltCluster(dir = prebuiltClusterDir()): Blob | undefined {
  let made: { pglite?: unknown };
  try {
    made = JSON.parse(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as { pglite?: unknown };
  } catch {
    return undefined;
  }
  if (made.pglite !== installedPgliteVersion()) return undefined;
  try {
    // zlib here is native; PGlite's own gzip path inflates in JavaScript.
    return new Blob([gunzipSync(fs.readFileSync(path.join(dir, 'cluster.tar.gz')))]);
  } catch {
    // A damaged installation still gets a database, the slow way.
    return undefined;
  }
}

/** Where the build keeps the cluster (cluster.tar.gz) and what made it (cluster.json). */
export function prebuiltClusterDir(): string {
  return path.join(packageRoot(), 'dist', 'embedded');
}

/** The version of the PGlite this tenantctl loads; the cluster is used only if the same one made it. */
export function installedPgliteVersion(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}
