import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Room the pipeline tests need there: node_modules (~50 MB), a database, the jobs' files. */
const ROOM_NEEDED = 1024 ** 3;

/**
 * Where /dev/shm is a tmpfs that allows running programs (node_modules/.bin)
 * and has room, that folder; otherwise null. Docker's default /dev/shm, for
 * one, is noexec and 64 MB.
 */
function memoryFolder(): string | null {
  let mounts: string;
  try {
    mounts = fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return null;
  }
  // The last mount on a point is the one in effect.
  const shm = mounts.split('\n').map((line) => line.split(' ')).findLast((f) => f[1] === '/dev/shm');
  if (!shm || shm[2] !== 'tmpfs' || shm[3]!.split(',').includes('noexec')) return null;
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    const { bavail, bsize } = fs.statfsSync('/dev/shm');
    return bavail * bsize >= ROOM_NEEDED ? '/dev/shm' : null;
  } catch {
    return null;
  }
}

/**
 * A fresh folder in memory where the machine has one, else in the temporary
 * folder; removed by the caller. The pipeline tests reinstall node_modules in
 * every job (npm ci deletes and rewrites thousands of files) and write an
 * embedded database: on this machine's disk that cost about two seconds of
 * kernel time per job, and a busy disk stalled a single `init` for 30 s.
 * A runner's build folder on fast storage does the same for a real pipeline.
 */
export function memoryTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(memoryFolder() ?? os.tmpdir(), prefix));
}
