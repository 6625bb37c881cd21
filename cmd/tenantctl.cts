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

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism() + 2));
// The bundled CLI (scripts/bundle.mjs); a variable, as it is built after tsc runs.
const bundle = './tenantctl.js';
void import(bundle);
