// settings.adminEmail pointed at a new address (the scenario, admin-email-approval-scenario.ts) on the embedded database.
import { embeddedLogins } from '../support/scenario-logins.js';
import { scenario } from './admin-email-approval-scenario.js';

scenario('embedded database', async () => embeddedLogins('tenantctl-admin-email-approval-'));
