import fc from 'fast-check';
import { expect } from 'vitest';
import { limitDiagnostics } from '../../src/config/diagnostic-limit.js';
import { locateDiagnostics, type LocateOptions, type PointAt } from '../../src/config/locate.js';
import { locateFirst } from '../../src/config/locate-first.js';
import type { ConfigFile } from '../../src/config/yaml-source.js';
import { sortDiagnostics, warning, type Diagnostic, type SourceLocation } from '../../src/diagnostics/diagnostic.js';

/** A warning at one of `locations`, some of them pointing at the key. */
export const drawnDiagnostic = (locations: fc.Arbitrary<SourceLocation | undefined>) =>
  fc.record({ code: fc.constantFrom('A_ONE', 'B_TWO'), key: fc.boolean(), location: locations }).map(({ code, key, location }) => ({ d: warning(code, 'x', location), key }));

type Drawn = readonly { readonly d: Diagnostic; readonly key: boolean }[];

function prepared(drawn: Drawn): { diagnostics: Diagnostic[]; options: LocateOptions } {
  const keyed = new Set(drawn.filter(({ key }) => key).map(({ d }) => d));
  return { diagnostics: drawn.map(({ d }) => d), options: { pointAt: (d: Diagnostic): PointAt | undefined => (keyed.has(d) ? 'key' : undefined) } };
}

/** The first k (1 to all, from `pick`) as locating and sorting them all gives them. */
export function expectFirstLocated(files: readonly ConfigFile[], drawn: Drawn, pick: number): void {
  const { diagnostics, options } = prepared(drawn);
  const all = sortDiagnostics(locateDiagnostics(files, diagnostics, options));
  const first = 1 + (pick % diagnostics.length);
  const found = locateFirst(files, diagnostics, first, options);
  expect(found).toHaveLength(diagnostics.length);
  expect(found.slice(0, first)).toEqual(all.slice(0, first));
}

/** Past the limit: what is listed and counted, and where the notice points, as locating everything gave. */
export function expectLimitedAsBefore(files: readonly ConfigFile[], drawn: Drawn): void {
  const { diagnostics, options } = prepared(drawn);
  expect(limitDiagnostics(locateFirst(files, diagnostics, 1001, options))).toEqual(limitDiagnostics(sortDiagnostics(locateDiagnostics(files, diagnostics, options))));
}
