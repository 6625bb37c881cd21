// A lost connection that escaped the database layer is named by the server the command was given:
// --database may be given twice (before and after the command), and the later one is the one used.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportFailure } from '../../cmd/failure.js';

const argv = process.argv;

describe('a lost connection reported by reportFailure', () => {
  afterEach(() => {
    process.argv = argv;
    vi.restoreAllMocks();
  });

  it.each([
    [['--database', 'postgres://u:pA@a/one', 'history', '--database', 'postgres://u:pB@b/two']],
    [['--database=postgres://u:pA@a/one', 'history', '--database=postgres://u:pB@b/two']],
    [['history', '--database', 'postgres://u:pA@a/one', '--database=postgres://u:pB@b/two', '--', '--database', 'postgres://u:pC@c/three']],
  ])('names the server of the last --database: %j', (args) => {
    process.argv = ['node', 'tenantctl', ...args];
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(reportFailure(cause, false)).toBe(1);
    expect(written.join('')).toBe('Error: lost the connection to postgres://u:****@b/two (the server reset the connection)\n');
  });
});
