import fs from 'node:fs';
import { expect } from 'vitest';

/** Replaces the first `from` in `file` with `to`, after checking the file holds it (an edit that misses is a broken test, not a no-op). */
export function editFile(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(file, text.replace(from, to));
}
