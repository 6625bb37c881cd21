import { PGlite } from '@electric-sql/pglite';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { Database, Queryable } from './database.js';
import type { DebugHooks } from './debug-hooks.js';
import { copyPrebuiltCluster, prebuiltCluster } from './embedded-cluster.js';
import { SET_SEARCH_PATH } from './schema.js';

/**
 * V8 runs PGlite's WebAssembly (PostgreSQL, 9 MB) with its baseline compiler,
 * Liftoff, and recompiles each function that has run for a while with its
 * optimising compiler, TurboFan. PostgreSQL's start alone runs enough code for
 * hundreds of recompilations: about half a second of CPU on every command, and
 * the optimised code gained nothing measurable on any command, up to an apply
 * adopting 100,000 users. A budget a thousand times the usual one stopped all
 * but one: PostgreSQL's expression interpreter, one 38 KB function whose loop
 * spends the budget by its size on each turn, was recompiled within the first
 * queries of every command, 135 ms of TurboFan that the CLI's thread waited for
 * (profiled on a 1,000-user plan). So Liftoff's code only: a 1,000-user embedded
 * plan 1.11 -> 0.97 s, 1.35 -> 1.20 s of CPU; 10,000 users the same; a steady
 * plan of 100,000 the same, their adoption (every row written) 4-8 % slower,
 * where the interpreter's optimised code would have paid (BENCHMARKS.md, eleventh
 * session). The embedded database is for the small tenants; the large ones use
 * PostgreSQL. Set before the first PGlite compiles its module.
 */
const WASM_FLAGS = ['--liftoff-only', '--wasm-tiering-budget=1800000000'];

/**
 * PGlite's own start parameters, with a small buffer cache. PostgreSQL's
 * shared memory is mapped as it starts, and Emscripten's mmap zeroes the
 * whole segment in WebAssembly's baseline code: profiled, 0.22 s of CPU for
 * the 42 MB that 32 MB of buffers made, 0.07 s for the 15 MB of 8 MB, on
 * every command. The operating system's page cache holds the files anyway:
 * with 2 MB, alternated with 32 MB, neither the adoption of 100,000 users
 * (every row rewritten) nor a steady plan of them was slower (BENCHMARKS.md,
 * tenth session). A start parameter only: nothing in the files changes.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=2MB'];

/**
 * A PGlite started as every tenantctl command starts it (WASM_FLAGS,
 * START_PARAMS), without the lock, the prebuilt cluster or the search path
 * openEmbedded adds. Exported for the tests, which open a folder between CLI
 * runs: a default start costs them 1-2 s of CPU where this costs 0.2-0.5.
 */
export function startPGlite(directory: string | null, loadDataDir?: Blob): PGlite {
  for (const flag of WASM_FLAGS) v8.setFlagsFromString(flag);
  const options = { startParams: START_PARAMS, loadDataDir };
  return directory === null ? new PGlite(options) : new PGlite(directory, options);
}

/**
 * PGlite runs PostgreSQL in this process: `directory` null keeps it in memory
 * for one process (`memory://`). One process at a time may open a directory;
 * the caller holds the embedded lock file for that (see embedded-lock.ts).
 */
export async function openEmbedded(directory: string | null, displayUrl: string, trace: DebugHooks['trace'] = null): Promise<Database> {
  // A new database starts as a copy of the prebuilt empty cluster, not from initdb:
  // its files copied into the folder, or (in memory, or if they are missing) its tarball.
  const fresh = directory === null || !fs.existsSync(path.join(directory, 'PG_VERSION'));
  const copied = fresh && directory !== null && copyPrebuiltCluster(directory);
  const cluster = fresh && !copied ? prebuiltCluster() : undefined;
  if (fresh) trace?.(`embedded database: new, ${copied ? 'copied from the prebuilt cluster' : cluster ? 'from the prebuilt cluster\'s tarball' : 'made by initdb'}`);
  const db = startPGlite(directory, cluster);
  await db.waitReady;
  await db.exec(SET_SEARCH_PATH);
  const run = async <Row extends object>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await target.query<Row>(sql, params as unknown[] | undefined)).rows;
  return {
    kind: 'embedded',
    displayUrl,
    query: (sql, params) => run(db, sql, params),
    async exec(sql) {
      await db.exec(sql);
    },
    transaction(work) {
      return db.transaction((tx) => {
        const queryable: Queryable = {
          query: (sql, params) => run(tx, sql, params),
          exec: async (sql) => {
            await tx.exec(sql);
          },
        };
        return work(queryable);
      });
    },
    async close() {
      await db.close();
    },
  };
}
