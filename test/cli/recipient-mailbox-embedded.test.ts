// A mailbox given an address temporary passwords are sent to (the scenario, recipient-mailbox-scenario.ts) on the embedded database.
import { embeddedLogins } from '../support/scenario-logins.js';
import { scenario } from './recipient-mailbox-scenario.js';

scenario('embedded database', async () => embeddedLogins('tenantctl-recipient-mailbox-'));
