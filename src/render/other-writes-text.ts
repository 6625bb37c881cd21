import type { OtherWrite, OtherWritesEntry, WrittenRow } from '../audit/read-other-writes.js';
import { roleName } from '../catalog/builtin-roles.js';
import { terminalText } from './escape-terminal.js';
import { passesForAscii } from './passes-for-ascii.js';
import { utcMinute } from './utc-minute.js';

/** `job_title` → `jobTitle`: the names users know from the configuration and the catalog file. */
const fieldName = (column: string) => column.replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase());

const value = (v: unknown) => terminalText(JSON.stringify(v) ?? 'null');

/** Columns named as plans and drift name them (`sign-in: allowed → blocked`), not by the column. */
const WORDED: Readonly<Record<string, { readonly name: string; readonly value: (v: unknown) => string }>> = {
  account_enabled: { name: 'sign-in', value: (v) => (typeof v === 'boolean' ? (v ? 'allowed' : 'blocked') : value(v)) },
};
export const columnName = (column: string) => WORDED[column]?.name ?? fieldName(column);
const columnValue = (column: string, v: unknown) => (WORDED[column]?.value ?? value)(v);
const text = (v: unknown) => terminalText(typeof v === 'string' ? v : JSON.stringify(v) ?? '');

/** What a row's object is: a user, a subscription (with its plans), a domain, a role or the outbox key. */
export type ObjectKind = 'user' | 'catalog' | 'outbox';

interface TableWording {
  readonly kind: ObjectKind;
  /** The object's heading; the same for every row of one object. */
  readonly object: (row: WrittenRow, write: OtherWrite) => string;
  /** True for the table whose insert or delete creates or removes the object itself. */
  readonly primary?: boolean;
  /** The object's own line for an insert or delete of a row of a dependent table. */
  readonly line?: (row: WrittenRow, operation: OtherWrite['operation']) => string;
  /** Columns an insert's lines leave out: keys and bookkeeping, in the heading or beside the point. */
  readonly hidden?: readonly string[];
}

const userObject = (_row: WrittenRow, write: OtherWrite) =>
  write.userPrincipalName === null ? `user ${text(write.userId)}` : text(write.userPrincipalName);
const subscriptionObject = (row: WrittenRow) => `subscription ${text(row.sku)}`;

/**
 * A credential notification written outside an apply. An insert is one that
 * deliver will send, to the recipients its row names (whoever wrote it chose
 * them), under the apply it names (any earlier one: migration 0025 checks
 * that only for rows written under an apply's mark); a delete erased one
 * before delivery, or the record of one already sent; an update redirected
 * one (its recipients, user or apply changed).
 */
function credentialLine(row: WrittenRow, operation: OtherWrite['operation']): string {
  // An update (migration 0029) names the notification; its lines show what changed, recipients first of all.
  if (operation === 'update') return `queued temporary password #${text(row.id)}, which deliver sends as it now reads`;
  const recipients = Array.isArray(row.recipients) ? row.recipients.map(text).join(', ') : text(row.recipients);
  const what = `temporary password for ${recipients} (naming apply #${text(row.apply_id)})`;
  if (operation === 'insert') return `queued ${what}: deliver sends it`;
  return row.delivered_at === null || row.delivered_at === undefined ? `queued ${what}: erased, not delivered` : `${what}, delivered before: its record deleted`;
}

const TABLES: Readonly<Record<string, TableWording>> = {
  users: { kind: 'user', object: userObject, primary: true, hidden: ['id', 'domain', 'created_at', 'updated_at', 'updated_by', 'user_principal_name'] },
  user_roles: { kind: 'user', object: userObject, line: (row) => `role: ${text(roleName(String(row.role_template_id)))}` },
  license_assignments: { kind: 'user', object: userObject, line: (row) => `license: ${text(row.sku)}` },
  license_disabled_plans: { kind: 'user', object: userObject, line: (row) => `license ${text(row.sku)} disabled plan: ${text(row.plan)}` },
  credential_notifications: { kind: 'user', object: userObject, line: credentialLine },
  subscriptions: { kind: 'catalog', object: subscriptionObject, primary: true, hidden: ['sku', 'consumed'] },
  service_plans: { kind: 'catalog', object: subscriptionObject, line: (row) => `service plan: ${text(row.name)}` },
  service_plan_dependencies: { kind: 'catalog', object: subscriptionObject, line: (row) => `plan dependency: ${text(row.plan)} needs ${text(row.requires)}` },
  service_plan_unavailable_countries: { kind: 'catalog', object: subscriptionObject, line: (row) => `plan ${text(row.plan)} unavailable in: ${text(row.country)}` },
  domains: { kind: 'catalog', object: (row) => `domain ${text(row.name)}`, primary: true, hidden: ['name'] },
  roles: { kind: 'catalog', object: (row) => `role ${text(roleName(String(row.template_id)))}`, primary: true, hidden: ['template_id'] },
  outbox_key: { kind: 'outbox', object: () => 'outbox key', primary: true, hidden: ['singleton'] },
};

const GENERIC: TableWording = { kind: 'catalog', object: (_row, write) => text(write.table) };

const SIGN = { insert: '+', delete: '-', update: '~' } as const;
const NOTE = { user: { insert: 'created', delete: 'deleted for good' }, catalog: { insert: 'added', delete: 'removed' }, outbox: { insert: 'set', delete: 'removed' } } as const;

interface ObjectBlock {
  readonly kind: ObjectKind;
  readonly heading: string;
  sign: '+' | '-' | '~';
  note: string;
  readonly lines: string[];
}

/** A row's lines: each column an insert sets, each column an update changes, or the dependent row that came or went. */
function linesOf(write: OtherWrite, wording: TableWording): string[] {
  const row = write.after ?? write.before ?? {};
  if (write.operation === 'update') {
    const columns = [...new Set([...Object.keys(write.before ?? {}), ...Object.keys(write.after ?? {})])];
    const label = wording.line && !wording.primary ? `${wording.line({ ...write.key, ...write.before }, write.operation)}: ` : '';
    return columns.map((c) => `~ ${label}${columnName(c)}: ${columnValue(c, write.before?.[c] ?? null)} → ${columnValue(c, write.after?.[c] ?? null)}`);
  }
  if (wording.line) return [`${SIGN[write.operation]} ${wording.line(row, write.operation)}`];
  if (write.operation === 'delete') return [];
  const hidden = new Set(wording.hidden ?? []);
  return Object.entries(row)
    .filter(([column, v]) => !hidden.has(column) && v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([column, v]) => `+ ${columnName(column)}: ${columnValue(column, v)}`);
}

/** What a table's rows are of: a user, the catalog or the outbox key. */
export const tableKind = (table: string): ObjectKind => (TABLES[table] ?? GENERIC).kind;

/** One transaction's rows grouped per object, in the order each object was first written. */
function blocksOf(writes: readonly OtherWrite[]): ObjectBlock[] {
  const blocks = new Map<string, ObjectBlock>();
  for (const write of writes) {
    const wording = TABLES[write.table] ?? GENERIC;
    const heading = wording.object({ ...write.key, ...(write.after ?? write.before) }, write);
    const key = `${wording.kind}\u0000${heading}`;
    let block = blocks.get(key);
    if (!block) {
      block = { kind: wording.kind, heading, sign: '~', note: 'updated', lines: [] };
      blocks.set(key, block);
    }
    if (wording.primary && write.operation !== 'update') {
      block.sign = SIGN[write.operation];
      block.note = NOTE[wording.kind][write.operation];
    }
    block.lines.push(...linesOf(write, wording));
  }
  return [...blocks.values()];
}

/** `changed 1 user, the catalog`. */
function whatChanged(blocks: readonly ObjectBlock[]): string {
  return changedText(blocks.filter((b) => b.kind === 'user').length, new Set(blocks.map((b) => b.kind)));
}

/** `changed 1 user, the catalog`, from the users counted and the kinds of object written. */
export function changedText(users: number, kinds: ReadonlySet<ObjectKind>): string {
  const parts = [
    ...(users > 0 ? [`${users} ${users === 1 ? 'user' : 'users'}`] : []),
    ...(kinds.has('catalog') ? ['the catalog'] : []),
    ...(kinds.has('outbox') ? ['the outbox key'] : []),
  ];
  return `changed ${parts.join(', ')}`;
}

/**
 * A user deleted for good takes its roles and licences with it, and their
 * rows are kept after the user's row is gone: named by the UPN the same
 * transaction's delete of the user gives, not as another user by its id.
 */
function withKnownUsers(writes: readonly OtherWrite[]): readonly OtherWrite[] {
  const names = new Map<string, string>();
  for (const w of writes) if (w.userId !== null && w.userPrincipalName !== null) names.set(w.userId, w.userPrincipalName);
  return writes.map((w) => (w.userPrincipalName === null && w.userId !== null && names.has(w.userId) ? { ...w, userPrincipalName: names.get(w.userId) ?? null } : w));
}

/**
 * One transaction no apply made, for `history`: who (init and what it was
 * told, or outside tenantctl) and the database role, then each user, subscription,
 * domain, role or key it wrote, with the columns set or changed. Every value
 * is shown through terminalText.
 */
export function otherWritesBlock(entry: OtherWritesEntry): string {
  const blocks = blocksOf(withKnownUsers(entry.writes));
  return [`${whoWrote(entry)} — ${whatChanged(blocks)}`, ...blockLines(blocks)].join('\n');
}

/** `init … by alice on vm (database role dba_owner)` or `outside tenantctl … by database role bob_dba`. */
export function whoWrote(entry: OtherWritesEntry): string {
  const role = `database role ${terminalText(entry.databaseRole)}`;
  return entry.command === 'init'
    ? `init ${utcMinute(entry.writtenAt)} by ${terminalText(entry.actor ?? 'unknown')}${passesForAscii(entry.actor ?? '')} on ${terminalText(entry.host ?? 'unknown')}${passesForAscii(entry.host ?? '')} (${role})`
    : `outside tenantctl ${utcMinute(entry.writtenAt)} by ${role}`;
}

/** Each object the rows wrote, with its lines. */
export function objectLines(writes: readonly OtherWrite[]): string[] {
  return blockLines(blocksOf(withKnownUsers(writes)));
}

function blockLines(blocks: readonly ObjectBlock[]): string[] {
  return blocks.flatMap((b) => [`  ${b.sign} ${b.heading} (${b.note})`, ...b.lines.map((line) => `      ${line}`)]);
}
