import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageRoot } from '../package-root.js';

/** The folder of dist/embedded that holds the cluster's files, as PGlite wrote them. */
export const CLUSTER_FOLDER = 'cluster';

interface Made {
  readonly pglite?: unknown;
  readonly files?: unknown;
  readonly fileBytes?: unknown;
  /** Listed, as a published package holds no empty folder (npm packs files only). */
  readonly folders?: unknown;
}

/** What the build recorded in cluster.json, if the installed PGlite made it. */
function madeByInstalledPglite(dir: string): Made | undefined {
  let made: Made;
  try {
    made = JSON.parse(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as Made;
  } catch {
    return undefined;
  }
  return made.pglite === installedPgliteVersion() ? made : undefined;
}

/**
 * The empty cluster scripts/embedded-cluster.mjs made at build time with the
 * installed PGlite, as an uncompressed tarball for PGlite's `loadDataDir`; or
 * undefined, and PGlite runs initdb (about 3.5 s of CPU) as it would without
 * it: when the build made none, or made it with another PGlite version.
 */
export function prebuiltCluster(dir = prebuiltClusterDir()): Blob | undefined {
  if (!madeByInstalledPglite(dir)) return undefined;
  try {
    // zlib here is native; PGlite's own gzip path inflates in JavaScript.
    return new TarballBlob(gunzipSync(fs.readFileSync(path.join(dir, 'cluster.tar.gz'))));
  } catch {
    // A damaged installation still gets a database, the slow way.
    return undefined;
  }
}

/**
 * The tarball as the Blob PGlite's `loadDataDir` takes, whose `arrayBuffer` is
 * the bytes already in memory. Node's own Blob copies 40 MB into its storage
 * and reads them back in 64 KiB pieces that it joins again: 0.34 s of the 1.6 s
 * of CPU that opening memory:// took (profiled). PGlite reads only
 * `arrayBuffer()` and `type` (its `size` stays 0).
 */
class TarballBlob extends Blob {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    super([], { type: 'application/x-tar' });
    this.#bytes = bytes;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, length } = this.#bytes;
    return Promise.resolve(byteOffset === 0 && buffer.byteLength === length ? (buffer as ArrayBuffer) : (buffer.slice(byteOffset, byteOffset + length) as ArrayBuffer));
  }
}

/** A cluster folder's folders (parents first) and files, relative to it, and the files' bytes. */
export function clusterFiles(root: string): { folders: string[]; files: string[]; bytes: number } {
  const folders: string[] = [];
  const files: string[] = [];
  let bytes = 0;
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const name = path.join(relative, entry.name);
      if (entry.isDirectory()) {
        folders.push(name);
        walk(name);
      } else if (entry.isFile()) {
        files.push(name);
        bytes += fs.statSync(path.join(root, name)).size;
      } else {
        throw new Error(`${name} in the prebuilt cluster is neither a file nor a folder`);
      }
    }
  };
  walk('');
  return { folders, files, bytes };
}

/**
 * Copies the prebuilt cluster's files into `target` (a new embedded database's
 * folder, which exists and holds no cluster yet): PGlite then opens it as a
 * database of its own, with no initdb and no tarball to inflate and untar
 * through its virtual file system (about 1 s of CPU of every `tenantctl init`).
 * False, with nothing written, when the build made no cluster for the installed
 * PGlite or its files are not all there (the caller falls back to the tarball
 * or initdb). Files are created, never opened through a symlink or over an
 * existing file, private to the owner; PG_VERSION, by which a folder is known
 * as a database, is written last.
 */
export function copyPrebuiltCluster(target: string, dir = prebuiltClusterDir()): boolean {
  const whole = wholeClusterFolder(dir);
  if (!whole) return false;
  const source = path.join(dir, CLUSTER_FOLDER);
  const { folders, files } = whole;
  fs.mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const folder of folders) fs.mkdirSync(path.join(target, folder), { mode: 0o700 });
  const ordered = [...files.filter((file) => file !== 'PG_VERSION'), 'PG_VERSION'];
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
  for (const file of ordered) {
    const fd = fs.openSync(path.join(target, file), flags, 0o600);
    try {
      fs.writeFileSync(fd, fs.readFileSync(path.join(source, file)));
    } finally {
      fs.closeSync(fd);
    }
  }
  return true;
}

/**
 * The cluster folder's files and the folders cluster.json lists, if the
 * installed PGlite made them and the files are all there as the build counted
 * them; the build (scripts/embedded-cluster.mjs) keeps a whole one.
 */
export function wholeClusterFolder(dir = prebuiltClusterDir()): { folders: string[]; files: string[] } | undefined {
  const made = madeByInstalledPglite(dir);
  const folders = made?.folders;
  if (!Array.isArray(folders) || !folders.every((folder) => typeof folder === 'string' && isInside(folder))) return undefined;
  let listed: ReturnType<typeof clusterFiles>;
  try {
    listed = clusterFiles(path.join(dir, CLUSTER_FOLDER));
  } catch {
    return undefined;
  }
  if (listed.files.length !== made?.files || listed.bytes !== made.fileBytes || !listed.files.includes('PG_VERSION')) return undefined;
  return { folders: folders as string[], files: listed.files };
}

/** A relative path that stays inside the folder it is joined to. */
function isInside(relative: string): boolean {
  return relative !== '' && !path.isAbsolute(relative) && !relative.split(path.sep).some((part) => part === '..' || part === '.' || part === '');
}

/** Where the build keeps the cluster (cluster/ and cluster.tar.gz) and what made it (cluster.json). */
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
