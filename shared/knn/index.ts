/** Neighbour structures for the kNN estimators (max-norm throughout). */
import type { Matrix } from '../data/matrix.js';
import { KdTree } from './kdtree.js';
import { SortedMarginal } from './sorted.js';
import type { RangeCounter } from './types.js';

export { KdTree, DEFAULT_LEAF_SIZE } from './kdtree.js';
export { SortedMarginal } from './sorted.js';
export { BruteForce } from './brute.js';
export { maxNorm } from './types.js';
export type { RangeCounter, NeighbourIndex } from './types.js';

/** The fastest exact range counter for a marginal: sorted array in 1-D, kd-tree otherwise. */
export function rangeCounter(m: Matrix): RangeCounter {
  return m.d === 1 ? new SortedMarginal(m) : new KdTree(m);
}
