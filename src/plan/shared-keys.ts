/**
 * Which keys (skeletonKey, or skeletons) are held by more than one thing:
 * accounts, or names as written. A name whose key nothing else holds cannot
 * look like another, so the look-alike checks of a whole directory (an
 * export, an adoption of 100,000 users) give skeletons only to names that
 * share a key, not to every name.
 */
export class SharedKeys<K> {
  /** The one holder of a key, or null once a second one holds it. */
  private readonly holders = new Map<K, string | null>();

  hold(key: K, holder: string): void {
    const first = this.holders.get(key);
    if (first === undefined) this.holders.set(key, holder);
    else if (first !== holder) this.holders.set(key, null);
  }

  shared(key: K): boolean {
    return this.holders.get(key) === null;
  }
}
