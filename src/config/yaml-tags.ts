/**
 * YAML 1.1's tags for values other than text, numbers, true/false, null,
 * lists and mappings. yaml resolves them when a file writes them
 * (`!!timestamp 2016-01-01` is a Date); js-yaml's core schema refuses them.
 * tenantctl's configuration holds none of these values, and the schema check
 * described what they became ("must be text, not a mapping" for a date):
 * both parsers refuse them where the tag is written, naming it instead.
 */
const TAGGED_VALUES: Readonly<Record<string, string>> = {
  'tag:yaml.org,2002:timestamp': 'a date',
  'tag:yaml.org,2002:binary': 'binary data',
  'tag:yaml.org,2002:set': 'a set',
  'tag:yaml.org,2002:omap': 'an ordered mapping',
  'tag:yaml.org,2002:pairs': 'a list of pairs',
  'tag:yaml.org,2002:merge': 'a merge key',
};

const SECONDARY = 'tag:yaml.org,2002:';

/** Whether `tag` (resolved, `tag:yaml.org,2002:set`) is one of those. */
export const isTaggedValue = (tag: string | undefined): tag is string => tag !== undefined && Object.hasOwn(TAGGED_VALUES, tag);

/** YAML_UNKNOWN_TAG's words for a value tagged `tag` (one isTaggedValue accepts: a fixed name, never a password). */
export function taggedValueMessage(tag: string): string {
  const what = TAGGED_VALUES[tag] ?? 'a tagged value';
  return `the !!${tag.slice(SECONDARY.length)} tag makes this value ${what}, but tenantctl's configuration takes plain text there (or a plain number, list or mapping), never a tagged value: remove the tag, or put the value in quotes`;
}

/**
 * Where the tag of a node whose value starts at `valueStart` is written: a
 * node's range starts after its properties (`&anchor !!tag`, in either order).
 * `valueStart` when the tag is not found just before it (a comment between).
 */
export function tagOffset(text: string, valueStart: number): number {
  let end = valueStart;
  for (let property = 0; property < 2; property++) {
    while (end > 0 && /\s/.test(text[end - 1] ?? '')) end--;
    let start = end;
    while (start > 0 && !/\s/.test(text[start - 1] ?? '')) start--;
    // In a flow collection a property may follow its "[", "{" or "," directly: [1,!!binary aGk=].
    const found = /(?:^|[,[{])([!&])/.exec(text.slice(start, end));
    if (!found) break;
    const at = start + found.index + found[0].length - 1;
    if (found[1] === '!') return at;
    end = at;
  }
  return valueStart;
}
