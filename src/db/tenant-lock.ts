import { SCHEMA } from './schema.js';

/**
 * The tenant lock: SHARE ROW EXCLUSIVE on the users table, which conflicts
 * with itself and with every write of users, never with a read. Taking it
 * needs UPDATE (or DELETE, TRUNCATE) on users, which apply has and the reader
 * and the deliverer of sql/roles.sql have not: an advisory lock, which it was,
 * can be taken by any role that can connect, and the pull-request job's reader
 * role held it to make every apply give up (exit 1), an offboarding included.
 * Applies take it, and so does init while it migrates (migrate.ts).
 */
export const TENANT_LOCK = `LOCK TABLE ${SCHEMA}.users IN SHARE ROW EXCLUSIVE MODE`;
