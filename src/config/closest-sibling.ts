import fs from 'node:fs';
import path from 'node:path';
import { closest } from './suggest.js';

/**
 * How many entries of a folder are compared with a mistyped name: a folder of
 * 100,000 entries costs a few hundred, not the whole listing (a typo of a
 * configuration is usually next to it in a small folder).
 */
export const SIBLINGS_LOOKED_AT = 1000;

/**
 * For a path that does not exist, the path of the entry beside it whose name
 * is closest (`confg/tenant.yml` → `confg/tenant.yaml`), written as the user
 * wrote the folder part; undefined when its folder cannot be read or no name
 * is close. Reads at most `SIBLINGS_LOOKED_AT` entries. The name is raw (it
 * comes from the file system): callers escape it for their output.
 */
export function closestSibling(given: string, limit = SIBLINGS_LOOKED_AT): string | undefined {
  const trimmed = given.replace(/[\\/]+$/, '');
  const name = path.basename(trimmed);
  if (name === '' || name === '.' || name === '..') return undefined;
  const folderPart = trimmed.slice(0, trimmed.length - name.length);
  const names: string[] = [];
  let folder: fs.Dir | undefined;
  try {
    folder = fs.opendirSync(folderPart === '' ? '.' : folderPart);
    for (let entry = folder.readSync(); entry !== null && names.length < limit; entry = folder.readSync()) names.push(entry.name);
  } catch {
    // A folder that is missing or unreadable has no sibling to offer.
    return undefined;
  } finally {
    folder?.closeSync();
  }
  const match = closest(name, names);
  return match === undefined || match === name ? undefined : `${folderPart}${match}`;
}
