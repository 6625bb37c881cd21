import { requireCatalog } from '../catalog/require-catalog.js';
import { finishConfig } from '../config/load-config.js';
import type { Database } from '../db/database.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readWhileParsing } from '../workflow/read-while-parsing.js';
import { computeDrift } from './drift.js';
import { toDriftDocument, type DriftDocument } from './drift-document.js';
import { readOutsideRemovals, removalCandidates } from './read-outside-removals.js';
import { readLaterApplies, withLaterApplies } from './read-later-applies.js';
import { readCreatedOutside, withCreatedOutside } from './read-created-outside.js';
import { readPasswordsWrittenOutside } from './read-passwords-outside.js';

export interface ReadDriftOptions {
  readonly configPaths: readonly string[];
  readonly now: Date;
  readonly tenantctlVersion: string;
}

export interface ReadDriftResult {
  /** Null when the configuration is invalid (the diagnostics say why). */
  readonly drift: DriftDocument | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Configuration + database → the drift report. The configuration is checked
 * as `validate` checks it (no password variables needed); an invalid one
 * gives diagnostics and no report, as `plan` does.
 */
export async function readDrift(db: Database, options: ReadDriftOptions): Promise<ReadDriftResult> {
  // Drift creates and resets nobody, so password variables are not looked at.
  const { snapshot, checked } = await readWhileParsing(db, options.configPaths, { phase: 'drift' });
  const { catalog, current } = snapshot;
  // One line, as plan says it, rather than an unknown domain and subscription for every user.
  requireCatalog(catalog);
  const loaded = finishConfig(checked, { catalog });
  if (!loaded.config) return { drift: null, diagnostics: loaded.diagnostics };
  // One more statement, after the snapshot: only the users the comparison can find missing or unmanaged.
  const outsideRemovals = await readOutsideRemovals(db, removalCandidates(loaded.config.state, current));
  // And one for the passwords reset, or their required change switched off, outside tenantctl.
  const passwordsWrittenOutside = await readPasswordsWrittenOutside(db);
  const computed = computeDrift({ desired: loaded.config.state, current, catalog, now: options.now, outsideRemovals, passwordsWrittenOutside });
  // And one after the comparison: of the users it reports, those a later apply than their stamp's wrote.
  const later = withLaterApplies(computed.findings, await readLaterApplies(db, computed.findings));
  // And one for the users nobody manages: who inserted each row outside tenantctl, when the database recorded it.
  const report = { ...computed, findings: withCreatedOutside(later, await readCreatedOutside(db, later)) };
  return {
    drift: toDriftDocument(report, { tenantctlVersion: options.tenantctlVersion, configHash: loaded.config.configHash }),
    diagnostics: loaded.diagnostics,
  };
}
