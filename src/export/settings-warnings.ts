import type { RawSettings } from '../config/raw-config.js';
import { schemaValidator } from '../config/schema-check.js';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { andList } from '../diagnostics/message-lists.js';

/**
 * The settings the latest apply recorded are written back as they were, and
 * an apply row is the writer's word (README, "What the audit trail can and
 * cannot prove"): one written by hand may hold values no configuration
 * accepts. Named here, as every other value validate will refuse is, rather
 * than found by the validate after it.
 */
export function settingsWarnings(settings: RawSettings | null): Diagnostic[] {
  if (!settings) return [];
  const validate = schemaValidator('tenant.schema.json');
  if (validate({ settings })) return [];
  const fields = [...new Set((validate.errors ?? []).flatMap((e) => e.instancePath.split('/')[2] ?? []))].sort();
  if (fields.length === 0) return [];
  return [
    warning(
      'EXPORT_SETTINGS_INVALID',
      `the settings the latest apply recorded hold ${fields.length === 1 ? 'a value' : 'values'} validate will refuse (${andList(fields.map((f) => `settings.${f}`), 8)}), written as recorded: correct them, and check with tenantctl history which apply recorded them (this release's apply records only settings a configuration accepts)`,
    ),
  ];
}
