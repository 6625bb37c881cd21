/** What the embedded database's thread is started with (cmd/embedded-worker.ts). */
export interface EmbeddedStart {
  /** The folder, or null for memory://. */
  readonly directory: string | null;
  readonly displayUrl: string;
  /** Whether to report the database's own trace events (TENANTCTL_DEBUG_TRACE). */
  readonly trace: boolean;
}

export type EmbeddedRequest = { readonly id: number } & (
  | { readonly op: 'query'; readonly sql: string; readonly params?: readonly unknown[]; readonly inTransaction: boolean }
  | { readonly op: 'exec'; readonly sql: string; readonly inTransaction: boolean }
  | { readonly op: 'begin' | 'commit' | 'rollback' | 'close' }
);

export type EmbeddedAnswer =
  | { readonly id: number; readonly rows: unknown }
  | { readonly id: number; readonly error: ErrorFields }
  | { readonly trace: string }
  /** Sent once, as the database has opened or failed to, before any answer. */
  | { readonly opened: true }
  | { readonly openFailed: ErrorFields }
  /** PGlite's chunk could not be loaded: an incomplete installation. */
  | { readonly loadFailed: ErrorFields };

/** An error as it crosses threads: its name, message and PostgreSQL's fields (code, constraint, detail…). */
export type ErrorFields = Readonly<Record<string, string | number | boolean | null>>;

/**
 * A thread's message carries an Error's message and stack but none of its
 * own fields, and the CLI reads PostgreSQL's: `code` (55P03, the lock not
 * obtained), `constraint` and `detail` (cmd/failure.ts). So every field that
 * is plain data is copied.
 */
export function errorFields(cause: unknown): ErrorFields {
  if (!(cause instanceof Error)) return { name: 'Error', message: String(cause) };
  const fields: Record<string, string | number | boolean | null> = { name: cause.name, message: cause.message };
  for (const [key, value] of Object.entries(cause)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value as string | number | boolean | null;
  }
  return fields;
}

/** The error again, on this side: an Error with the same name, message and fields. */
export function errorFrom(fields: ErrorFields): Error {
  const error = new Error(String(fields.message ?? ''));
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'message' && key !== 'stack') Object.defineProperty(error, key, { value, enumerable: key !== 'name', writable: true, configurable: true });
  }
  return error;
}
