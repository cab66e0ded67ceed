import { EndpointTarget } from '../endpoint';

/** A number in [0, 1), as Math.random gives; injected so weighted choice is testable. */
export type Random = () => number;

/**
 * The order in which one call tries an endpoint's targets: lowest fallback `order` first; among
 * targets of equal order, a weighted random permutation (each pick proportional to weight among
 * those not yet picked), so load is shared by weight and the others of that order are the first
 * fallbacks before the next order. Targets of weight 0 are tried only after the weighted ones.
 */
export function attemptOrder<T extends Pick<EndpointTarget, 'order' | 'weight'>>(targets: readonly T[], random: Random): T[] {
  const orders = [...new Set(targets.map((t) => t.order))].sort((a, b) => a - b);
  return orders.flatMap((o) =>
    weightedPermutation(
      targets.filter((t) => t.order === o),
      random,
    ),
  );
}

function weightedPermutation<T extends Pick<EndpointTarget, 'weight'>>(group: readonly T[], random: Random): T[] {
  const pool = [...group];
  const out: T[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((s, t) => s + Math.max(0, t.weight), 0);
    let index = 0;
    if (total > 0) {
      let r = random() * total;
      index = pool.findIndex((t) => (r -= Math.max(0, t.weight)) < 0);
      // Floating point may leave r a hair above 0 after the last subtraction.
      if (index < 0) index = pool.length - 1;
    }
    out.push(pool[index]);
    pool.splice(index, 1);
  }
  return out;
}
