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
 * Last resort, cut after the last whole line that fits. Each line closes
 * what it opens (a value is a code span on one line), so no cut leaves a
 * value's rest outside its span, live: cut at a character, a hostile
 * display name's `@team` or `<img>` became a mention or an image (helper-74).
 */
export function truncate(text: string, maxLength: number): string {
  const marker = '\n\n… (truncated)\n';
  const fence = '\n```';
  const room = maxLength - marker.length - fence.length;
  if (maxLength <= 0) return '';
  if (room < 0) return text.slice(0, text.lastIndexOf('\n', maxLength - 1) + 1);
  const kept = text.slice(0, Math.max(0, text.lastIndexOf('\n', room)));
  // Cut inside a code block (a plan's ```diff), the block is closed before the marker.
  const open = (kept.match(/^```/gm) ?? []).length % 2 === 1;
  return `${kept}${open ? fence : ''}${marker}`;
}
