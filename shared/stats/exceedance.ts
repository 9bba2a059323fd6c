/**
 * Exceedance counts against a fixed threshold: the mergeable summary behind permutation
 * p-values (#{null ≥ observed − γ}) and BCa's bias correction (#{θ* < θ̂}, #{θ* ≤ θ̂}).
 * Counts are integers, so merging (adding) is exactly associative and commutative.
 */
export interface Exceedance {
  /** The threshold t the counts refer to. */
  threshold: number;
  /** Tie tolerance γ ≥ 0 applied to the "≥" count. */
  tolerance: number;
  total: number;
  /** #{v < t} */
  below: number;
  /** #{v ≤ t} */
  belowOrEqual: number;
  /** #{v ≥ t − γ} */
  atLeast: number;
}

export function countExceedance(values: ArrayLike<number>, threshold: number, tolerance = 0): Exceedance {
  let below = 0, belowOrEqual = 0, atLeast = 0;
  const lo = threshold - tolerance;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < threshold) below++;
    if (v <= threshold) belowOrEqual++;
    if (v >= lo) atLeast++;
  }
  return { threshold, tolerance, total: values.length, below, belowOrEqual, atLeast };
}

export function mergeExceedance(a: Exceedance, b: Exceedance): Exceedance {
  if (a.threshold !== b.threshold || a.tolerance !== b.tolerance) {
    throw new RangeError(`cannot merge exceedance counts for different thresholds (${a.threshold} vs ${b.threshold})`);
  }
  return {
    threshold: a.threshold,
    tolerance: a.tolerance,
    total: a.total + b.total,
    below: a.below + b.below,
    belowOrEqual: a.belowOrEqual + b.belowOrEqual,
    atLeast: a.atLeast + b.atLeast,
  };
}
