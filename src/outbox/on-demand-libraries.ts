import { TenantctlError } from '../diagnostics/tenantctl-error.js';

/**
 * Libraries only some commands use, imported when first needed: the bundle
 * (scripts/bundle.mjs) puts each in a chunk of its own under dist/cmd/chunks/,
 * so every other command starts without compiling them. A chunk that cannot
 * be loaded (deleted, or a copy of dist/cmd/tenantctl.js without its chunks)
 * is a damaged installation, said so, never reported as a bug in tenantctl.
 */
function onDemand<T>(library: string, purpose: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((cause: unknown) => {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new TenantctlError(
        `tenantctl could not load ${library}, which it needs ${purpose} (${reason}); its installation is incomplete: install tenantctl again`,
      );
    }));
}

// Each import() names its library literally, so that the bundler finds it and splits it off.
export const loadAge = onDemand('age-encryption', 'to seal and open temporary passwords', () => import('age-encryption'));
// age's own dependency; sealing reads the outbox's public key with it (seal.ts).
export const loadBase = onDemand('@scure/base', 'to seal temporary passwords', () => import('@scure/base'));
export const loadMailer = onDemand('nodemailer', 'to write mail', () => import('nodemailer'));
