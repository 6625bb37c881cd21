import { toHistoryDocument, type HistoryEntry } from '../audit/read-history.js';
import type { OtherWritesEntry } from '../audit/read-other-writes.js';
import { jsonText } from './escape-json.js';

/** `history --format json` (schemas/history.schema.json): two-space indentation and a final newline. */
export function renderHistoryJson(entries: readonly HistoryEntry[], user: string | null = null, otherWrites: readonly OtherWritesEntry[] = []): string {
  return `${jsonText(toHistoryDocument(entries, user, otherWrites))}\n`;
}
