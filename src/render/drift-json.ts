import type { DriftDocument } from '../drift/drift-document.js';

/**
 * The JSON drift report (schemas/drift.schema.json): two-space indentation,
 * keys in the order `toDriftDocument` builds them, and a final newline.
 */
export function renderDriftJson(drift: DriftDocument): string {
  return `${JSON.stringify(drift, null, 2)}\n`;
}
