import type { RoleRef } from '../catalog/role-refs.js';
import type { PasswordChangeOutside } from './read-passwords-outside.js';
import type { LicenseAssignment, UserAttributeName } from '../state/tenant-state.js';

/**
 * What `drift` reports: plain data tagged by `kind`, like a plan's changes.
 * Renderers are `Record<DriftKind, …>` so a new kind nobody words fails to
 * compile. No finding ever holds a password or a password hash.
 */

/**
 * How much a finding matters. `info` findings (unused seats) are reported but
 * are not drift: they never make `drift` exit 2.
 */
export type DriftSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const DRIFT_SEVERITIES: readonly DriftSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** A value as the configuration or the tenant has it: text, a flag, a list, or not set. */
export type FieldValue = string | boolean | null | readonly string[];

/**
 * One field that differs, `expected` as the configuration (git) says and
 * `actual` as the tenant has it. Roles are listed by admin center name,
 * licenses by sku, both sorted; `disabledPlans` names the sku it belongs to.
 */
export type DriftField =
  | { readonly field: UserAttributeName | 'userPrincipalName'; readonly expected: FieldValue; readonly actual: FieldValue }
  | { readonly field: 'accountEnabled'; readonly expected: boolean; readonly actual: boolean }
  | { readonly field: 'roles' | 'licenses'; readonly expected: readonly string[]; readonly actual: readonly string[] }
  | { readonly field: 'disabledPlans'; readonly sku: string; readonly expected: readonly string[]; readonly actual: readonly string[] };

export type DriftFieldName = DriftField['field'];

/**
 * The last write recorded on a user (`users.updated_by`), so a finding can
 * be traced to an apply (`tenantctl history`) or to the database role that
 * changed it outside tenantctl. `applyId` and `actor` are null when the row
 * was last written by something else; `outsideRole` is null unless the
 * database stamped the write as made outside tenantctl (migration 0004).
 */
export interface LastChange {
  readonly by: string | null;
  readonly applyId: number | null;
  readonly actor: string | null;
  readonly outsideRole: string | null;
  readonly at: string;
  /**
   * The last apply the database recorded writing the user, where it is not
   * the one the stamp names (read-later-applies.ts): the stamp and the record
   * disagree, and this apply wrote the user last. Usually later than the
   * stamp's; earlier when the stamp itself was set to name another apply.
   * Absent when they agree.
   */
  readonly laterApply?: LaterApply;
}

/** The apply the database recorded (apply_writes) writing a user last, where its stamp names another. */
export interface LaterApply {
  readonly applyId: number;
  /** Who the apply said was acting: the writer's word. */
  readonly actor: string;
  /** The database role that recorded it, set by the database; null before migration 0014. */
  readonly databaseRole: string | null;
  /** What it wrote to the user, e.g. `user_roles insert`, sorted. */
  readonly writes: readonly string[];
}

/**
 * A write outside tenantctl (other_writes, migration 0016) that took a
 * declared user out of tenantctl's hands: the row of its managed, active
 * account deleted (`user.missing`), `managed` set to false
 * (`user.unadopted`), or the managed account's row deleted and the row now
 * under its UPN inserted (`user.unadopted` with `replacedUserId`). Only the
 * latest such write, and only when no apply took up the account or the UPN
 * since (read-outside-removals.ts): an older one says nothing about the
 * state drift sees. Also the insert of an unmanaged user's row outside
 * tenantctl (`user.unmanaged`'s `createdOutside`).
 */
export interface OutsideWrite {
  /** The login that wrote it (session_user), set by the database. */
  readonly databaseRole: string;
  /** When, as the database stamped it: its transaction's start. */
  readonly at: string;
}

interface UserFinding<K extends string> {
  readonly kind: K;
  readonly severity: DriftSeverity;
  readonly userPrincipalName: string;
  /** The directory id; null for a declared user the tenant does not have. */
  readonly userId: string | null;
}

export type { RoleRef };

/**
 * How an unmanaged account's name differs from the managed user's it looks
 * like: `domain`, the same local part at another domain; `case`; `separators`,
 * its separators (. - _ ' ~) moved, added or removed; `characters`,
 * written with characters that are not ASCII (`characters` names them);
 * `drawn-alike`, other ASCII letters drawn alike (rn for m, 1 for l, 0 for o)
 * or spaced differently; `reordered`, a display name with its surname put
 * first after a comma (`Bowen, Megan`), or the other way round;
 * `punctuated`, a display name with other punctuation at its end
 * (`Megan Bowen.`); `identical`, the same display name; `qualified`,
 * a display name with a qualifier in brackets added (`Megan Bowen (IT)`),
 * after how the rest differs; `address`, a display name written as the
 * managed user's UPN (`looksLike`), after how the two differ as UPNs;
 * `typo` (since 1.8), a UPN whose local part is one edit (a letter added,
 * left out, changed, or two neighbours swapped) from that of a managed user
 * holding an admin role (plan/typo-squats.ts).
 */
export type LookalikeDifference = 'domain' | 'case' | 'separators' | 'characters' | 'drawn-alike' | 'reordered' | 'punctuated' | 'identical' | 'qualified' | 'address' | 'typo';

/**
 * A managed user an unmanaged account's name looks like (lookalike-findings.ts):
 * its UPN's local part (any domain) or its display name has the skeleton of
 * the managed user's (plan/confusable-skeleton.ts). The classic impersonation
 * account.
 */
export interface Lookalike {
  /** Which of the unmanaged account's names looks like the same name of the managed user. */
  readonly name: 'userPrincipalName' | 'displayName';
  /** The declared user it looks like. */
  readonly userPrincipalName: string;
  /** That user's name it looks like: its UPN, or its display name. */
  readonly looksLike: string;
  /** How the two differ, at least one, in LookalikeDifference's order. */
  readonly differences: readonly LookalikeDifference[];
  /** The characters of the account's name that are not ASCII and not in the managed user's, as `U+0430`: what tells them apart. */
  readonly characters: readonly string[];
}

interface SeatFinding<K extends string> {
  readonly kind: K;
  readonly severity: DriftSeverity;
  readonly sku: string;
  readonly productName: string;
  /** Purchased seats. */
  readonly purchased: number;
  /** License assignments of the sku, deleted users' included (they hold seats until released). */
  readonly consumed: number;
  readonly unitPrice: number;
  readonly currency: string;
}

export type DriftFinding =
  /** A managed, declared user whose attributes, roles or licenses differ from the configuration. */
  | (UserFinding<'user.changed'> & { readonly fields: readonly DriftField[]; readonly lastChange: LastChange })
  /** A managed, declared user that is in the deleted users. */
  | (UserFinding<'user.deleted'> & { readonly deletedAt: string; readonly lastChange: LastChange })
  /**
   * A declared user the tenant does not have (or has only among the deleted
   * users, never managed). `outsideWrite`: its row was deleted outside
   * tenantctl (high: no recycle bin, no apply); null when nothing recorded
   * says who removed it, or it never existed.
   */
  | (UserFinding<'user.missing'> & { readonly inDeletedUsers: boolean; readonly outsideWrite: OutsideWrite | null })
  /**
   * A managed user that is active but not declared: tenantctl deleted it and
   * someone restored it, its declaration was removed (or renamed, by an apply
   * of another copy of the configuration), or it was written into
   * the directory as managed outside tenantctl. Critical when it holds a
   * privileged role, as an unmanaged one is: an admin nobody declared.
   */
  | (UserFinding<'user.restored'> & { readonly privileged: boolean; readonly roles: readonly RoleRef[]; readonly lastChange: LastChange })
  /**
   * An active account the tenant has under `userPrincipalName` and the
   * configuration declares under `declaredAs`, the UPN it had until it was
   * renamed outside tenantctl (other_writes). Apply would create a new
   * account under `declaredAs` and, when tenantctl manages this one, delete
   * it. Critical when it holds a privileged role.
   */
  | (UserFinding<'user.renamed'> & {
      readonly declaredAs: string;
      readonly managed: boolean;
      readonly renamedAt: string;
      /** The login that renamed it (session_user). */
      readonly renamedBy: string;
      readonly privileged: boolean;
      readonly roles: readonly RoleRef[];
      readonly lastChange: LastChange;
    })
  /** A managed user whose sign-in is blocked though the configuration allows it. */
  | (UserFinding<'user.blocked'> & { readonly fields: readonly DriftField[]; readonly lastChange: LastChange })
  /** A managed user who can sign in though the configuration blocks it. */
  | (UserFinding<'user.unblocked'> & { readonly fields: readonly DriftField[]; readonly lastChange: LastChange })
  /**
   * A declared user that exists but is not managed: the next apply adopts it
   * (and makes these fields match). `outsideWrite`: tenantctl managed it until
   * `managed` was set to false outside tenantctl (high: an account released
   * from management outside git), or, with `replacedUserId`, the managed
   * account that had this UPN was deleted outside tenantctl (the write named)
   * and this row inserted outside tenantctl after: apply would adopt a
   * different account (high). Null for an account never managed.
   */
  | (UserFinding<'user.unadopted'> & {
      readonly fields: readonly DriftField[];
      readonly outsideWrite: OutsideWrite | null;
      /** The id of the managed account deleted before this row took its UPN; null unless replaced. */
      readonly replacedUserId: string | null;
    })
  /**
   * An active user nobody declared and tenantctl did not create.
   * `createdOutside`: the latest insert of its row (by id) that other_writes
   * recorded, outside tenantctl (read-created-outside.ts); null when none is
   * recorded (a row from before migration 0016, or written with the trigger
   * off). `lookalikeOf`: the managed users its names look like, empty for
   * most; one makes it high (critical still when it holds a privileged role).
   */
  | (UserFinding<'user.unmanaged'> & {
      readonly displayName: string;
      readonly accountEnabled: boolean;
      readonly privileged: boolean;
      readonly roles: readonly RoleRef[];
      readonly licenses: readonly LicenseAssignment[];
      readonly createdOutside: OutsideWrite | null;
      readonly lookalikeOf: readonly Lookalike[];
    })
  /**
   * A deleted user still in the recycle bin: restorable (apply restores it
   * while it is declared) until `restorableUntil`, with `roles`, the admin
   * roles it still holds (one deleted outside tenantctl keeps them; tenantctl
   * releases them when it deletes). A notice, not drift.
   */
  | (UserFinding<'user.in-recycle-bin'> & {
      readonly managed: boolean;
      readonly roles: readonly RoleRef[];
      readonly deletedAt: string;
      readonly restorableUntil: string;
      readonly daysRemaining: number;
    })
  /**
   * A deleted user (in the recycle bin, or past it and not yet purged) that
   * holds licences: tenantctl releases them when it deletes a user, so these
   * were assigned outside tenantctl, or the user was deleted outside it. Each
   * takes a seat, billed, until the licence is removed or the user purged;
   * the planner counts them (compute-plan.ts). Drift (medium): a seat paid for
   * nobody who can sign in. `declared`: the configuration declares the user,
   * and apply restores it (or, past the recycle bin, purges it and creates it
   * again) with the licences declared; otherwise tenantctl leaves it as it is.
   */
  | (UserFinding<'user.licensed-in-recycle-bin'> & {
      readonly managed: boolean;
      readonly declared: boolean;
      readonly deletedAt: string;
      /** Sorted by sku; one seat each. */
      readonly licenses: readonly LicenseAssignment[];
    })
  /** Seats bought and not assigned: billed every month for nothing. */
  | (SeatFinding<'seats.unused'> & { readonly unused: number; readonly monthlyCost: number })
  /** More licenses assigned than seats bought; `monthlyCost` is what the missing seats cost. */
  | (SeatFinding<'seats.overconsumed'> & { readonly excess: number; readonly monthlyCost: number })
  /**
   * An active user whose password was reset outside tenantctl (its hash
   * replaced while still temporary: an admin center reset or SQL), or whose
   * required change at next sign-in was switched off outside it while the
   * password is still temporary, since an apply last set it (other_writes,
   * migration 0016). Which (`changes`), never a value. The user's own change
   * (password_temporary false) is not one; a password.reset clears it.
   * Critical when the user holds an admin role, high otherwise.
   */
  | (UserFinding<'password.changed-outside'> & {
      readonly managed: boolean;
      readonly roles: readonly RoleRef[];
      readonly changes: readonly PasswordChangeOutside[];
      readonly outsideWrite: OutsideWrite;
    })
  /** A temporary password set by tenantctl, never changed, past its expiry. */
  | (UserFinding<'password.expired'> & {
      readonly managed: boolean;
      readonly passwordSetAt: string | null;
      readonly passwordExpiresAt: string;
      readonly daysOverdue: number;
      readonly lastChange: LastChange;
    });

export type DriftKind = DriftFinding['kind'];
export type DriftFindingOf<K extends DriftKind> = Extract<DriftFinding, { kind: K }>;

/** Every kind, in report order (after the privileged unmanaged users, which always come first). */
export const DRIFT_KINDS: readonly DriftKind[] = [
  'user.changed',
  'user.deleted',
  'user.missing',
  'user.renamed',
  'user.restored',
  'user.blocked',
  'user.unblocked',
  'user.unadopted',
  'user.unmanaged',
  'user.licensed-in-recycle-bin',
  'user.in-recycle-bin',
  'seats.overconsumed',
  'seats.unused',
  'password.changed-outside',
  'password.expired',
];

/**
 * The sections a report is read in: an unmanaged privileged user first (the
 * finding an auditor wants at the top), then an unmanaged look-alike of a
 * managed user, then a password changed outside tenantctl (an account
 * possibly taken over), then the classes of the issue.
 */
export type DriftClass = 'privileged' | 'lookalike' | 'credentials' | 'changed' | 'lifecycle' | 'unmanaged' | 'seats' | 'passwords';

export const DRIFT_CLASSES: readonly DriftClass[] = ['privileged', 'lookalike', 'credentials', 'changed', 'lifecycle', 'unmanaged', 'seats', 'passwords'];

const CLASS_OF: Record<DriftKind, DriftClass> = {
  'user.changed': 'changed',
  'user.deleted': 'lifecycle',
  'user.missing': 'lifecycle',
  'user.renamed': 'lifecycle',
  'user.restored': 'lifecycle',
  'user.blocked': 'lifecycle',
  'user.unblocked': 'lifecycle',
  'user.unadopted': 'lifecycle',
  'user.unmanaged': 'unmanaged',
  'user.licensed-in-recycle-bin': 'lifecycle',
  'user.in-recycle-bin': 'lifecycle',
  'seats.overconsumed': 'seats',
  'seats.unused': 'seats',
  'password.changed-outside': 'credentials',
  'password.expired': 'passwords',
};

/** A privileged unmanaged user first, then an unmanaged look-alike of a managed user, each in a section of its own. */
export function driftClass(finding: DriftFinding): DriftClass {
  if (finding.kind === 'user.unmanaged' && finding.privileged) return 'privileged';
  if (finding.kind === 'user.unmanaged' && finding.lookalikeOf.length > 0) return 'lookalike';
  return CLASS_OF[finding.kind];
}

/** Counts for the headline and for scripts. */
export interface DriftSummary {
  /** True when any finding is more than `info`: `drift` exits 2. */
  readonly drift: boolean;
  /** Findings that are drift (severity above `info`). */
  readonly findings: number;
  /** `info` findings: reported, not drift. */
  readonly notices: number;
  readonly privilegedUnmanaged: number;
  /** Unmanaged users whose names look like a managed user's, privileged ones aside (counted in privilegedUnmanaged). */
  readonly lookalikes: number;
  readonly bySeverity: Readonly<Record<DriftSeverity, number>>;
  readonly byKind: Readonly<Partial<Record<DriftKind, number>>>;
  readonly unusedSeats: number;
  readonly unusedMonthlyCost: number;
  readonly currency: string;
}

/**
 * What differs between the configuration and the tenant, at `checkedAt`.
 * Findings are sorted: privileged unmanaged users first, then by class
 * (DRIFT_CLASSES), kind (DRIFT_KINDS) and user or sku.
 */
export interface DriftReport {
  readonly checkedAt: string;
  readonly findings: readonly DriftFinding[];
  readonly summary: DriftSummary;
}
