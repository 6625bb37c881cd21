import { markCommand, type CommandMark } from '../audit/command-mark.js';
import type { Database } from '../db/database.js';
import { BUILTIN_ROLES } from './builtin-roles.js';

/** What each role may do, as migration 0001 seeded it. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '62e90394-69f5-4237-9190-012177145e10': 'everything; the only role that may assign admin roles',
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': 'purchases, subscriptions, support tickets',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'reset passwords of non-admins and other password admins',
  'f023fd81-a637-4b56-95fd-791ac0226033': 'support tickets, service health',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'create, edit, delete users; manage licenses; reset non-admin passwords',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Online',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': 'SharePoint Online',
  '75941009-915a-4869-abe7-691bff18279e': 'Skype for Business',
  '17315797-102d-40b4-93e0-432062caca18': 'compliance center',
};

/**
 * The built-in admin roles missing from the roles table, put back; returns
 * their admin center names. Migration 0001 seeds them and tenantctl never
 * deletes one, but the owner may; then every apply granting one is refused
 * by the foreign key of user_roles, and init, which promises the roles are
 * always present, is the way back. A row that is there is left as it is
 * (tenantctl reads the roles' names from BUILTIN_ROLES, never from the table),
 * and so is a role whose names another row has taken.
 */
export async function restoreBuiltinRoles(db: Database, mark: CommandMark): Promise<string[]> {
  return db.transaction(async (tx) => {
    await markCommand(tx, mark);
    const rows = await tx.query<{ display_name: string }>(
      `INSERT INTO roles (template_id, display_name, directory_name, description, privileged)
       SELECT * FROM json_to_recordset($1::json) AS r(template_id uuid, display_name text, directory_name text, description text, privileged boolean)
        WHERE NOT EXISTS (SELECT FROM roles WHERE template_id = r.template_id)
       ON CONFLICT DO NOTHING
       RETURNING display_name`,
      [
        JSON.stringify(
          BUILTIN_ROLES.map((role) => ({
            template_id: role.templateId,
            display_name: role.displayName,
            directory_name: role.directoryName,
            description: DESCRIPTIONS[role.templateId] ?? role.displayName,
            privileged: role.privileged,
          })),
        ),
      ],
    );
    const restored = new Set(rows.map((row) => row.display_name));
    return BUILTIN_ROLES.filter((role) => restored.has(role.displayName)).map((role) => role.displayName);
  });
}
