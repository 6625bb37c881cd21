import { listConfigFiles } from './config-files.js';
import { INPUT_LIMITS, readInputFile } from './read-input-file.js';
import type { LoadedSources } from './yaml-source.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether `paths` still hold exactly the files `sources` were read from, with
 * the same text: then their parse can be used again instead of parsing them
 * anew (apply --plan recomputes the plan twice). Only a load without problems
 * is reused; anything else, read again.
 */
export function sourcesUnchanged(sources: LoadedSources, paths: readonly string[]): boolean {
  if (sources.diagnostics.length > 0) return false;
  const listed = listConfigFiles(paths);
  if (listed.diagnostics.some((d) => d.severity === 'error') || listed.files.length !== sources.files.length) return false;
  return listed.files.every((file, i) => {
    const source = sources.files[i];
    if (source?.file !== file) return false;
    const read = readInputFile(file, INPUT_LIMITS.file, 'one configuration file');
    if (read.problem) return false;
    try {
      return utf8.decode(read.bytes) === source.text;
    } catch {
      return false;
    }
  });
}
