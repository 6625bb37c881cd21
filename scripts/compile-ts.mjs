#!/usr/bin/env node
// Compiles the TypeScript (tsc -p tsconfig.json, incremental). Why a script:
// an incremental build is 3 s instead of 12 s when little changed (CI builds
// three times: npm ci's prepare, the tests' set-up, the benchmark), but tsc
// trusts its build info and does not write again an output that was deleted
// since. Every source must have its output afterwards; if one has none, the
// build info is dropped and everything is compiled again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const compile = () => execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

function missingOutput() {
  for (const top of ['cmd', 'src']) {
    for (const entry of fs.readdirSync(path.join(root, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.d.ts') || !/\.c?ts$/.test(entry.name)) continue;
      const source = path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name));
      const output = path.join(root, 'dist', source.replace(/\.ts$/, '.js').replace(/\.cts$/, '.cjs'));
      if (!fs.existsSync(output)) return source;
    }
  }
  return null;
}

compile();
const missing = missingOutput();
if (missing) {
  process.stderr.write(`compile-ts: ${missing} has no compiled output: compiling everything again\n`);
  fs.rmSync(path.join(root, 'dist', 'tsconfig.tsbuildinfo'), { force: true });
  compile();
}
