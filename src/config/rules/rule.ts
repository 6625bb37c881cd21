import type { Catalog } from '../../catalog/catalog.js';
import type { Diagnostic, SourceLocation } from '../../diagnostics/diagnostic.js';
import type { Settings } from '../../state/settings.js';
import type { User } from '../../state/tenant-state.js';
import type { RawUser } from '../raw-config.js';

/** A user as declared: the normalised value, what was written, and where. */
export interface DeclaredUser {
  readonly user: User;
  readonly raw: RawUser;
  /** `{ file, path: ['users', index] }`; append a field to point inside it. */
  readonly location: SourceLocation;
}

/**
 * What every semantic rule sees. `catalog` is null when no database was
 * reachable (`validate` then checks only what needs no catalog). `phase` is
 * 'plan' when the configuration is about to be applied: then a missing
 * `fromEnv` variable is an error rather than a warning.
 */
export interface RuleContext {
  readonly users: readonly DeclaredUser[];
  readonly settings: Settings;
  readonly settingsLocation: SourceLocation | undefined;
  readonly catalog: Catalog | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly phase: 'validate' | 'plan';
}

export type Rule = (context: RuleContext) => Diagnostic[];

export function at(location: SourceLocation, ...path: (string | number)[]): SourceLocation {
  return { ...location, path: [...(location.path ?? []), ...path] };
}
