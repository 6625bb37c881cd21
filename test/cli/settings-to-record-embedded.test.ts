// Settings to record (the scenario, settings-to-record-scenario.ts) on the embedded database.
import { embeddedLogins } from '../support/scenario-logins.js';
import { scenario } from './settings-to-record-scenario.js';

scenario('embedded database', async () => embeddedLogins('tenantctl-settings-'));
