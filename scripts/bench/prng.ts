// A small deterministic PRNG (mulberry32) for the benchmark's seed and the soak's clients:
// the same seed gives the same sequence, so every seeded database looks the same and runs
// mix alike. Not for anything secret.

/** A generator of numbers in [0, 1), starting from `seed`. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
