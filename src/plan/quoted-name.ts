/** Longest name a warning quotes whole: the warnings are shown in full at the top of every plan, and the database may hold any length. */
const MAX_QUOTED = 120;
export function quoted(name: string): string {
  if (name.length <= MAX_QUOTED) return name;
  const end = /[\ud800-\udbff]/.test(name.charAt(MAX_QUOTED - 1)) ? MAX_QUOTED - 1 : MAX_QUOTED;
  return `${name.slice(0, end)}… (${name.length} characters)`;
}
