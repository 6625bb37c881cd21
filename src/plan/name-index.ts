import { confusableSkeleton, skeletonKey } from './confusable-skeleton.js';
import { displayNameKey, displayNameSkeleton } from './display-name-skeleton.js';

/**
 * Names indexed for look-alikes: the plan's LOOKALIKE_* warnings, drift's
 * unmanaged look-alikes and export's EXPORT_LOOKALIKE_USER all ask which
 * names of the directory share a skeleton with a name. Never pairwise: each
 * name is held under its key (skeletonKey: one pass over an ASCII name, no
 * allocation), and only the names of a key some name is asked about are
 * given a skeleton, once, grouped by it.
 */

/** How a kind of name is compared: two names with one skeleton share a key, which most names get without allocating. */
export interface NameKind {
  readonly keyOf: (name: string) => number;
  readonly skeletonOf: (name: string) => string;
}

/** Where a UPN's local part ends: at its last `@`, or the end of a bare local part. */
export const localEnd = (upn: string) => {
  const at = upn.lastIndexOf('@');
  return at < 0 ? upn.length : at;
};

/**
 * The characters DOMAIN.md allows in a UPN's local part that can separate
 * its words: `megan_bowen`, `meganbowen`, `megan'bowen` and `megan~bowen`
 * pass for `megan.bowen`. skeletonKey leaves them out too, so names that
 * differ only in them share a key.
 */
export const UPN_SEPARATORS = /[._'~-]/g;
export const withoutSeparators = (local: string) => local.replace(UPN_SEPARATORS, '');

/** A UPN (or an address, or a bare local part) by its local part, whatever its domain, its separators aside. */
export const UPN_LOCAL_PART: NameKind = {
  keyOf: (upn) => skeletonKey(upn, localEnd(upn)),
  skeletonOf: (upn) => withoutSeparators(confusableSkeleton(upn.slice(0, localEnd(upn)))),
};

/** A display name in the form display-name-skeleton.ts gives it: `Bowen, Megan.` as Megan Bowen. */
export const DISPLAY_NAME: NameKind = { keyOf: displayNameKey, skeletonOf: displayNameSkeleton };

interface Held<T> {
  readonly name: string;
  readonly holder: T;
}

export interface NameIndexOptions<T> {
  /** Holders kept per skeleton, the first ones held: a few say it. */
  readonly kept: number;
  /** When given, only names with one of these keys are held: a plan asks about a few names, not the directory's. */
  readonly keys?: ReadonlySet<number>;
  /** When given, a holder whose text another kept holder has is not kept: distinct names, not accounts. */
  readonly textOf?: (holder: T) => string;
}

/** Holders (accounts, or their names) by the key of a name; grouped by skeleton the first time a name of that key is asked about. */
export class NameIndex<T> {
  private readonly byKey = new Map<number, Held<T>[] | Map<string, T[]>>();

  constructor(
    private readonly kind: NameKind,
    private readonly options: NameIndexOptions<T>,
  ) {}

  /** Whether `name` would be held: one pass, no allocation, and false for most names of a directory when keys were given. */
  wants(name: string): boolean {
    return !this.options.keys || this.options.keys.has(this.kind.keyOf(name));
  }

  /** Holds `holder` under `name`, unless keys were given and `name`'s is not one of them. */
  hold(name: string, holder: T): void {
    const key = this.kind.keyOf(name);
    if (this.options.keys && !this.options.keys.has(key)) return;
    const entry = this.byKey.get(key);
    if (Array.isArray(entry)) entry.push({ name, holder });
    else if (!entry) this.byKey.set(key, [{ name, holder }]);
    else this.addTo(entry, this.kind.skeletonOf(name), holder);
  }

  /** The holders (`kept` at most, in the order held) of names with the skeleton of `name`; none for a name drawn as nothing. */
  like(name: string): readonly T[] {
    const key = this.kind.keyOf(name);
    const entry = this.byKey.get(key);
    if (!entry) return [];
    const bySkeleton = Array.isArray(entry) ? this.grouped(key, entry) : entry;
    const skeleton = this.kind.skeletonOf(name);
    return skeleton === '' ? [] : (bySkeleton.get(skeleton) ?? []);
  }

  private grouped(key: number, held: readonly Held<T>[]): Map<string, T[]> {
    const bySkeleton = new Map<string, T[]>();
    for (const { name, holder } of held) this.addTo(bySkeleton, this.kind.skeletonOf(name), holder);
    this.byKey.set(key, bySkeleton);
    return bySkeleton;
  }

  private addTo(bySkeleton: Map<string, T[]>, skeleton: string, holder: T): void {
    if (skeleton === '') return;
    const bucket = bySkeleton.get(skeleton);
    if (!bucket) bySkeleton.set(skeleton, [holder]);
    else if (bucket.length < this.options.kept && !this.repeats(bucket, holder)) bucket.push(holder);
  }

  private repeats(bucket: readonly T[], holder: T): boolean {
    const { textOf } = this.options;
    if (!textOf) return false;
    const text = textOf(holder);
    return bucket.some((h) => textOf(h) === text);
  }
}
