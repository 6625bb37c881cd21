import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { notLoaded } from '../on-demand.js';
import { packageRoot } from '../package-root.js';
import type { Database, Queryable } from './database.js';
import type { DebugHooks } from './debug-hooks.js';
import { errorFrom, type EmbeddedAnswer, type EmbeddedRequest, type EmbeddedStart } from './embedded-protocol.js';

const SCRIPT = 'tenantctl-embedded.js';

/**
 * The thread's script (scripts/bundle.mjs) of this installation: beside the
 * bundle this code runs in, dist/cmd/ (from the bundle itself or one of its
 * chunks); from the sources (tests), the one built. Null where the build made none.
 */
export function embeddedThreadScript(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const places = [path.join(here, SCRIPT), path.join(here, '..', SCRIPT), path.join(packageRoot(), 'dist', 'cmd', SCRIPT)];
  return places.find((file) => fs.existsSync(file)) ?? null;
}

type Request = EmbeddedRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/**
 * The embedded database in a thread of its own (cmd/embedded-worker.ts).
 * PGlite's start is about a quarter of a second of WebAssembly, and every
 * statement runs on the thread that asked; here both run beside the CLI's
 * thread, which parses and checks the configuration meanwhile, as it does
 * while a PostgreSQL server answers. Returned at once: the database opens as
 * the thread starts, and a failure to open is the failure of each request
 * (`opened` says how to word it). One request at a time, as PGlite allows:
 * a transaction holds the others back until it ends.
 */
export function openEmbeddedThread(
  script: string,
  directory: string | null,
  displayUrl: string,
  opened: (cause: unknown) => Error,
  trace: DebugHooks['trace'] = null,
): Database {
  const start: EmbeddedStart = { directory, displayUrl, trace: trace !== null };
  // Nothing of this process's environment is needed there (no URL, no keys).
  const worker = new Worker(script, { workerData: start, env: {}, stdout: false, stderr: false });
  const pending = new Map<number, { resolve: (rows: unknown) => void; reject: (cause: Error) => void }>();
  let nextId = 0;
  let ended: Error | null = null;
  let isOpen = false;
  // The thread keeps the process alive only while a request waits for it: a
  // command that ends without closing the database must still end.
  worker.unref();

  const failAll = (cause: Error) => {
    ended ??= cause;
    for (const { reject } of pending.values()) reject(ended);
    pending.clear();
    worker.unref();
  };
  worker.on('message', (answer: EmbeddedAnswer) => {
    if ('trace' in answer) trace?.(answer.trace);
    else if ('opened' in answer) isOpen = true;
    else if ('openFailed' in answer || 'loadFailed' in answer) {
      failAll('openFailed' in answer ? opened(errorFrom(answer.openFailed)) : notLoaded('PGlite', 'to open the embedded database', errorFrom(answer.loadFailed)));
      void worker.terminate();
    }
    else {
      const waiting = pending.get(answer.id);
      if (!waiting) return;
      pending.delete(answer.id);
      if (pending.size === 0) worker.unref();
      if ('error' in answer) waiting.reject(errorFrom(answer.error));
      else waiting.resolve(answer.rows);
    }
  });
  worker.on('error', (cause) => failAll(isOpen ? cause : opened(cause)));
  worker.on('exit', (code) => failAll(new Error(`the embedded database's thread ended (exit code ${code})`)));

  const send = (request: Request): Promise<unknown> => {
    if (ended) return Promise.reject(ended);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...request, id });
    });
  };

  // Requests outside a transaction wait while one is open, as on PGlite's own thread.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = turn.then(work);
    turn = result.catch(() => undefined);
    return result;
  };
  const on = (inTransaction: boolean): Queryable => ({
    query: <Row extends object>(sql: string, params?: readonly unknown[]) =>
      send({ op: 'query', sql, ...(params === undefined ? {} : { params }), inTransaction }) as Promise<Row[]>,
    exec: async (sql: string) => {
      await send({ op: 'exec', sql, inTransaction });
    },
  });
  const outside = on(false);
  const inside = on(true);
  return {
    kind: 'embedded',
    displayUrl,
    query: (sql, params) => inTurn(() => outside.query(sql, params)),
    exec: (sql) => inTurn(() => outside.exec(sql)),
    transaction: (work) =>
      inTurn(async () => {
        await send({ op: 'begin' });
        let result;
        try {
          result = await work(inside);
        } catch (cause) {
          await send({ op: 'rollback' }).catch(() => undefined);
          throw cause;
        }
        await send({ op: 'commit' });
        return result;
      }),
    close: () =>
      inTurn(async () => {
        if (ended) return;
        await send({ op: 'close' });
        ended = new Error('the embedded database is closed');
      }),
  };
}
