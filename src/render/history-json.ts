import { toHistoryDocument, type HistoryEntry } from '../audit/read-history.js';

/** `history --format json` (schemas/history.schema.json): two-space indentation and a final newline. */
export function renderHistoryJson(entries: readonly HistoryEntry[]): string {
  return `${JSON.stringify(toHistoryDocument(entries), null, 2)}\n`;
}
