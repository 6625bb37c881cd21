/**
 * A seeded pseudo-random source (mulberry32), so a failing run of the crash
 * tests can be repeated exactly: the seed is printed, and TENANTCTL_SEED
 * sets it.
 */
export interface SeededRandom {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
}

export function seededRandom(label: string): SeededRandom {
  const given = process.env.TENANTCTL_SEED;
  const seed = given ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`${label}: random seed ${seed} (repeat with TENANTCTL_SEED=${seed})`);
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { seed, next, below: (n) => Math.floor(next() * n) };
}

/** TENANTCTL_LONG=1 (`npm run test:long`): the full counts of the reliability suite. */
export const LONG_MODE = process.env.TENANTCTL_LONG === '1';
