/**
 * A seeded pseudo-random generator (mulberry32). Written here rather than taken from a library on purpose:
 * the data and the ground truth derived from it must be the same on every machine and stay the same across
 * dependency upgrades, so the generator is pinned in the repository with the seed.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
  /** Picks with the given weights (same length as `list`). */
  weighted<T>(list: readonly T[], weights: readonly number[]): T;
}

/** The seed every generated data set uses. */
export const SEED = 19;

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)]!,
    weighted(list, weights) {
      const total = weights.reduce((a, b) => a + b, 0);
      let roll = next() * total;
      for (let i = 0; i < list.length; i++) {
        roll -= weights[i]!;
        if (roll < 0) return list[i]!;
      }
      return list[list.length - 1]!;
    },
  };
}

/** Rounds to cents, as money is shown. */
export const cents = (value: number) => Math.round(value * 100) / 100;
