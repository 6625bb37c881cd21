#!/usr/bin/env node
// Bundles the compiled CLI (dist/cmd/main.js and everything it imports) into
// dist/cmd/tenantctl.js, the file the `tenantctl` command loads, and the
// chunks in dist/cmd/chunks/ it imports on demand.
// Why: Node 20 resolves, reads and compiles each of the ~450 ES modules of the
// CLI and its libraries on every run, about 0.15 s of CPU before any work;
// one file takes a few milliseconds. PGlite stays outside the bundle: it
// loads its WebAssembly and data files relative to its own module.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { JS_YAML_MODULE, limitJsYamlEvents } from './js-yaml-event-limit.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

// Libraries only some commands use (nodemailer for deliver, age for sealing)
// are imported dynamically and go into chunks loaded when first needed:
// compiling them on every run cost about 20 ms of each command's start.
fs.rmSync(path.join(root, 'dist', 'cmd', 'chunks'), { recursive: true, force: true });

// pg asks on load whether it runs in a Cloudflare Worker by constructing a
// fetch Response, which makes Node 20 load its whole fetch implementation
// (undici): about a tenth of every command's start. tenantctl runs on Node.
const notCloudflare = {
  name: 'pg-not-cloudflare',
  setup(build) {
    build.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const patched = source.replace('if (isCloudflareRuntime()) {', 'if (false) {');
      if (patched === source) return { contents: source, loader: 'js', warnings: [{ text: 'pg/lib/stream.js changed: the Cloudflare check is no longer skipped' }] };
      return { contents: patched, loader: 'js' };
    });
  },
};
// js-yaml's parser, with the bound on its events that src/config/yaml-source.ts asks for.
const jsYamlEventLimit = {
  name: 'js-yaml-event-limit',
  setup(build) {
    build.onLoad({ filter: JS_YAML_MODULE }, async (args) => ({ contents: limitJsYamlEvents(await fs.promises.readFile(args.path, 'utf8')), loader: 'js' }));
  },
};
await build({
  // The password hasher runs as a process of its own (src/credentials/hasher-process.ts).
  entryPoints: { tenantctl: path.join(root, 'dist', 'cmd', 'main.js'), 'tenantctl-hasher': path.join(root, 'dist', 'cmd', 'hasher.js') },
  outdir: path.join(root, 'dist', 'cmd'),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@electric-sql/pglite', '@electric-sql/pglite/*', 'pg-native'],
  // CommonJS libraries bundled into an ES module still require Node's own modules.
  banner: { js: "import { createRequire as tenantctlRequire } from 'node:module'; const require = tenantctlRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [notCloudflare, jsYamlEventLimit],
});
