// The embedded database's thread (bundled as dist/cmd/tenantctl-embedded.js),
// started by src/db/embedded-thread.ts: PGlite runs here, off the CLI's own
// thread, so the CLI parses the configuration while PostgreSQL starts and
// answers. One request at a time, in the order sent; each is answered once,
// `{ id, rows }` or `{ id, error }`. A transaction is `begin`, the statements
// marked `inTransaction`, then `commit` or `rollback`.
import { parentPort, workerData } from 'node:worker_threads';
import type { Database, Queryable } from '../src/db/database.js';
import type { EmbeddedRequest, EmbeddedStart } from '../src/db/embedded-protocol.js';
import { errorFields } from '../src/db/embedded-protocol.js';

const port = parentPort!;
const start = workerData as EmbeddedStart;

/** PGlite's chunk, loaded here so that an installation without it is told as such, not as a damaged database. */
async function load(): Promise<Database> {
  let loaded: typeof import('../src/db/embedded-database.js');
  try {
    loaded = await import('../src/db/embedded-database.js');
  } catch (cause) {
    port.postMessage({ loadFailed: errorFields(cause) });
    throw cause;
  }
  const db = loaded.openEmbedded(start.directory, start.displayUrl, start.trace ? (event) => port.postMessage({ trace: event }) : null);
  db.then(
    () => port.postMessage({ opened: true }),
    (cause: unknown) => port.postMessage({ openFailed: errorFields(cause) }),
  );
  return db;
}
const opening = load();
// Reported above; requests sent meanwhile fail with it on the CLI's side.
opening.catch(() => undefined);

/** The open transaction: its statements' target, and how to end it. */
let open: { readonly tx: Queryable; readonly end: (commit: boolean) => void; readonly ended: Promise<unknown> } | null = null;

async function beginOn(db: Database): Promise<void> {
  let began!: (tx: Queryable) => void;
  const ready = new Promise<Queryable>((resolve) => {
    began = resolve;
  });
  let end!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => {
    end = resolve;
  });
  const ended = db.transaction(async (tx) => {
    began(tx);
    if (!(await decided)) throw ROLLBACK;
  });
  // A failed BEGIN ends the transaction before it began: the request fails with it.
  const tx = await Promise.race([ready, ended.then(() => null)]);
  if (tx === null) return;
  open = { tx, end, ended };
}

/** Thrown into PGlite's transaction to make it roll back; not an error of the caller's. */
const ROLLBACK = Symbol('rollback');

async function answer(request: EmbeddedRequest): Promise<unknown> {
  const db = await opening;
  switch (request.op) {
    case 'query':
      return (request.inTransaction ? open!.tx : db).query(request.sql, request.params);
    case 'exec':
      return (request.inTransaction ? open!.tx : db).exec(request.sql);
    case 'begin':
      return beginOn(db);
    case 'commit':
    case 'rollback': {
      const { end, ended } = open!;
      open = null;
      end(request.op === 'commit');
      try {
        await ended;
      } catch (cause) {
        if (cause !== ROLLBACK) throw cause;
      }
      return undefined;
    }
    case 'close':
      await db.close();
      return undefined;
  }
}

// Requests run one after another: PostgreSQL here has one session.
let queue: Promise<unknown> = Promise.resolve();
port.on('message', (request: EmbeddedRequest) => {
  queue = queue.then(() =>
    answer(request).then(
      (rows) => port.postMessage({ id: request.id, rows }),
      (cause: unknown) => port.postMessage({ id: request.id, error: errorFields(cause) }),
    ),
  );
  // The thread ends once its port is closed and nothing is left to run.
  if (request.op === 'close') void queue.then(() => port.close());
});
