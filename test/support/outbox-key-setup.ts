// vitest setupFiles: every test process (and the CLI it runs) finds the test
// outbox key through TENANTCTL_OUTBOX_KEY, so no test writes to ~/.config.
import { TEST_OUTBOX_KEY_FILE, writeTestOutboxKey } from './outbox-key-file.js';

writeTestOutboxKey();
process.env.TENANTCTL_OUTBOX_KEY = TEST_OUTBOX_KEY_FILE;
