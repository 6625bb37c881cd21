/**
 * tenantctl keeps every table in this schema, whatever the connecting role's
 * `search_path` would pick. SQL elsewhere stays unqualified: each connection
 * sets the search path to this schema (and pg_temp last, so a temporary table
 * can never shadow one of ours) as soon as it opens.
 */
export const SCHEMA = 'tenantctl';

export const SET_SEARCH_PATH = `SET search_path TO ${SCHEMA}, pg_temp`;
