import fs from 'node:fs';
import path from 'node:path';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { writePrivateFile } from './write-private-file.js';
import { modeText } from './file-mode.js';

/** tenantctl's own folder under the working directory, the default home of the embedded database. */
const STATE_FOLDER = '.tenantctl';

const IGNORE_ALL = '# tenantctl\'s embedded database and keys: never commit them.\n*\n';

/** null where there are no user ids (Windows): ownership is not checked there. */
const myUid = (): number | null => (typeof process.geteuid === 'function' ? process.geteuid() : null);

/**
 * Makes the folder an embedded database lives in (and its lock file beside
 * it) safe to use, before the database is opened. Anyone who can write that
 * folder can swap the database or plant its lock, and anyone who owns the
 * database folder can read it, so:
 *
 * - `.tenantctl/` is tenantctl's: it must be a real folder (never a symlink,
 *   which a cloned repository may carry), owned by this user; one others may
 *   enter is made 0700, like the database's own files. Its `.gitignore` is
 *   exactly `*` (rewritten if not; a symlink is refused), and the database
 *   folder in it, once it exists, is a real folder of this user's too.
 * - Any other parent (`--database /srv/tenantctl/db`) is the user's choice
 *   and is never changed (nor is its owner judged: a service account's
 *   folder is one an administrator may mean): it is refused only if others
 *   may write it, unless it is sticky like /tmp, as they could swap the
 *   database or plant its lock.
 */
export function prepareDatabaseParent(directory: string, made: MadeFolder = () => {}): void {
  const parent = path.dirname(directory);
  if (path.basename(parent) === STATE_FOLDER) prepareStateFolder(parent, directory, made);
  else prepareChosenParent(parent, directory, made);
}

/**
 * Told the highest folder prepareDatabaseParent created, as soon as it is
 * created (also when it then refuses): what mkdir made, not what was missing
 * before, as a folder another process makes meanwhile is its own.
 */
export type MadeFolder = (top: string) => void;

function prepareStateFolder(folder: string, directory: string, made: MadeFolder): void {
  let stat = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (!stat) {
    const top = fs.mkdirSync(path.dirname(folder), { recursive: true, mode: 0o700 });
    if (top !== undefined) made(top);
    try {
      fs.mkdirSync(folder, { mode: 0o700 });
      if (top === undefined) made(folder);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
    }
    stat = fs.lstatSync(folder);
  }
  if (stat.isSymbolicLink()) {
    throw new TenantctlError(
      `refusing ${folder}: it is a symbolic link (to ${fs.readlinkSync(folder)}), and tenantctl would write the embedded database and its .gitignore wherever it points; ` +
        'remove the link (run `tenantctl init` to create a real folder), or give --database the real folder',
    );
  }
  if (!stat.isDirectory()) throw new TenantctlError(`refusing ${folder}: it is not a folder; move it away, or give --database another folder`);
  const uid = myUid();
  if (uid !== null && stat.uid !== uid) {
    throw new TenantctlError(
      `refusing ${folder}: it belongs to another user (uid ${stat.uid}), who could read or replace the embedded database in it; ` +
        'move it away and run `tenantctl init`, or give --database a folder of your own',
    );
  }
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(folder, 0o700);
  ignoreEverything(path.join(folder, '.gitignore'));
  const database = fs.lstatSync(directory, { throwIfNoEntry: false });
  if (database?.isSymbolicLink()) {
    throw new TenantctlError(
      `refusing the embedded database ${directory}: it is a symbolic link (to ${fs.readlinkSync(directory)}); inside ${STATE_FOLDER}/ it must be a real folder: ` +
        'remove the link, or give --database the real folder',
    );
  }
  if (database && uid !== null && database.uid !== uid) {
    throw new TenantctlError(
      `refusing the embedded database ${directory}: it belongs to another user (uid ${database.uid}); run tenantctl as that user, or fix the owner (chown -R)`,
    );
  }
}

/**
 * `.tenantctl/.gitignore` holds `*` (comments aside), so a routine `git add -A`
 * in the configuration repository never commits the database. Anything else
 * there (`!db/`, a blank file) is replaced.
 */
function ignoreEverything(file: string): void {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink()) {
    throw new TenantctlError(`refusing ${file}: it is a symbolic link; remove it, and tenantctl writes a .gitignore of \`*\` there`);
  }
  if (stat && !stat.isFile()) throw new TenantctlError(`refusing ${file}: it is not a file; remove it, and tenantctl writes a .gitignore of \`*\` there`);
  if (stat) {
    const rules = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    if (rules.length === 1 && rules[0] === '*') return;
  }
  writePrivateFile(file, IGNORE_ALL);
}

function prepareChosenParent(parent: string, directory: string, made: MadeFolder): void {
  const top = fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  if (top !== undefined) made(top);
  const stat = fs.statSync(parent);
  const sticky = (stat.mode & 0o1000) !== 0;
  if ((stat.mode & 0o022) !== 0 && !sticky) {
    throw new TenantctlError(
      `refusing the embedded database ${directory}: others may write to its folder ${parent} (mode ${modeText(stat.mode)}), so they could replace the database or its lock; ` +
        `run chmod go-w ${parent}, or give --database a folder in another place`,
    );
  }
}
