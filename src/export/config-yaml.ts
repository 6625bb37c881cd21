import { Document, isMap, isPair, isScalar, isSeq, visit, type ToStringOptions } from 'yaml';
import type { RawConfig } from '../config/raw-config.js';
import { escapeHiddenCharacters, needsEscapes } from './hidden-characters.js';

/** Lists written on one line, as INTERFACE.md's example writes them. */
export const FLOW_LISTS: ReadonlySet<string> = new Set(['businessPhones', 'roles', 'disabledPlans']);

/**
 * No folding (a long street address stays on one line), `[a, b]` without
 * padding, multi-line text as `|` blocks (never folded `>` ones), and double
 * quotes with JSON's escapes (`"a  \nb"`, not YAML's `"a \ \nb"`).
 */
export const TO_STRING: ToStringOptions = { lineWidth: 0, flowCollectionPadding: false, blockQuote: 'literal', doubleQuotedAsJSON: true };

/** A multi-line value with spaces at the end of a line: editors strip those from a `|` block, so quote it. */
const fragileBlock = (value: string): boolean => value.includes('\n') && /[ \t]$/m.test(value);

export interface RenderOptions {
  /** Comment lines at the top of the file, without the `#`. */
  readonly header: readonly string[];
  /** Comment lines placed after the entries of `settings`, without the `#`. */
  readonly settingsComment?: readonly string[];
}

/**
 * Line separators other than CR and LF, written as their escapes: yaml starts
 * a new `#` line at each (a JavaScript line terminator), so a department named
 * `Sales\u2028Ops` split the header's `Users of the department "…"` in two.
 * NEL is a line break to YAML 1.1 tools and some editors.
 */
const OTHER_LINE_BREAKS = /[\u0085\u2028\u2029]/g;
const escaped = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

const asComment = (lines: readonly string[]): string =>
  lines.map((line) => ` ${line.replace(/[\r\n]+/g, ' ').replace(OTHER_LINE_BREAKS, escaped)}`).join('\n');

/**
 * A configuration as YAML text through yaml's Document API, so that every
 * string comes back as the same string: values that would read as another
 * type or break the syntax (`yes`, `0123`, `null`, `key: value`, `# x`, a
 * leading space) are quoted. `compat: 'yaml-1.1'` also quotes what YAML 1.1
 * tools would misread (`yes`, `on`, `12:30`), although tenantctl reads 1.2.
 */
export function renderConfigYaml(config: RawConfig, options: RenderOptions): string {
  const doc = configDocument(config);
  doc.commentBefore = asComment(options.header);
  // A blank line between top-level sections, and between users.
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items.slice(1)) if (isScalar(pair.key)) pair.key.spaceBefore = true;
  }
  const users = doc.get('users');
  if (isSeq(users)) {
    for (const user of users.items.slice(1)) if (isMap(user)) user.spaceBefore = true;
  }
  const settings = doc.get('settings');
  if (options.settingsComment && isMap(settings)) settings.comment = asComment(options.settingsComment);
  return escapeHiddenCharacters(doc.toString(TO_STRING));
}

/**
 * Any part of a configuration as a Document styled as renderConfigYaml styles
 * it (FLOW_LISTS on one line, fragile multi-line text and text that needs
 * escapes double-quoted; escapeHiddenCharacters then writes those), before
 * blank lines and comments: emit-config-yaml.ts hands what it cannot prove it
 * writes identically to this, so both paths share one definition of style.
 */
export function configDocument(value: unknown): Document {
  const doc = new Document(value, { compat: 'yaml-1.1' });
  visit(doc, {
    Seq(_, seq, path) {
      const parent = path[path.length - 1];
      if (isPair(parent) && isScalar(parent.key) && FLOW_LISTS.has(String(parent.key.value))) seq.flow = true;
    },
    Scalar(_, scalar, path) {
      if (typeof scalar.value !== 'string') return;
      // Hidden characters and workflow commands are written as escapes (hidden-characters.ts), which only double quotes have.
      if (fragileBlock(scalar.value) || needsEscapes(scalar.value)) scalar.type = 'QUOTE_DOUBLE';
      // Plain text over several lines in a [flow] list: yaml folds it, and a line ending in `:` then reads as a key
      // (`warning::x:` then a line break came back as a map), so it is quoted there.
      const parent = path[path.length - 1];
      if (isSeq(parent) && parent.flow && /[\r\n]/.test(scalar.value)) scalar.type = 'QUOTE_DOUBLE';
    },
  });
  return doc;
}
