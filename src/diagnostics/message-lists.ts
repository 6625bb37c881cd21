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
