// An export is committed to git and may be printed to a CI log: a value that
// hides characters or is a workflow command is written double-quoted with
// escapes, which read back as the same string (helper-74: the stdout guard
// rewrote `##[` and a leading `::` in the YAML itself, changing the values).
import fc from 'fast-check';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RawConfig } from '../../src/config/raw-config.js';
import { renderConfigYaml } from '../../src/export/config-yaml.js';
import { emitConfigYaml } from '../../src/export/emit-config-yaml.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { BEYOND_C0, neutraliseWorkflowCommands } from '../../src/render/escape-terminal.js';

const PIECES = [
  '##[', '#', '[', '::', ':', ' ', '\n', '\r\n', '\t', 'a', 'Zoë', 'error]', 'warning::x', '\u202e', '\u2066', '\u200b', '\u200c', '\u200d', '\ufeff',
  '\u2028', '\u0085', '\u00a0', '\u3164', '\u115f', '\u00ad', '\ufe0f', '\u{e0041}', '\u034f', 'e\u0301\u0302\u0303\u0304\u0305', '\u0301', '\\', '\\u005b', '"', '🎉',
];
const hostile = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));
const HIDDEN = new RegExp(`[${BEYOND_C0}]|[\\p{Mn}\\p{Me}]{5}`, 'u');

const configOf = (value: string): RawConfig =>
  ({ users: [{ userPrincipalName: 'a@contoso.com', displayName: value, streetAddress: value, businessPhones: [value], licenses: [{ sku: 'E3', disabledPlans: [value] }] }] }) as unknown as RawConfig;

describe('an export of values that hide characters or are workflow commands', () => {
  it('reads back as the same values, shows every hidden character as an escape, and gives the stdout guard nothing to change', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const config = configOf(value);
        const text = emitConfigYaml(config, { header: ['test'] });
        expect(renderConfigYaml(config, { header: ['test'] })).toBe(text);
        expect(neutraliseWorkflowCommands(text)).toBe(text);
        expect(text).not.toMatch(HIDDEN);
        expect(parse(text)).toEqual(config);
        expect(load(text)).toEqual(config);
        const read = parseYamlSource('tenant.yaml', Buffer.from(text));
        expect(read.diagnostics).toEqual([]);
        expect(read.source.value).toEqual(config);
      }),
      { numRuns: 500 },
    );
  });

  it('writes them double-quoted with YAML escapes', () => {
    const text = emitConfigYaml(configOf('Alex\u202e ##[x] \u{e0041}'), { header: [] });
    expect(text).toContain('displayName: "Alex\\u202e ##\\u005bx] \\U000e0041"');
    expect(emitConfigYaml(configOf('x\n::warning::y'), { header: [] })).toContain('streetAddress: "x\\n::warning::y"');
  });

  it('quotes text over several lines in a one-line list, where a line ending in a colon would read as a key', () => {
    // fast-check's counterexample (seed 1450427620): the business phone and the disabled plan came back as maps.
    for (const value of ['warning::x:\n\u0301', 'a:\nb', 'x:\r\ny']) {
      const config = configOf(value);
      const text = emitConfigYaml(config, { header: [] });
      expect(renderConfigYaml(config, { header: [] })).toBe(text);
      expect(parse(text)).toEqual(config);
      expect(load(text)).toEqual(config);
    }
  });

  it('leaves everything else as it was', () => {
    for (const value of ['Zoë Ångström', '+31 6 1234 0001', 'Kraków', 'Rue de la Loi 16\nBâtiment B']) {
      expect(emitConfigYaml(configOf(value), { header: [] })).not.toMatch(/\\u|\\U/);
    }
  });
});
