import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { FILE_SECONDS } from './file-seconds.js';

/**
 * Runs the longest test files first, so that the run does not end with one
 * long file on one core while the other has nothing left to do. Vitest does
 * this itself only from its results cache (node_modules/.vite), which a clean
 * clone lacks: there it starts larger files first, and a short file with one
 * long test (crash-embedded.test.ts, about 20 s) started last and ran alone.
 * A file's seconds come from that cache when it has them, else from
 * FILE_SECONDS; ties (the many quick files) go larger file first, as vitest's.
 * The files that share worker processes (shared-process.ts) all come last: a
 * worker goes on to the next file only if that one shares processes too, so
 * an isolated file queued between two of them would cost a new process.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const key = (spec: TestSpecification) => `${spec.project.name}:${path.relative(config.root, spec.moduleId)}`;
    const seconds = (spec: TestSpecification): number => {
      const cached = cache.getFileTestResults(key(spec));
      return cached ? cached.duration / 1000 : (FILE_SECONDS[path.relative(config.root, spec.moduleId)] ?? 0);
    };
    const size = (spec: TestSpecification): number => cache.getFileStats(key(spec))?.size ?? 0;
    const shared = (spec: TestSpecification): number => (spec.project.config.isolate === false ? 1 : 0);
    return [...files].sort((a, b) => shared(a) - shared(b) || seconds(b) - seconds(a) || size(b) - size(a));
  }
}
