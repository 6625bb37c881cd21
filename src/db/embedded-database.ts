import { PGlite } from '@electric-sql/pglite';
import v8 from 'node:v8';
import type { Database, Queryable } from './database.js';
import { wireQuery } from './embedded-wire.js';
import { SET_SEARCH_PATH } from './schema.js';

/**
 * V8 runs PGlite's WebAssembly (PostgreSQL, 9 MB) with its baseline compiler
 * and recompiles each function that has run for a while with its optimising
 * compiler, on background threads. PostgreSQL's start alone runs enough code
 * for hundreds of recompilations: about half a second of CPU on every command,
 * competing for the machine's cores, and the process waits for them before it
 * exits. The optimised code gained nothing measurable on any command, up to an
 * apply adopting 100,000 users (50 s of CPU either way), so a function is recompiled
 * only after a thousand times the usual work. Set before the first PGlite
 * compiles its module; V8 reads the budget whenever it instantiates one.
 */
const WASM_TIERING_BUDGET = 1_800_000_000;

/**
 * PGlite's own start parameters, with a smaller buffer cache. PostgreSQL
 * zeroes its whole shared memory as it starts, and the default 128 MB of
 * buffers was most of it: 0.1 s of CPU and 100 MB of memory on every
 * command, for a cache the operating system's page cache already provides.
 * A start parameter only: nothing in the database's files changes.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/**
 * PGlite runs PostgreSQL in this process: `directory` null keeps it in memory
 * for one process (`memory://`). One process at a time may open a directory;
 * the caller holds the embedded lock file for that (see embedded-lock.ts).
 */
export async function openEmbedded(directory: string | null, displayUrl: string): Promise<Database> {
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  const options = { startParams: START_PARAMS };
  const db = directory === null ? new PGlite(options) : new PGlite(directory, options);
  await db.waitReady;
  await db.exec(SET_SEARCH_PATH);
  // PGlite's query() waits for an open transaction (its transaction mutex);
  // statements outside one wait here the same way.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    kind: 'embedded',
    displayUrl,
    query: (sql, params) => exclusive(() => wireQuery(db, sql, params ?? [], false)),
    exec: (sql) =>
      exclusive(async () => {
        await db.exec(sql);
      }),
    transaction(work) {
      return exclusive(() =>
        db.transaction((tx) => {
          const queryable: Queryable = {
            query: (sql, params) => wireQuery(db, sql, params ?? [], true),
            exec: async (sql) => {
              await tx.exec(sql);
            },
          };
          return work(queryable);
        }),
      );
    },
    async close() {
      await db.close();
    },
  };
}
