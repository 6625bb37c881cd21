import type { Change, ChangeKind } from './change.js';
import { jsonEqual } from './json-equal.js';
import type { PlanDocument } from './plan-document.js';
import { groupInto } from '../group-into.js';
import { terminalText } from '../render/escape-terminal.js';

/**
 * How a saved plan differs from the plan recomputed from the configuration
 * and the database, in words a reviewer can check ("the saved plan grants
 * Global administrator to x, the configuration does not"). Empty when they
 * are the same plan. The plan's origin (tool version, git commit) is not
 * compared; everything apply acts on is. Plain, unescaped text.
 */
export function planDifferences(saved: PlanDocument, fresh: PlanDocument): string[] {
  const differences = [
    ...changeDifferences(saved.changes, fresh.changes),
    ...purchaseDifferences(saved, fresh),
    ...settingDifferences(saved.settings, fresh.settings),
    ...recordDifferences(saved.settingsToRecord ?? [], fresh.settingsToRecord ?? []),
  ];
  if (!jsonEqual(saved.approvals, fresh.approvals)) {
    differences.push(`the saved plan asks for the approvals ${list(saved.approvals)}, the configuration needs ${list(fresh.approvals)}`);
  }
  const covered = new Set(['changes', 'purchases', 'settings', 'settingsToRecord', 'approvals', 'tenantctlVersion', 'gitCommit']);
  for (const key of Object.keys({ ...saved, ...fresh }) as (keyof PlanDocument)[]) {
    if (covered.has(key)) continue;
    if (!jsonEqual(saved[key], fresh[key])) {
      differences.push(`the saved plan's ${key} is ${brief(saved[key])}, the recomputed plan's ${brief(fresh[key])}`);
    }
  }
  return differences;
}

const list = (values: readonly string[]) => (values.length === 0 ? 'none' : `[${values.join(', ')}]`);

/** At most 120 characters of a value's JSON, enough to recognise it. */
function brief(value: unknown): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 120 ? `${json.slice(0, 117)}…` : json;
}

type DocumentChange = PlanDocument['changes'][number];

/** `grants Global administrator to a@contoso.com`: what a change does, as a verb phrase. */
const DESCRIBE: Record<ChangeKind, (change: never) => string> = {
  'user.create': (c: Extract<Change, { kind: 'user.create' }>) => `creates ${c.userPrincipalName}`,
  'user.update': (c: Extract<Change, { kind: 'user.update' }>) => `updates ${c.userPrincipalName}`,
  'user.delete': (c: Extract<Change, { kind: 'user.delete' }>) => `deletes ${c.userPrincipalName}`,
  'user.restore': (c: Extract<Change, { kind: 'user.restore' }>) => `restores ${c.userPrincipalName}`,
  'user.rename': (c: Extract<Change, { kind: 'user.rename' }>) => `renames ${c.fromUserPrincipalName} to ${c.userPrincipalName}`,
  'user.purge': (c: Extract<Change, { kind: 'user.purge' }>) => `purges the expired deleted ${c.userPrincipalName}`,
  'user.adopt': (c: Extract<Change, { kind: 'user.adopt' }>) => `adopts ${c.userPrincipalName}`,
  'user.block': (c: Extract<Change, { kind: 'user.block' }>) => `blocks sign-in of ${c.userPrincipalName}`,
  'user.unblock': (c: Extract<Change, { kind: 'user.unblock' }>) => `unblocks ${c.userPrincipalName}`,
  'user.password-reset': (c: Extract<Change, { kind: 'user.password-reset' }>) => `resets the password of ${c.userPrincipalName}`,
  'role.grant': (c: Extract<Change, { kind: 'role.grant' }>) => `grants ${c.roleName} to ${c.userPrincipalName}`,
  'role.revoke': (c: Extract<Change, { kind: 'role.revoke' }>) => `revokes ${c.roleName} from ${c.userPrincipalName}`,
  'license.assign': (c: Extract<Change, { kind: 'license.assign' }>) => `assigns ${c.license.sku} to ${c.userPrincipalName}`,
  'license.update': (c: Extract<Change, { kind: 'license.update' }>) => `changes the ${c.sku} plans of ${c.userPrincipalName}`,
  'license.remove': (c: Extract<Change, { kind: 'license.remove' }>) => `removes ${c.sku} from ${c.userPrincipalName}`,
};

export function describeChange(change: DocumentChange): string {
  const describe = DESCRIBE[change.kind] as ((c: DocumentChange) => string) | undefined;
  return describe ? describe(change) : `makes a change of unknown kind ${JSON.stringify(change.kind)} to ${change.userPrincipalName}`;
}

/** One change's identity: its kind, user and the role or sku it concerns. */
function identity(change: DocumentChange): string {
  const detail = 'roleTemplateId' in change ? change.roleTemplateId : 'sku' in change ? change.sku : 'license' in change ? change.license.sku : '';
  return `${change.kind} ${change.userPrincipalName.toLowerCase()} ${detail}`;
}

function fieldsThatDiffer(a: DocumentChange, b: DocumentChange): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => !jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Changes grouped by identity, in order. Linear: a crafted plan may repeat
 * one change 100,000 times, and apply compares it while holding the lock.
 */
function byIdentity(changes: readonly DocumentChange[]): Map<string, DocumentChange[]> {
  const map = new Map<string, DocumentChange[]>();
  for (const change of changes) {
    groupInto(map, identity(change), change);
  }
  return map;
}

function changeDifferences(saved: readonly DocumentChange[], fresh: readonly DocumentChange[]): string[] {
  // The usual case, in one pass; the details below only when something differs.
  if (jsonEqual(saved, fresh)) return [];
  const savedById = byIdentity(saved);
  const freshById = byIdentity(fresh);
  const differences: string[] = [];
  for (const [id, changes] of savedById) {
    const matching = freshById.get(id) ?? [];
    changes.forEach((change, index) => {
      const counterpart = matching[index];
      if (!counterpart) differences.push(`the saved plan ${describeChange(change)}, the configuration does not`);
      else if (!jsonEqual(change, counterpart)) {
        differences.push(`the saved plan ${describeChange(change)} with different ${fieldsThatDiffer(change, counterpart).join(', ')} than the configuration`);
      }
    });
  }
  for (const [id, changes] of freshById) {
    for (const change of changes.slice((savedById.get(id) ?? []).length)) {
      differences.push(`the configuration ${describeChange(change)}, the saved plan does not`);
    }
  }
  if (differences.length === 0) differences.push('the saved plan lists its changes in a different order');
  return differences;
}

function purchaseDifferences(saved: PlanDocument, fresh: PlanDocument): string[] {
  const describe = (sku: string, p: PlanDocument['purchases'][number] | undefined) =>
    p ? `buys ${p.quantity} seats of ${sku} at ${p.unitPrice} ${p.currency} each (${p.monthlyCost} ${p.currency}/month)` : `buys no seats of ${sku}`;
  // The first purchase of each sku, as a search from the start finds it: a map, not a search per sku.
  const bySku = (purchases: PlanDocument['purchases']) => {
    const map = new Map<string, PlanDocument['purchases'][number]>();
    for (const p of purchases) if (!map.has(p.sku)) map.set(p.sku, p);
    return map;
  };
  const savedBySku = bySku(saved.purchases);
  const freshBySku = bySku(fresh.purchases);
  const skus = new Set([...savedBySku.keys(), ...freshBySku.keys()]);
  const differences = [...skus].flatMap((sku) => {
    const a = savedBySku.get(sku);
    const b = freshBySku.get(sku);
    if (jsonEqual(a, b)) return [];
    return [`the saved plan ${describe(sku, a)}, the configuration ${describe(sku, b)}`];
  });
  if (differences.length === 0 && !jsonEqual(saved.purchases, fresh.purchases)) {
    differences.push('the saved plan lists its purchases in a different order, or one of them twice');
  }
  return differences;
}

function settingDifferences(saved: PlanDocument['settings'], fresh: PlanDocument['settings']): string[] {
  const keys = [...new Set([...Object.keys(saved), ...Object.keys(fresh)])].sort() as (keyof PlanDocument['settings'])[];
  return keys
    .filter((key) => !jsonEqual(saved[key], fresh[key]))
    .map((key) => `the saved plan has settings.${key} ${brief(saved[key])}, the configuration ${brief(fresh[key])}`);
}

type Recorded = NonNullable<PlanDocument['settingsToRecord']>;

/** `settings.minGlobalAdmins 2 → 1, …`: the settings a plan records (five at most; a file's, shown escaped), or `no settings`. */
function recordedList(records: Recorded): string {
  if (records.length === 0) return 'no settings';
  const named = records.slice(0, 5).map((r) => terminalText(`settings.${String(r.setting)} ${brief(r.before)} → ${brief(r.after)}`));
  return records.length > named.length ? `${named.join(', ')} and ${records.length - named.length} more` : named.join(', ');
}

function recordDifferences(saved: Recorded, fresh: Recorded): string[] {
  if (jsonEqual(saved, fresh)) return [];
  return [`the saved plan records ${recordedList(saved)}, the recomputed plan ${recordedList(fresh)}`];
}
