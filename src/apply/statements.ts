import type { Queryable } from '../db/database.js';
import type { ChangeKind, ChangeOf } from '../plan/change.js';

/** A new temporary password's stored form; the password itself stays in memory. */
export interface StoredCredential {
  readonly passwordHash: string;
  readonly forceChange: boolean;
  readonly resetToken: string | null;
}

export interface StatementContext {
  /** UPN (lower case) → credential, for every create and password reset. */
  readonly credentials: ReadonlyMap<string, StoredCredential>;
  /** `apply #id (actor)`: what this apply stamps the users it touches with. */
  readonly stamp: string;
}

type Writer<K extends ChangeKind> = (tx: Queryable, changes: readonly ChangeOf<K>[], context: StatementContext) => Promise<unknown>;

const json = (rows: readonly object[]) => JSON.stringify(rows);
const ids = (changes: readonly { userId: string }[]) => changes.map((c) => c.userId);
const credentialOf = (context: StatementContext, upn: string): StoredCredential => {
  const credential = context.credentials.get(upn.toLowerCase());
  if (!credential) throw new Error(`internal: no credential prepared for ${upn}`);
  return credential;
};

/** Resolves the user of a change by UPN, so rows created in this apply are found too. */
const BY_UPN = `JOIN users u ON lower(u.user_principal_name) = lower(x.upn)`;

/*
 * A temporary password expires after 90 days whatever the user's
 * passwordPolicies: the first password (and a reset one) must be changed
 * (DOMAIN.md). DisablePasswordExpiration spares the passwords the user chooses.
 */
const PASSWORD_COLUMNS = `password_hash = x.hash, password_set_at = now(), password_expires_at = now() + interval '90 days',
  force_change_password = x.force, password_reset_token = coalesce(x.token, u.password_reset_token), password_temporary = true`;

/**
 * One set-based, parameterised statement (or two) per kind of change: the
 * rows travel as one JSON parameter, expanded with jsonb_to_recordset. A kind
 * nobody writes fails to compile.
 */
export const WRITERS: { readonly [K in ChangeKind]: Writer<K> } = {
  // Past the recycle bin's 30 days: the row goes for good (its roles and
  // licences went at deletion); the audit entry of this apply records it.
  'user.purge': (tx, changes) => tx.query('DELETE FROM users WHERE id = ANY($1::uuid[]) AND deleted_at IS NOT NULL', [ids(changes)]),
  // The same row, id and all, under its new UPN: roles, licences, password and history stay.
  'user.rename': (tx, changes) =>
    tx.query(
      `UPDATE users u SET user_principal_name = x.upn FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, upn text) WHERE u.id = x.id`,
      [json(changes.map((c) => ({ id: c.userId, upn: c.userPrincipalName })))],
    ),
  'user.create': (tx, changes, context) =>
    tx.query(
      `INSERT INTO users (user_principal_name, display_name, given_name, surname, mail_nickname, account_enabled,
         job_title, department, mobile_phone, business_phones, street_address, city, state, postal_code, country,
         usage_location, password_hash, password_set_at, password_expires_at, force_change_password,
         password_reset_token, password_temporary, managed, password_policies)
       SELECT x.upn, x.a->>'displayName', x.a->>'givenName', x.a->>'surname', x.a->>'mailNickname', x.enabled,
         x.a->>'jobTitle', x.a->>'department', x.a->>'mobilePhone',
         ARRAY(SELECT jsonb_array_elements_text(x.a->'businessPhones')), x.a->>'streetAddress', x.a->>'city',
         x.a->>'state', x.a->>'postalCode', x.a->>'country', x.a->>'usageLocation',
         x.hash, now(), now() + interval '90 days', x.force, x.token, true, true, x.a->>'passwordPolicies'
       FROM jsonb_to_recordset($1::jsonb) AS x(upn text, a jsonb, enabled boolean, hash text, force boolean, token text)`,
      [
        json(
          changes.map((c) => {
            const credential = credentialOf(context, c.userPrincipalName);
            return {
              upn: c.userPrincipalName,
              a: c.attributes,
              enabled: c.accountEnabled,
              hash: credential.passwordHash,
              force: credential.forceChange,
              token: credential.resetToken,
            };
          }),
        ),
      ],
    ),
  'user.restore': (tx, changes) =>
    tx.query('UPDATE users SET deleted_at = NULL WHERE id = ANY($1::uuid[])', [ids(changes)]),
  // Stamped here, so the closing stamp of every touched user (applyPlan)
  // need not write a second version of each adopted row.
  'user.adopt': (tx, changes, context) =>
    tx.query('UPDATE users SET managed = true, updated_at = now(), updated_by = $2 WHERE id = ANY($1::uuid[])', [ids(changes), context.stamp]),
  'user.update': (tx, changes) => {
    const rows = changes.map((c) => ({ id: c.userId, a: Object.fromEntries(c.attributes.map((a) => [a.attribute, a.to])) }));
    const set = (column: string, field: string) => `${column} = CASE WHEN x.a ? '${field}' THEN x.a->>'${field}' ELSE u.${column} END`;
    return tx
      .query(
        `UPDATE users u SET ${[
          ['display_name', 'displayName'],
          ['given_name', 'givenName'],
          ['surname', 'surname'],
          ['mail_nickname', 'mailNickname'],
          ['job_title', 'jobTitle'],
          ['department', 'department'],
          ['mobile_phone', 'mobilePhone'],
          ['street_address', 'streetAddress'],
          ['city', 'city'],
          ['state', 'state'],
          ['postal_code', 'postalCode'],
          ['country', 'country'],
          ['usage_location', 'usageLocation'],
          ['password_policies', 'passwordPolicies'],
        ]
          .map(([column, field]) => set(column as string, field as string))
          .join(',\n')},
         business_phones = CASE WHEN x.a ? 'businessPhones'
           THEN ARRAY(SELECT jsonb_array_elements_text(x.a->'businessPhones')) ELSE u.business_phones END
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, a jsonb) WHERE u.id = x.id`,
        [json(rows)],
      )
      ;
  },
  'user.unblock': (tx, changes) =>
    tx.query('UPDATE users SET account_enabled = true WHERE id = ANY($1::uuid[])', [ids(changes)]),
  'user.block': (tx, changes) =>
    tx.query('UPDATE users SET account_enabled = false WHERE id = ANY($1::uuid[])', [ids(changes)]),
  'user.password-reset': (tx, changes, context) =>
    tx
      .query(
        `UPDATE users u SET ${PASSWORD_COLUMNS}
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, hash text, force boolean, token text) WHERE u.id = x.id`,
        [
          json(
            changes.map((c) => {
              const credential = credentialOf(context, c.userPrincipalName);
              return { id: c.userId, hash: credential.passwordHash, force: credential.forceChange, token: credential.resetToken };
            }),
          ),
        ],
      )
      ,
  'user.delete': async (tx, changes) => {
    // Soft deletion, as the admin center's "Deleted users": the account stays
    // restorable, its licenses and roles are released.
    await tx.query('DELETE FROM user_roles WHERE user_id = ANY($1::uuid[])', [ids(changes)]);
    await tx.query('DELETE FROM license_assignments WHERE user_id = ANY($1::uuid[])', [ids(changes)]);
    await tx.query('UPDATE users SET deleted_at = now() WHERE id = ANY($1::uuid[])', [ids(changes)]);
  },
  'license.remove': (tx, changes) =>
    tx
      .query(
        `DELETE FROM license_assignments a USING jsonb_to_recordset($1::jsonb) AS x(upn text, sku text) ${BY_UPN}
          WHERE a.user_id = u.id AND a.sku = x.sku`,
        [json(changes.map((c) => ({ upn: c.userPrincipalName, sku: c.sku })))],
      )
      ,
  'license.update': async (tx, changes) => {
    const rows = json(changes.map((c) => ({ upn: c.userPrincipalName, sku: c.sku, plans: c.toDisabledPlans })));
    await tx.query(
      `DELETE FROM license_disabled_plans d USING jsonb_to_recordset($1::jsonb) AS x(upn text, sku text) ${BY_UPN}
        WHERE d.user_id = u.id AND d.sku = x.sku`,
      [rows],
    );
    await insertDisabledPlans(tx, rows);
  },
  'license.assign': async (tx, changes) => {
    const rows = json(changes.map((c) => ({ upn: c.userPrincipalName, sku: c.license.sku, plans: c.license.disabledPlans })));
    await tx.query(
      `INSERT INTO license_assignments (user_id, sku)
       SELECT u.id, x.sku FROM jsonb_to_recordset($1::jsonb) AS x(upn text, sku text) ${BY_UPN}`,
      [rows],
    );
    await insertDisabledPlans(tx, rows);
  },
  'role.revoke': (tx, changes) =>
    tx
      .query(
        `DELETE FROM user_roles r USING jsonb_to_recordset($1::jsonb) AS x(upn text, role uuid) ${BY_UPN}
          WHERE r.user_id = u.id AND r.role_template_id = x.role`,
        [json(changes.map((c) => ({ upn: c.userPrincipalName, role: c.roleTemplateId })))],
      )
      ,
  'role.grant': (tx, changes) =>
    tx
      .query(
        `INSERT INTO user_roles (user_id, role_template_id)
         SELECT u.id, x.role FROM jsonb_to_recordset($1::jsonb) AS x(upn text, role uuid) ${BY_UPN}`,
        [json(changes.map((c) => ({ upn: c.userPrincipalName, role: c.roleTemplateId })))],
      )
      ,
};

async function insertDisabledPlans(tx: Queryable, rows: string): Promise<void> {
  await tx.query(
    `INSERT INTO license_disabled_plans (user_id, sku, plan)
     SELECT u.id, x.sku, p.plan FROM jsonb_to_recordset($1::jsonb) AS x(upn text, sku text, plans jsonb) ${BY_UPN}
     CROSS JOIN LATERAL jsonb_array_elements_text(x.plans) AS p(plan)`,
    [rows],
  );
}

/**
 * Statement order: releases before grants, so seats freed by removals and
 * deletions are free before assignments take them; purchases (written by the
 * caller between the two phases) come after releases and before assignments;
 * blocks last, after the grants that keep the tenant administrable.
 */
export const RELEASE_PHASE: readonly ChangeKind[] = [
  // First: a purge frees a UPN for a new account, and a rename makes the
  // user's other changes (which find it by UPN) find it by its new one.
  'user.purge',
  'user.rename',
  'user.create',
  'user.restore',
  'user.adopt',
  'user.update',
  'user.unblock',
  'user.password-reset',
  'license.remove',
  'role.revoke',
  'user.delete',
];
export const GRANT_PHASE: readonly ChangeKind[] = ['license.update', 'license.assign', 'role.grant', 'user.block'];
