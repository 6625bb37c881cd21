import type { LicenseAssignment, User } from '../state/tenant-state.js';
import type { Change } from './change.js';

const NO_LOSSES: readonly never[] = Object.freeze([]);

/**
 * The changes of one user that the deletion threshold counts (risk.ts), and
 * that carry the `deletion` risk, so reviewers and prompts see which changes
 * an approval above the threshold is for:
 *
 * - its deletion;
 * - else the block of its sign-in, if it is active now (not one restored blocked);
 * - else, for an active user who holds a licence that serves (serving-licences.ts)
 *   and is declared with none that does, each change that takes such a licence
 *   away: its removal, or the update that switches off its last plans.
 *
 * A user is counted by one kind only, so a blocked user's licence removals
 * are not marked: the block already counts it. A user moved from one licence
 * to another, or created blocked, loses nothing and has no such change.
 *
 * `changes` are the user's own (diffUser); `active` is the user as it is now,
 * undefined when it is not there or is in the recycle bin.
 */
export function accessLosses(
  changes: readonly Change[],
  desired: User | undefined,
  active: User | undefined,
  serves: (licenses: readonly LicenseAssignment[]) => boolean,
): readonly Change[] {
  // Nearly every user of a large tenant is unchanged: no licence to look at.
  if (changes.length === 0) return NO_LOSSES;
  const deletion = changes.find((change) => change.kind === 'user.delete');
  if (deletion) return [deletion];
  // Restored blocked from the recycle bin: no sign-in it has now is taken away.
  const block = changes.find((change) => change.kind === 'user.block');
  if (block) return active ? [block] : NO_LOSSES;
  if (!desired || !active || serves(desired.licenses) || !serves(active.licenses)) return NO_LOSSES;
  return changes.filter((change) => {
    if (change.kind !== 'license.remove' && change.kind !== 'license.update') return false;
    const held = active.licenses.find((licence) => licence.sku === change.sku);
    return held !== undefined && serves([held]);
  });
}

/** How many users a plan's counted changes take access from, by kind; each user once (see accessLosses). */
export interface LossCounts {
  readonly deletions: number;
  readonly blocks: number;
  /** Users neither deleted nor blocked left without any licence that serves; several changes may count one user. */
  readonly unlicensed: number;
}

/** Counts the changes accessLosses picked, or the changes of a plan document that carry the `deletion` risk. */
export function countLosses(changes: readonly Pick<Change, 'kind' | 'userPrincipalName'>[]): LossCounts {
  let deletions = 0;
  let blocks = 0;
  const unlicensed = new Set<string>();
  for (const change of changes) {
    if (change.kind === 'user.delete') deletions++;
    else if (change.kind === 'user.block') blocks++;
    else if (change.kind === 'license.remove' || change.kind === 'license.update') unlicensed.add(change.userPrincipalName.toLowerCase());
  }
  return { deletions, blocks, unlicensed: unlicensed.size };
}
