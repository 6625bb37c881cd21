import type { Catalog } from '../catalog/catalog.js';
import type { TenantState, User } from '../state/tenant-state.js';
import { lastWriter } from '../state/last-writer.js';
import { terminalText } from '../render/escape-terminal.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import { canonicalUser } from './canonical-user.js';

/**
 * What a plan was computed from: one hash per user row (with its roles and
 * licenses) and one for the catalog. Apply recomputes it under the lock and
 * refuses a plan whose inputs changed.
 */
export interface Fingerprint {
  readonly catalog: string;
  readonly users: Readonly<Record<string, string>>;
}

/** `sha256:` and 20 hex digits: enough to tell a changed row, small enough for 100,000 users. */
const shorten = (hash: string) => hash.slice(0, 'sha256:'.length + 20);
const short = (value: unknown) => shorten(sha256(canonicalJson(value)));

/**
 * The users' hashes of each directory read: apply fingerprints the same read
 * for the saved plan, for its recomputation and under the lock, where the
 * catalog is read again but the directory, unchanged, is not (100,000 users:
 * 0.5-1 s of hashing each time).
 */
const hashed = new WeakMap<TenantState, Readonly<Record<string, string>>>();

export function fingerprint(current: TenantState, catalog: Catalog): Fingerprint {
  const seats = catalog.subscriptions.map(({ sku, seats: purchased, unitPrice, purchasable, servicePlans }) => ({ sku, purchased, unitPrice, purchasable, servicePlans }));
  return { catalog: short({ domains: catalog.domains, seats }), users: userHashes(current) };
}

function userHashes(current: TenantState): Readonly<Record<string, string>> {
  const known = hashed.get(current);
  if (known) return known;
  const users: Record<string, string> = {};
  for (const key of [...current.users.keys()].sort()) {
    const user = current.users.get(key);
    if (user) users[key] = shorten(sha256(canonicalUser(user)));
  }
  hashed.set(current, users);
  return users;
}

/**
 * The database's words for a changed row: UPNs, the actor an apply recorded
 * (any --actor) and database role names are shown through `terminalText`, so
 * none can break the refusal into lines of its own.
 */
function describeChange(key: string, user: User | undefined): string {
  if (!user?.directory) return `${terminalText(key)} was deleted for good`;
  const { updatedAt, updatedBy } = user.directory;
  const who = terminalText(user.userPrincipalName);
  const writer = lastWriter(updatedBy);
  if (writer.kind === 'outside') return `${who} was changed outside tenantctl by database role ${terminalText(writer.role)} at ${updatedAt}`;
  const by = updatedBy ? ` by ${terminalText(updatedBy)}` : '';
  return `${who} was modified (last recorded change ${updatedAt}${by})`;
}

/** What changed since a plan was made, in words; empty when nothing did. */
export function staleness(planned: Fingerprint, now: Fingerprint, current: TenantState): string[] {
  const reasons: string[] = [];
  if (planned.catalog !== now.catalog) reasons.push('the catalog (domains, subscriptions or seats) changed');
  for (const [key, hash] of Object.entries(planned.users)) {
    if (now.users[key] !== hash) reasons.push(describeChange(key, current.users.get(key)));
  }
  for (const key of Object.keys(now.users)) {
    if (!(key in planned.users)) reasons.push(`${terminalText(current.users.get(key)?.userPrincipalName ?? key)} was created`);
  }
  return reasons;
}

const SHOWN_REASONS = 10;

/** What apply says when rows a plan was computed from changed since it was made. */
export function staleMessage(reasons: readonly string[]): string {
  const more = reasons.length > SHOWN_REASONS ? `\n  … and ${reasons.length - SHOWN_REASONS} more` : '';
  return `the tenant changed since this plan was made, so it was not applied:\n  ${reasons.slice(0, SHOWN_REASONS).join('\n  ')}${more}\nrun \`tenantctl plan\` again and review the new plan`;
}
