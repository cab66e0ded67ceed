/**
 * Random cases for the policy's property tests (`rnd(n)` is an integer in [0, n)): seeded, so a
 * failing trial replays the same way. mulberry32, because a plain LCG's low bits are periodic and
 * `seed % n` with a small n then never reaches some combinations of choices.
 */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed | 0;
  return (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
