/** Something SQL can run on: the database itself, or one open transaction. */
export interface Queryable {
  /** One parameterised statement; rows come back as plain objects. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements at once, without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The one interface over PostgreSQL (`pg`) and the embedded PGlite. The same
 * SQL runs on both. `transaction` commits when the callback resolves and rolls
 * back when it throws, so a half-applied change is impossible by construction.
 */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'embedded';
  /** The URL for messages, with any password masked. */
  readonly displayUrl: string;
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
