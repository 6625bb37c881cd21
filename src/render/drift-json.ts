import type { DriftDocument } from '../drift/drift-document.js';
import { jsonText } from './escape-json.js';

/**
 * The JSON drift report (schemas/drift.schema.json): two-space indentation,
 * keys in the order `toDriftDocument` builds them, and a final newline.
 */
export function renderDriftJson(drift: DriftDocument): string {
  return `${jsonText(drift)}\n`;
}
