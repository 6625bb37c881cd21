import type { PlanDocument } from '../plan/plan-document.js';
import { jsonText } from './escape-json.js';

/**
 * The JSON plan of INTERFACE.md (schemas/plan.schema.json): two-space
 * indentation, keys in the order `toPlanDocument` builds them, and a final
 * newline, so the same plan always gives the same bytes.
 */
export function renderJson(plan: PlanDocument): string {
  return `${jsonText(plan)}\n`;
}
