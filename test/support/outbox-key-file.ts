// The test outbox key's file, apart from outbox-key.ts: every test file's
// process writes it (outbox-key-setup.ts), and importing tenantctl's outbox
// module (with its diagnostics and file modules) only for that cost each one
// the module graph's transform and import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEST_OUTBOX_IDENTITY = 'AGE-SECRET-KEY-1VX6KFD2CKXL9KY0F2AGZ7VEJY6NDZ2N6XPN99ACMFMGXARLPVVESC4484V';
export const TEST_OUTBOX_RECIPIENT = 'age1cd0vhkkp8lrttfquamua9flygeeux62vex6cxlaxkyqqk72kustq355ydt';

/** Outside every repository, one per user, the same content for every worker. */
export const TEST_OUTBOX_KEY_FILE = path.join(os.tmpdir(), `tenantctl-test-outbox-${process.getuid?.() ?? 'user'}.key`);

export function writeTestOutboxKey(): void {
  const text = `# test key\n# public key: ${TEST_OUTBOX_RECIPIENT}\n${TEST_OUTBOX_IDENTITY}\n`;
  const temporary = `${TEST_OUTBOX_KEY_FILE}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, TEST_OUTBOX_KEY_FILE);
}
