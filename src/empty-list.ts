/**
 * An empty list of V8's general kind of elements. `[]` starts as a list of
 * small integers and changes kind, and with it its hidden class, at its first
 * object or string. Code optimised on lists that had changed then meets a new
 * list of the other class, and V8 throws that code away: the block reader,
 * which makes its lists anew for each file, was deoptimised at every file's
 * first push (14 deoptimisations reading the 10,000-user tenant's 9 files, 5
 * with this; the read about 125 -> 108 ms, BENCHMARKS.md step 48).
 */
export function emptyList<T>(): T[] {
  const list = [undefined] as unknown[];
  list.pop();
  return list as T[];
}
