// js-yaml's parser with the bound on its events that the build adds
// (scripts/js-yaml-event-limit.mjs): vitest loads js-yaml through the same
// transform as the CLI's bundle (vitest.config.ts), so these run the parser
// the CLI runs.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseEvents } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { EVENTS_EXCEEDED as SCRIPT_REASON, limitJsYamlEvents } from '../../scripts/js-yaml-event-limit.mjs';
import { EVENTS_EXCEEDED, parseYamlSource } from '../../src/config/yaml-source.js';

const reasonOf = (run: () => unknown): string => {
  try {
    run();
  } catch (cause) {
    return String((cause as { reason?: unknown }).reason);
  }
  return 'no error';
};

describe('js-yaml stops at maxEvents', () => {
  // A document, a mapping, its key, a list, three items, and three closes: 10 events.
  const text = 'a: [1, 2, 3]\n';

  it('makes every event up to maxEvents, and throws at the next', () => {
    expect(parseEvents(text, { maxDepth: 64 })).toHaveLength(10);
    expect(parseEvents(text, { maxDepth: 64, maxEvents: 10 } as never)).toHaveLength(10);
    expect(reasonOf(() => parseEvents(text, { maxDepth: 64, maxEvents: 9 } as never))).toBe(`${EVENTS_EXCEEDED} (9)`);
    expect(reasonOf(() => parseEvents(text, { maxDepth: 64, maxEvents: 4 } as never))).toBe(`${EVENTS_EXCEEDED} (4)`);
  });

  it('is worded as the configuration reader expects', () => {
    expect(EVENTS_EXCEEDED).toBe(SCRIPT_REASON);
  });

  it('refuses to patch a js-yaml whose parser is laid out otherwise, rather than build without the bound', () => {
    const source = fs.readFileSync(createRequire(import.meta.url).resolve('js-yaml').replace(/js-yaml\.cjs\.js$/, 'js-yaml.mjs'), 'utf8');
    expect(limitJsYamlEvents(source)).toContain('tenantctlPushEvent(state, ');
    expect(() => limitJsYamlEvents(source.replace('state.events.push(', 'state.events.unshift('))).toThrow(/js-yaml's parser changed \(5 event pushes, expected 6/);
  });
});

describe('a file js-yaml reads is parsed no further than the value budget', () => {
  it('stops at the budget instead of making an event for every value first', () => {
    // The tab sends the file to js-yaml: 100,000 items, against a budget of 1,000.
    const text = `#\ta tab\njunk: [${'1,'.repeat(99_999)}1]\n`;
    const parsed = parseYamlSource('dense.yaml', Buffer.from(text), 1_000);
    expect(parsed.source.value).toBeNull();
    expect(parsed.diagnostics).toEqual([]);
    // Made them all first, js-yaml would have said 100,007.
    expect(parsed.values).toBe(1_001);
  });

  it('reads a file within the budget as before', () => {
    const parsed = parseYamlSource('small.yaml', Buffer.from(`#\ta tab\njunk: [${'1,'.repeat(99)}1]\n`), 1_000);
    expect(parsed.diagnostics).toEqual([]);
    expect((parsed.source.value as { junk: number[] }).junk).toHaveLength(100);
    expect(parsed.values).toBe(107);
  });
});
