/**
 * Fitting a comment into GitHub's limit (65,536 characters): the parts that
 * must be shown are measured first, then optional items are taken in the
 * order given (most important first) while they fit. Blocks are joined by a
 * blank line; rows of a table by a newline.
 */

export const BLOCK_SEPARATOR = '\n\n';

/** Length of blocks joined by blank lines, plus the final newline. */
export function joinedLength(blocks: readonly string[]): number {
  return blocks.reduce((sum, block) => sum + block.length, 0) + BLOCK_SEPARATOR.length * Math.max(0, blocks.length - 1) + 1;
}

export const joinBlocks = (blocks: readonly string[]) => `${blocks.join(BLOCK_SEPARATOR)}\n`;

/** How many of `items` fit in `budget`, each costing its length plus `separator`. */
export function countThatFit(items: readonly string[], budget: number, separator: number): number {
  let used = 0;
  let kept = 0;
  for (const item of items) {
    if (used + item.length + separator > budget) break;
    used += item.length + separator;
    kept++;
  }
  return kept;
}

/**
 * What closes the code block and the `<details>` a cut text leaves open: a
 * fence as long as the one that opened it (a value holding three backticks
 * is fenced with four), and one `</details>` each.
 */
function closers(kept: string): string {
  let fence: string | null = null;
  let details = 0;
  for (const line of kept.split('\n')) {
    const ticks = /^(`{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (ticks !== undefined && ticks.length >= fence.length && line.trimEnd() === ticks) fence = null;
    } else if (ticks !== undefined) fence = ticks;
    else if (line.startsWith('<details')) details++;
    else if (line.startsWith('</details>')) details = Math.max(0, details - 1);
  }
  return `${fence === null ? '' : `\n${fence}`}${'\n\n</details>'.repeat(details)}`;
}

/**
 * Last resort, cut after the last whole line that fits. Each line closes
 * what it opens (a value is a code span on one line), so no cut leaves a
 * value's rest outside its span, live: cut at a character, a hostile
 * display name's `@team` or `<img>` became a mention or an image (helper-74).
 * A code block or `<details>` cut into is closed (helper-77).
 */
export function truncate(text: string, maxLength: number): string {
  const marker = '\n\n… (truncated)\n';
  if (maxLength <= 0) return '';
  if (maxLength < marker.length) return text.slice(0, text.lastIndexOf('\n', maxLength - 1) + 1);
  let end = text.lastIndexOf('\n', maxLength - marker.length);
  for (;;) {
    const kept = text.slice(0, Math.max(0, end));
    const closing = closers(kept);
    if (kept.length + closing.length + marker.length <= maxLength || end <= 0) return `${kept}${end <= 0 ? '' : closing}${marker}`;
    end = text.lastIndexOf('\n', end - 1);
  }
}
