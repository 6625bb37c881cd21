import type { Queryable } from '../db/database.js';

/**
 * Who a command that writes outside an apply says it is: init, loading the
 * catalog or setting the outbox key. Kept with each row it writes in
 * other_writes (migration 0016), beside the database role, which the
 * database records itself; like an apply's actor, this is the command's own
 * word. A write nobody marks was made outside tenantctl.
 */
export interface CommandMark {
  readonly command: 'init';
  readonly actor: string;
  readonly host: string;
}

/** Marks the rest of this transaction's writes as the command's. */
export async function markCommand(tx: Queryable, mark: CommandMark): Promise<void> {
  await tx.query(
    `SELECT set_config('tenantctl.command', $1, true), set_config('tenantctl.actor', $2, true), set_config('tenantctl.host', $3, true)`,
    [mark.command, mark.actor, mark.host],
  );
}
