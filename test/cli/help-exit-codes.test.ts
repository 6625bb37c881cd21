// `tenantctl --help` listed the exit codes 0-3, 130 and 141, and README's table
// the same, while deliver stopped by SIGHUP, SIGINT or SIGTERM exits 129, 130 or
// 143 (128 + the signal, as a shell shows it), which the README told only in
// deliver's own section. The help, its table and deliver's help agree now.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

/** Codes a signal deliver stops on ends it with. */
const SIGNAL_CODES = (['SIGHUP', 'SIGINT', 'SIGTERM'] as const).map((signal) => 128 + os.constants.signals[signal]);

/** The codes in README's `### Exit codes` table. */
function readmeCodes(): number[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| code |')));
  return [...table.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1]));
}

/** The codes the program's help names after `Exit codes:`. */
function helpCodes(help: string): number[] {
  const text = help.slice(help.indexOf('Exit codes:')).replace(/\n/g, ' ').replace(/\([^)]*\)/g, '');
  return [...new Set([...text.matchAll(/(?<![\w-])(\d+)(?= |,)/g)].map((match) => Number(match[1])))].sort((a, b) => a - b);
}

describe('exit codes in the help and the README', () => {
  it("the program's help names every code of the README's table, signals included", async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(readmeCodes()).toEqual(expect.arrayContaining(SIGNAL_CODES));
    expect(helpCodes(help.stdout)).toEqual([...readmeCodes()].sort((a, b) => a - b));
    expect(help.stdout).toContain('143 stopped by SIGTERM');
  });

  it("deliver's help says what a signal stops it with", async () => {
    const help = await runCli(['help', 'deliver']);
    expect(help.stdout.replace(/\n/g, ' ')).toContain('it finishes the notification in flight, leaves the rest queued and exits 130, 143 or 129.');
  });
});
