import { TenantctlError } from '../diagnostics/tenantctl-error.js';

/**
 * The connection to the server went while COMMIT was on its way or its reply
 * was: the server may or may not have committed, and nothing this process
 * can do finds out. Callers that keep state outside the database (the outbox
 * key file) must keep whatever either outcome needs.
 */
export class CommitOutcomeUnknown extends TenantctlError {
  constructor(
    /** The database, password masked. */
    readonly displayUrl: string,
    /** What happened to the connection, in a few words. */
    readonly why: string,
  ) {
    super(`lost the connection to ${displayUrl} (${why}) while committing: whether the changes were saved is unknown; run \`tenantctl history\` to see`);
    this.name = 'CommitOutcomeUnknown';
  }
}
