// Every rename is a row of former_names, and the writer role (or psql) can
// rename one account as often as it likes: a script renaming it 50,000 times
// made readFormerNames compare each name with all the earlier ones, in every
// plan and drift. Counted in lower-casings, not time: linear in the rows.
import { describe, expect, it } from 'vitest';
import { readFormerNames } from '../../src/state/read-state.js';

const ID = '6f1d2c3b-0000-4000-8000-000000000001';

/** How many times `run` lower-cases a string. */
function lowerCasings(run: () => void): number {
  const original = String.prototype.toLowerCase;
  let calls = 0;
  String.prototype.toLowerCase = function (this: string) {
    calls += 1;
    return original.call(this);
  };
  try {
    run();
  } finally {
    String.prototype.toLowerCase = original;
  }
  return calls;
}

describe('former names read from the database', () => {
  it('are deduplicated in time linear in the renames', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => [ID, `user${i}@contoso.com`]);
    const text = JSON.stringify(rows);
    let names: ReadonlyMap<string, readonly string[]> = new Map();
    const calls = lowerCasings(() => {
      names = readFormerNames(text);
    });
    expect(names.get(ID)?.length).toBe(4000);
    expect(calls).toBeLessThanOrEqual(3 * rows.length);
  });

  it('keep one of the names that differ in case only, the oldest, per account', () => {
    const other = '6f1d2c3b-0000-4000-8000-000000000002';
    const names = readFormerNames(JSON.stringify([[ID, 'Megan@contoso.com'], [ID, 'megan@contoso.com'], [other, 'megan@contoso.com'], [ID, 'm@contoso.com']]));
    expect(Object.fromEntries(names)).toEqual({ [ID]: ['Megan@contoso.com', 'm@contoso.com'], [other]: ['megan@contoso.com'] });
  });
});
