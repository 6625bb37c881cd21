#!/usr/bin/env node
// The `tenantctl` command (package.json "bin"). It sizes libuv's thread pool
// to the machine's cores before anything uses the pool, then loads the CLI.
// Why a CommonJS file: loading an ES module already starts the pool (at its
// default of 4 threads), and the pool's size is read only once, when it
// starts. scrypt (node:crypto, async) hashes new passwords on that pool, so
// creating hundreds of users runs on every core only with this.
import os = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism()));
// The bundled CLI (scripts/bundle.mjs); a variable, as it is built after tsc runs.
const bundle = './tenantctl.js';
void import(bundle);
