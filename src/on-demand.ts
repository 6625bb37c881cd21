import { TenantctlError } from './diagnostics/tenantctl-error.js';

/**
 * A module only some commands use, imported when first needed: the bundle
 * (scripts/bundle.mjs) puts it in a chunk of its own under dist/cmd/chunks/,
 * so every other command starts without compiling it. A chunk that cannot be
 * loaded (deleted, or a copy of dist/cmd/tenantctl.js without its chunks) is
 * a damaged installation, said so, never reported as a bug in tenantctl.
 */
export function onDemand<T>(library: string, purpose: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((cause: unknown) => {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new TenantctlError(
        `tenantctl could not load ${library}, which it needs ${purpose} (${reason}); its installation is incomplete: install tenantctl again`,
      );
    }));
}
