import type { Catalog } from '../../catalog/catalog.js';
import type { Diagnostic, SourceLocation } from '../../diagnostics/diagnostic.js';
import type { Settings } from '../../state/settings.js';
import type { TenantState, User } from '../../state/tenant-state.js';
import type { RawUser } from '../raw-config.js';

/** A user as declared: the normalised value, what applies to it, what it writes itself, and where. */
export interface DeclaredUser {
  readonly user: User;
  /** The user's own fields over `defaults`: what the user gets. */
  readonly raw: RawUser;
  /** Only what the user's entry itself writes. */
  readonly own: RawUser;
  /** `{ file, path: ['users', index] }`; append a field to point inside it. */
  readonly location: SourceLocation;
}

/**
 * User fields as written once: one user's entry, or `defaults`. Rules about
 * how a field is written (an unknown license, a bad address) check each block
 * once, so a mistake in `defaults` is reported once, at `defaults`, not once
 * per user that inherits it.
 */
export interface FieldBlock {
  readonly fields: Partial<RawUser>;
  /** `{ file, path: ['users', index] }` or `{ file, path: ['defaults'] }`. */
  readonly location: SourceLocation;
  /** The user whose entry this is; undefined for `defaults`. */
  readonly user: DeclaredUser | undefined;
}

/**
 * What every semantic rule sees. `blocks` holds `defaults` (if declared) and
 * then every user's own entry. `catalog` is null when no database was
 * reachable (`validate` then checks only what needs no catalog). `phase` is
 * 'plan' when the configuration is about to be applied: then a missing
 * `fromEnv` variable is an error rather than a warning. `anchor` is where a
 * finding about the whole configuration points when nothing better exists.
 */
export interface RuleContext {
  readonly users: readonly DeclaredUser[];
  readonly blocks: readonly FieldBlock[];
  readonly defaults: FieldBlock | undefined;
  readonly settings: Settings;
  readonly settingsLocation: SourceLocation | undefined;
  readonly anchor: SourceLocation | undefined;
  readonly catalog: Catalog | null;
  /** The directory as it is, when the caller read it (plan; validate with a database); null otherwise. */
  readonly current: TenantState | null;
  /** The time the directory is judged at (the recycle bin's 30 days). */
  readonly now: Date;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly phase: 'validate' | 'plan' | 'drift';
}

/** A rule returns every finding; it runs in O(users) (maps, not scans of all users per user). */
export type Rule = (context: RuleContext) => Diagnostic[];

/** What the configuration alone tells: everything a rule sees but what the database holds. */
export type ConfigContext = Omit<RuleContext, 'catalog' | 'current' | 'now'>;

/**
 * A rule that reads nothing from the database: plan runs it while the
 * directory is still being read (load-config.ts, checkConfigSteps).
 */
export type ConfigRule = (context: ConfigContext) => Diagnostic[];

export function at(location: SourceLocation, ...path: (string | number)[]): SourceLocation {
  return { ...location, path: [...(location.path ?? []), ...path] };
}

/** "joep@contoso.com", or "defaults" for the defaults block. */
export function ownerName(block: FieldBlock): string {
  return block.user ? block.user.user.userPrincipalName : 'defaults';
}

