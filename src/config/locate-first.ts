import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { locateDiagnostics, regionStartOf, type LocateOptions } from './locate.js';
import type { ConfigFile } from './yaml-source.js';

/** Before any region of its file: a problem with the file as a whole (it sorts at line 0). */
const WHOLE_FILE = -1;

/**
 * Sorted as sortDiagnostics sorts located diagnostics, with at least the
 * first `first` of them located exactly; the rest (past what is listed,
 * only counted) may stay without a line. A configuration of 100,000 users
 * had 2,142 warnings of which 1,001 are shown: locating each re-reads its
 * list item. Regions order the problems of a file without locating them
 * (yaml-regions.ts), so only those in the regions up to the cut are
 * located; a file the regions cannot order is located whole.
 */
export function locateFirst(files: readonly ConfigFile[], diagnostics: readonly Diagnostic[], first: number, options: LocateOptions = {}): Diagnostic[] {
  if (diagnostics.length <= first) return sortDiagnostics(locateDiagnostics(files, diagnostics, options));
  const byName = new Map(files.map((source) => [source.file, source]));
  const keys = new Map<Diagnostic, number>();
  const unordered = new Set<string>();
  for (const diagnostic of diagnostics) {
    const location = diagnostic.location;
    if (!location?.file) continue;
    // Already located: its line, not a region, places it.
    if (location.line !== undefined) {
      unordered.add(location.file);
      continue;
    }
    const source = byName.get(location.file);
    const key = !location.path ? WHOLE_FILE : source && regionStartOf(source, location.path);
    if (key === undefined) unordered.add(location.file);
    else keys.set(diagnostic, key);
  }
  const fileOf = (d: Diagnostic) => d.location?.file ?? '';
  // Files in sortDiagnostics' order; within a file, by region (stable, so ties keep their order).
  const coarse = [...diagnostics].sort((a, b) => {
    const fa = fileOf(a);
    const fb = fileOf(b);
    if (fa !== fb) return fa < fb ? -1 : 1;
    if (unordered.has(fa)) return 0;
    return (keys.get(a) ?? WHOLE_FILE) - (keys.get(b) ?? WHOLE_FILE);
  });
  // The cut: after the `first`-th, and after every other problem of its file's region.
  let cut = first;
  const last = coarse[first - 1];
  if (last) {
    const file = fileOf(last);
    while (cut < coarse.length && fileOf(coarse[cut]!) === file && (unordered.has(file) || keys.get(coarse[cut]!) === keys.get(last))) cut++;
  }
  const located = sortDiagnostics(locateDiagnostics(files, coarse.slice(0, cut), options));
  return [...located, ...coarse.slice(cut)];
}
