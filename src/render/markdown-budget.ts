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

/** Last resort, cut at a character boundary (not inside a surrogate pair). */
export function truncate(text: string, maxLength: number): string {
  const marker = '\n\n… (truncated)\n';
  if (maxLength <= marker.length) return text.slice(0, Math.max(0, maxLength));
  let end = maxLength - marker.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}${marker}`;
}
