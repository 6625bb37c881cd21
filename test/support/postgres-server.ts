// The throwaway PostgreSQL server lives in scripts/ so that `npm run bench`
// (plain JavaScript) starts it the same way the test suite does.
export { createDatabase, postgresAvailable, startPostgres } from '../../scripts/postgres-server.mjs';

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}
