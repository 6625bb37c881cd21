import { onDemand } from '../on-demand.js';

// Libraries only some commands use (see onDemand).
// Each import() names its library literally, so that the bundler finds it and splits it off.
export const loadAge = onDemand('age-encryption', 'to seal and open temporary passwords', () => import('age-encryption'));
// age's own dependency; sealing reads the outbox's public key with it (seal.ts).
export const loadBase = onDemand('@scure/base', 'to seal temporary passwords', () => import('@scure/base'));
export const loadMailer = onDemand('nodemailer', 'to write mail', () => import('nodemailer'));
