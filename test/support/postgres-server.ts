// The throwaway PostgreSQL server lives in scripts/ so that `npm run bench`
// (plain JavaScript) starts it the same way the test suite does.
export { createDatabase, initDataDirectory, postgresAvailable, startPostgres } from '../../scripts/postgres-server.mjs';

export interface PostgresServer {
  url: string;
  /** Stops the server for good and deletes its files. */
  stop(): Promise<void>;
  /** Shuts the server down (`pg_ctl stop -m MODE`), keeping its files, to be started again. */
  halt(mode: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** Starts a halted server again on the same port and files. */
  restart(): Promise<void>;
}
