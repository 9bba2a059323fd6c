/** Gaussian data with known MI for the neural tests, and the tiny critic settings they use. */
import type { Dataset } from '../../shared/data/matrix.js';
import { stream } from '../../shared/rng/index.js';

/** X, Y standard normal with Corr(X, Y) = ρ (I = −½ ln(1 − ρ²)); W independent of both. */
export function gaussian(n: number, rho: number, seed: number): Dataset {
  const r = stream(seed, 0, 90);
  const x = new Float64Array(n), y = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = r.nextGaussian();
    y[i] = rho * x[i]! + Math.sqrt(1 - rho * rho) * r.nextGaussian();
    w[i] = r.nextGaussian();
  }
  return { names: ['x', 'y', 'w'], columns: [x, y, w], n };
}

/** A small critic that still learns a 2-D Gaussian in a few hundred steps. */
export const SMALL = { hidden: 16, embed: 8, batch: 64, steps: 300, evalEvery: 25, patience: 4, heldOutBootstrap: 100 };
/** The smallest settings that exercise everything (determinism tests; accuracy not asked). */
export const TINY = { hidden: 8, embed: 4, batch: 32, steps: 40, evalEvery: 10, patience: 2, heldOutBootstrap: 20 };
