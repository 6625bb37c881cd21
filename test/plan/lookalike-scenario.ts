// The tenant the plan's look-alike tests share: the default admin and Megan
// Bowen, a Global administrator, in the directory; warnings filtered to the
// LOOKALIKE_ codes.
import { GLOBAL_ADMINISTRATOR } from '../../src/catalog/catalog.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';
import { admin, declared, existing, planDocument } from '../render/scenarios.js';

export const GA = { roles: [GLOBAL_ADMINISTRATOR] };
export const megan = () => existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA);
export const meganDeclared = () => declared('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA);
export const SETTINGS = { ...DEFAULT_SETTINGS, adminEmail: 'it-desk@contoso.com' };

export const lookalikeWarningsOf = (desired: Parameters<typeof planDocument>[0]['desired'], current = [admin(), megan()]) =>
  planDocument({ desired, current, settings: SETTINGS }).warnings.filter((w) => w.code.startsWith('LOOKALIKE_'));
