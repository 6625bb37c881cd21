// Runs a process as a user would and measures it: wall time from spawn to
// exit, CPU time (user + system) and peak RSS as the kernel accounts them
// (GNU time's %U, %S and %M, read after the process exits). CPU time is the
// steadier figure on a machine others are using too.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TIME = '/usr/bin/time';
export const rssAvailable = fs.existsSync(TIME);

const rssFilePrefix = `tenantctl-bench-rss-${process.pid}-`;

/** Removes GNU time's figure files this process left (a step interrupted before it read its own). */
export function removeRssFiles() {
  for (const name of fs.readdirSync(os.tmpdir())) if (name.startsWith(rssFilePrefix)) fs.rmSync(path.join(os.tmpdir(), name), { force: true });
}

/** Runs `argv`; resolves to { code, stdout, stderr, ms, cpuMs, rssMB } (cpuMs, rssMB null without GNU time). */
export function measure(argv, { env = {}, cwd } = {}) {
  const rssFile = path.join(os.tmpdir(), `${rssFilePrefix}${Math.random().toString(36).slice(2)}`);
  const [file, args] = rssAvailable ? [TIME, ['-f', '%M %U %S', '-o', rssFile, ...argv]] : [argv[0], argv.slice(1)];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      let rssMB = null;
      let cpuMs = null;
      if (rssAvailable) {
        // The last line: GNU time writes "Command exited with non-zero status" before it.
        const [kb, user, system] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
        fs.rmSync(rssFile, { force: true });
        rssMB = kb / 1024;
        cpuMs = (user + system) * 1000;
      }
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), ms, cpuMs, rssMB });
    });
  });
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Runs `once` `repeat` times (with `prepare` before each, untimed) and keeps
 * the median wall time and the highest peak RSS. Fails loudly on an
 * unexpected exit code: a benchmark of an error is no benchmark.
 */
export async function repeated(label, repeat, once, { prepare, expect = [0] } = {}) {
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    if (prepare) await prepare(i);
    const run = await once(i);
    if (!expect.includes(run.code)) {
      throw new Error(`${label}: exit ${run.code}\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`);
    }
    runs.push(run);
  }
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuMs: runs.some((r) => r.cpuMs === null) ? null : median(runs.map((r) => r.cpuMs)),
    rssMB: runs.some((r) => r.rssMB === null) ? null : Math.max(...runs.map((r) => r.rssMB)),
    last: runs.at(-1),
  };
}
