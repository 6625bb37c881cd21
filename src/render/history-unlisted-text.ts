import type { HistoryEntry } from '../audit/read-history.js';
import { COUNTED_INSERTS, type UnlistedWrite, type UnwrittenChange } from '../audit/read-apply-writes.js';
import type { UnexplainedCredentialWrite } from '../audit/credential-writes.js';
import { visible } from './change-lines.js';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** How many users whose writes no change names are listed by name; the rest are counted. */
const UNLISTED_NAMED = 10;

/** One user's writes that its record does not explain, and the changes it records of the user, if any. */
function unlistedLine(write: UnlistedWrite): string {
  const recorded = write.namedBy ? ` (its recorded changes of the user: ${write.namedBy.map(visible).join(', ')})` : '';
  return `      ! ${visible(write.userPrincipalName)}: ${write.writes.map(visible).join(', ')}${recorded}`;
}

/** One user a recorded change names for a write the database never recorded, and those changes. */
function unwrittenLine(change: UnwrittenChange): string {
  return `      ! ${visible(change.userPrincipalName)}: ${change.writes.map(visible).join(', ')} (its recorded changes of the user: ${change.kinds.map(visible).join(', ')})`;
}

/** One user whose credential columns were changed beyond what the record explains: the columns' names, never their values. */
function credentialLine(write: UnexplainedCredentialWrite): string {
  const recorded = write.namedBy ? `its recorded changes of the user: ${write.namedBy.map(visible).join(', ')}` : 'no recorded change names the user';
  return `      ! ${visible(write.userPrincipalName)}: ${write.columns.map(visible).join(', ')} changed (${recorded})`;
}

/** At most UNLISTED_NAMED of these users by name under their heading, the rest counted. */
function unlistedGroup<T>(heading: string, writes: readonly T[], line: (write: T) => string): string[] {
  if (writes.length === 0) return [];
  const more = writes.length - UNLISTED_NAMED;
  return [
    heading,
    ...writes.slice(0, UNLISTED_NAMED).map(line),
    ...(more > 0 ? [`      … and ${count(more, 'more user', 'more users')} (history --format json lists them all)`] : []),
  ];
}

/**
 * The users the database recorded this apply writing whom its changes do not
 * name, those they name but wrote in ways none of their changes does, and
 * those they name for a write the database never saw (read-apply-writes.ts):
 * what the apply's record left out or made up, said under its header, so
 * that the entry is not read as all the apply did.
 */
export function unlistedLines(entry: HistoryEntry): string[] {
  const seats = entry.unexplainedSeatWrites
    ? [`  ! the database recorded this apply writing ${count(entry.unexplainedSeatWrites, 'subscription row', 'subscription rows')} (seats) though it bought nothing and wrote no licence; ask the database role above`]
    : [];
  const unlisted = entry.unlistedWrites ?? [];
  const unnamed = unlisted.filter((write) => write.namedBy === undefined);
  const named = unlisted.filter((write) => write.namedBy !== undefined);
  const unwritten = entry.unwrittenChanges ?? [];
  const credentials = entry.unexplainedCredentialWrites ?? [];
  const beyond = (entry.insertsBeyondRecord ?? []).map(
    (insert) =>
      `  ! the database recorded this apply inserting ${count(insert.rows, `${insert.table} row`, `${insert.table} rows`)} though its record lists ${count(insert.recorded, `${COUNTED_INSERTS[insert.table]} change`, `${COUNTED_INSERTS[insert.table]} changes`)}: its record is not all it did; ask the database role above`,
  );
  return [
    // First: a password replaced under an apply's name is the takeover of an account.
    ...unlistedGroup(
      `  ! the database recorded this apply changing the password columns of ${count(credentials.length, 'user', 'users')} (named below, never their values) though no recorded change of ${credentials.length === 1 ? 'that user creates it, resets its password or sets its' : 'those users creates them, resets their password or sets their'} passwordPolicies: its record is not all it did; ask the database role above`,
      credentials,
      credentialLine,
    ),
    ...seats,
    ...beyond,
    ...unlistedGroup(
      `  ! the database recorded this apply writing ${count(unnamed.length, 'user', 'users')} that none of its recorded changes names: its record is not all it did; ask the database role above`,
      unnamed,
      unlistedLine,
    ),
    ...unlistedGroup(
      `  ! the database recorded this apply writing ${count(named.length, 'user', 'users')} in ways none of its recorded changes of ${named.length === 1 ? 'that user' : 'those users'} makes: its record is not all it did; ask the database role above`,
      named,
      unlistedLine,
    ),
    ...unlistedGroup(
      `  ! the database recorded none of these writes of this apply's recorded changes of ${count(unwritten.length, 'user', 'users')}: its record claims what did not happen; ask the database role above`,
      unwritten,
      unwrittenLine,
    ),
  ];
}
