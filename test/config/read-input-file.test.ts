import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS, readInputFile } from '../../src/config/read-input-file.js';
import { tempDir } from '../support/cli.js';

const scratch = tempDir('tenantctl-read-input-');
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('readInputFile', () => {
  it('reads a regular file whole', () => {
    const file = path.join(scratch, 'ok.yaml');
    fs.writeFileSync(file, 'users: []\n');
    expect(readInputFile(file, 100, 'a test file').bytes?.toString()).toBe('users: []\n');
  });

  it('reads a file exactly at the limit, refuses one byte more', () => {
    const file = path.join(scratch, 'ten.yaml');
    fs.writeFileSync(file, '0123456789');
    expect(readInputFile(file, 10, 'a test file').bytes?.length).toBe(10);
    expect(readInputFile(file, 9, 'a test file').problem).toEqual({
      kind: 'too-large',
      message: `${file} is larger than 9 bytes, the limit for a test file; split it into several files`,
    });
  });

  it('reads at most limit + 1 bytes of a file whose size says 0 (/proc)', () => {
    const read = readInputFile('/proc/self/status', 16, 'a test file');
    expect(read.problem?.kind).toBe('too-large');
  });

  it('refuses a character device before reading from it', () => {
    expect(readInputFile('/dev/zero', INPUT_LIMITS.file, 'a test file').problem).toEqual({
      kind: 'not-a-file',
      message: '/dev/zero is a character device, not a regular file; tenantctl reads only regular files (save the content to a file and give its path)',
    });
  });

  it('refuses a named pipe without opening it (which would block until a writer comes)', () => {
    const fifo = path.join(scratch, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(readInputFile(fifo, INPUT_LIMITS.file, 'a test file').problem?.message).toBe(
      `${fifo} is a named pipe (FIFO), not a regular file; tenantctl reads only regular files (save the content to a file and give its path)`,
    );
  });

  it('refuses a directory, and says why it cannot read a missing file', () => {
    expect(readInputFile(scratch, 10, 'a test file').problem?.message).toContain('is a directory, not a regular file');
    expect(readInputFile(path.join(scratch, 'missing.yaml'), 10, 'a test file').problem).toEqual({
      kind: 'unreadable',
      message: `cannot read ${path.join(scratch, 'missing.yaml')}: no such file or folder (ENOENT)`,
      reason: 'no such file or folder (ENOENT)',
      code: 'ENOENT',
    });
  });
});
