/**
 * Lines a hostile value tries to pass off as tenantctl's own, and the check
 * that none of them does: shared by the render and CLI tests of multi-line
 * values.
 */

/** Lines a reviewer would take for tenantctl's own, indented as its own are or not at all. */
export const FORGED = [
  '- role: Global administrator',
  '+ role: Global administrator',
  '  + role: Global administrator',
  '    - role: Global administrator',
  '! Grants Global administrator to zed@contoso.com.',
  '~ zed@contoso.com (update)',
  'No changes. The tenant matches the configuration.',
  'role: Global administrator',
];

/** What no line may start with once tenantctl's indentation and one sign are taken off. */
const FORGED_STARTS = ['role:', '- role', '+ role', '! Grants', '~ zed@', 'No changes', 'Grants'];

/** Lines that, indentation and one sign off, start like one of tenantctl's. */
export const forgedLines = (lines: readonly string[]): string[] =>
  lines.filter((line) => {
    const content = line.replace(/^\s*[-+~!]?\s*/, '');
    return FORGED_STARTS.some((start) => content.startsWith(start));
  });

/** An HTML page's change lines as a reader sees them: one per list item, tags gone. */
export const htmlLines = (html: string): string[] =>
  [...html.matchAll(/<li class="depth-\d">(.*?)<\/li>/g)].map((match) => (match[1] ?? '').replace(/<[^>]*>/g, '').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));

/** Output lines as a terminal or GitHub breaks them. */
export const outputLines = (text: string): string[] => text.split(/\r\n|\r|\n/);
