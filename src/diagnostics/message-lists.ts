/** `1,000,000`: a count in a message, with its thousands separated as the README writes them. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * `A, B, C`, or past `shown` names `A, B, C, … (40 in all)`: a list a message
 * names without growing with the input (a catalog may state hundreds).
 */
export function someOf(names: readonly string[], shown: number): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')}, … (${formatCount(names.length)} in all)`;
}

/**
 * `a, b and c`; past `cap` names, `a, b, c and 7 more`. `show` escapes each
 * name shown for where the words go (nothing for a message, escaped at output).
 */
export function andList(names: readonly string[], cap = names.length, show: (name: string) => string = (name) => name): string {
  const shown = names.slice(0, cap).map(show);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}
