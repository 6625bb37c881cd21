// Preloaded (NODE_OPTIONS=--require) into a tenantctl deliver that a test
// interrupts mid-write: the first time writePrivateFile syncs a pickup
// message under its temporary name (`.credentials-….tmp`), the process
// creates `$HOLD_PICKUP_DIR/held` and then waits, inside that synchronous
// write, until the test creates `$HOLD_PICKUP_DIR/release` (or kills it).
// This holds the process exactly between creating and renaming the file,
// where a signal used to leave the file behind, without any sleep in the test.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.HOLD_PICKUP_DIR;
if (dir) {
  const fsync = fs.fsyncSync;
  let held = false;
  fs.fsyncSync = function holdingFsync(fd) {
    fsync.call(fs, fd);
    if (held) return;
    let name = '';
    try {
      name = path.basename(fs.readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      return;
    }
    if (!/^\.credentials-.*\.tmp$/.test(name)) return;
    held = true;
    // Who is held, for a test whose deliver is not its own child (run at a terminal by `script`).
    fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
    // Renamed into place, so the test never reads it created but still empty.
    fs.writeFileSync(path.join(dir, 'held.part'), name);
    fs.renameSync(path.join(dir, 'held.part'), path.join(dir, 'held'));
    const wait = new Int32Array(new SharedArrayBuffer(4));
    while (!fs.existsSync(path.join(dir, 'release'))) Atomics.wait(wait, 0, 0, 10);
  };
}
