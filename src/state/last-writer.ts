/**
 * Who last wrote a user row, as `users.updated_by` records it. tenantctl's
 * apply writes `apply #12 (alice)`; anything else that writes a user, its
 * roles or its licences is stamped by the database itself (migration 0004)
 * with `outside tenantctl by database role X`, and the time in updated_at.
 */
export type LastWriter =
  | { readonly kind: 'apply'; readonly applyId: number; readonly actor: string }
  | { readonly kind: 'outside'; readonly role: string }
  | { readonly kind: 'unknown'; readonly by: string | null };

const APPLIED_BY = /^apply #(\d+) \((.*)\)$/s;
const OUTSIDE = /^outside tenantctl by database role (.*)$/s;

export function lastWriter(updatedBy: string | null): LastWriter {
  const applied = updatedBy === null ? null : APPLIED_BY.exec(updatedBy);
  if (applied) return { kind: 'apply', applyId: Number(applied[1]), actor: applied[2] ?? '' };
  const outside = updatedBy === null ? null : OUTSIDE.exec(updatedBy);
  if (outside) return { kind: 'outside', role: outside[1] ?? '' };
  return { kind: 'unknown', by: updatedBy };
}
