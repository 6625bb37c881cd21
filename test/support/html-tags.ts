import { createHash } from 'node:crypto';

/**
 * Structural checks of an HTML report, independent of the renderer: which
 * tags and attributes the page holds. A value that escaped `htmlText` shows
 * up here as a tag or an attribute tenantctl never writes.
 */

const TAGS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'footer', 'section', 'h1', 'h2', 'p', 'dl', 'dt', 'dd', 'div',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'span', 'code', 'strong', 'br', 'form', 'label', 'select', 'option', 'input', 'script',
]);

const ATTRIBUTES = new Set([
  'lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'data-kind', 'data-filterable', 'hidden', 'value', 'type',
  'placeholder', 'autocomplete', 'aria-live',
]);

/** Tags and attributes outside what tenantctl writes, e.g. `<img`, `onerror=`, `href=`. */
export function foreignMarkup(html: string): string[] {
  const problems: string[] = [];
  // Skip the style sheet and script bodies: their text is tenantctl's own and checked by hash.
  const markup = html.replace(/(<style>)[\s\S]*?(<\/style>)/, '$1$2').replace(/(<script>)[\s\S]*?(<\/script>)/, '$1$2');
  for (const [tag, name = '', rest = ''] of markup.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    if (!TAGS.has(name.toLowerCase())) problems.push(tag);
    for (const [, attribute = ''] of rest.matchAll(/\s([^\s=/"']+)(?:="[^"]*"|='[^']*'|=[^\s>]+)?/g)) {
      if (!ATTRIBUTES.has(attribute.toLowerCase())) problems.push(`${attribute} in ${tag}`);
    }
  }
  // Anything tag-like the pattern above did not take as a tag (e.g. `<img/src=x>`).
  for (const [tag] of markup.matchAll(/<(?![/a-zA-Z!])[^>]*>|<![^D][^>]*>/g)) problems.push(tag);
  return problems;
}

/** The inline blocks' sha256, as a CSP source expression. */
const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export interface PolicyCheck {
  readonly policy: string;
  readonly scripts: number;
  readonly styles: number;
  readonly scriptAllowed: boolean;
  readonly styleAllowed: boolean;
}

/** The page's CSP, how many script/style blocks it has, and whether the policy allows each by hash. */
export function checkPolicy(html: string): PolicyCheck {
  const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1] ?? '');
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? '');
  const directive = (name: string) => policy.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
  return {
    policy,
    scripts: scripts.length,
    styles: styles.length,
    scriptAllowed: scripts.every((body) => directive('script-src').includes(hash(body))),
    styleAllowed: styles.every((body) => directive('style-src').includes(hash(body))),
  };
}
