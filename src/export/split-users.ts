import type { User } from '../state/tenant-state.js';
import { textValue } from './declare-user.js';

/** How `export --split` spreads users over files. */
export type ExportSplit = 'department' | 'domain';

export const EXPORT_SPLITS: readonly ExportSplit[] = ['department', 'domain'];

/** The users of one file. `fileName` is unique among the groups and safe on every file system. */
export interface UserGroup {
  readonly fileName: string;
  /** What the users have in common, for the file's header comment. */
  readonly description: string;
  readonly users: readonly User[];
}

export const NO_DEPARTMENT_FILE = 'users-no-department.yaml';

/** Characters of a slug, and its UTF-8 bytes: `users-` + slug + `-NNNNNNN.yaml` stays far under the 255 bytes of a file name. */
const MAX_SLUG = 60;
const MAX_SLUG_BYTES = 120;

/**
 * A department as a file name part: lower case, accents dropped, every run of
 * characters other than letters and digits a single '-'. Letters of other
 * scripts are kept ("研究開発" stays); a name with no letter or digit at all
 * becomes "department". Letters drawn as nothing (a Hangul filler) are no
 * letters here: `users-itㅤ.yaml` looked like `users-it.yaml` beside it in a
 * pull request's list of files, and 60 characters of four bytes each made a
 * name too long to create (helper-77).
 */
export function slug(name: string): string {
  const plain = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/(?:[^\p{L}\p{N}]|\p{Default_Ignorable_Code_Point})+/gu, '-')
    .replace(/^-+|-+$/g, '');
  let short = '';
  let bytes = 0;
  for (const char of [...plain].slice(0, MAX_SLUG)) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_SLUG_BYTES) break;
    short += char;
  }
  short = short.replace(/-+$/, '');
  return short === '' ? 'department' : short;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Users keyed by what they share, keys sorted (so file names are assigned the same way every time). */
function groupBy(users: readonly User[], keyOf: (user: User) => string | undefined): [string | undefined, User[]][] {
  const groups = new Map<string | undefined, User[]>();
  for (const user of users) {
    const key = keyOf(user);
    const list = groups.get(key);
    if (list) list.push(user);
    else groups.set(key, [user]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === undefined ? -1 : b === undefined ? 1 : byText(a, b)));
}

/**
 * A file name as a case-insensitive file system (macOS, Windows) compares it:
 * `users-σας.yaml` ("ΣΑΣ") and `users-σασ.yaml` ("σασ"), or `users-it.yaml`
 * and `users-ıt.yaml`, differ here but are one file there, and the second
 * written replaced the first, its users missing from the export.
 */
const folded = (fileName: string): string => fileName.toUpperCase();

function byDepartment(users: readonly User[]): UserGroup[] {
  const taken = new Set<string>([folded(NO_DEPARTMENT_FILE)]);
  return groupBy(users, (user) => textValue(user.attributes.department)).map(([department, members]) => {
    if (department === undefined) return { fileName: NO_DEPARTMENT_FILE, description: 'Users without a department.', users: members };
    // Departments that differ only in case or punctuation ("R&D", "R-D") get -2, -3, … rather than share a file.
    const base = `users-${slug(department)}`;
    let fileName = `${base}.yaml`;
    for (let n = 2; taken.has(folded(fileName)); n++) fileName = `${base}-${n}.yaml`;
    taken.add(folded(fileName));
    return { fileName, description: `Users of the department ${JSON.stringify(department)}.`, users: members };
  });
}

function byDomain(users: readonly User[]): UserGroup[] {
  // The database allows only [a-z0-9.-] in a domain; a state from elsewhere is made safe the same way.
  const domainOf = (user: User) => (user.userPrincipalName.split('@')[1] ?? '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
  return groupBy(users, domainOf).map(([domain = '', members]) => ({
    fileName: `users-${domain}.yaml`,
    description: `Users who sign in with @${domain}.`,
    users: members,
  }));
}

/** The files users go to, sorted by file name; each user in exactly one, in the order given. */
export function splitUsers(users: readonly User[], split: ExportSplit): UserGroup[] {
  const groups = split === 'department' ? byDepartment(users) : byDomain(users);
  return groups.sort((a, b) => byText(a.fileName, b.fileName));
}
