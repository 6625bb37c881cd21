#!/usr/bin/env node
// The `tenantctl` command (package.json "bin"). It sizes libuv's thread pool
// to the machine's cores before anything uses the pool, then loads the CLI.
// Why a CommonJS file: loading an ES module already starts the pool (at its
// default of 4 threads), and the pool's size is read only once, when it
// starts. scrypt (node:crypto, async) hashes new passwords on that pool, one
// hash per core (src/credentials/hash-passwords.ts), so creating hundreds of
// users runs on every core only with this; two threads more stay free for
// file reads and the like meanwhile.
import os = require('node:os');
import v8 = require('node:v8');

// V8's young generation starts at 1 MB and doubles after each collection that
// finds it too small. A command keeps most of what it allocates (the parsed
// configuration, the directory), so it runs a dozen small collections copying
// the same objects before the young generation reaches its size. Growing it
// fourfold instead: a steady plan of 10,000 users about 8 % less wall and CPU
// time, of 100,000 users 5 %, at the same peak memory (BENCHMARKS.md, step 34).
// The only such setting V8 reads after it has started (--min-semi-space-size
// does not apply once the heap is made).
v8.setFlagsFromString('--semi-space-growth-factor=4');

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism() + 2));
// The bundled CLI (scripts/bundle.mjs); a variable, as it is built after tsc runs.
const bundle = './tenantctl.js';
void import(bundle);
