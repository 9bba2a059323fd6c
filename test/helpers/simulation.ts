/** Cells and a byte-exact key shared by the simulation farm tests (embedded and cluster). */
import type { SimulationCell } from '../../shared/job/simulation.js';
import type { SimulateResult } from '../../shared/resampling/simulate.js';

/** Every field of a SimulateResult, typed arrays as their bytes (NaN and −0 survive). */
export function simulateKey(r: SimulateResult): string {
  return JSON.stringify(r, (_k, v: unknown) => {
    if (v instanceof Float64Array) return `f64:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `num:${Object.is(v, -0) ? '-0' : String(v)}`;
    return v;
  });
}

/** Small cells covering every record field: subsample + bias probe + BCa's jackknife, iid + permutation, bits, entropy. */
export const FARM_CELLS: SimulationCell[] = [
  { generator: { kind: 'gaussian', rho: 0.6 }, n: 60, datasets: 5, job: { estimator: 'ksg1', k: 3, bootstrap: { replicates: 12, level: 0.9 } }, methods: ['percentile', 'normal', 'bca'] },
  { generator: { kind: 'gaussian', rho: 0.3 }, n: 40, datasets: 4, job: { estimator: 'gaussian', units: 'bits', bootstrap: { replicates: 15 }, permutation: { shuffles: 9 } } },
  { generator: { kind: 'discrete', a: 3, q: 0.5 }, n: 50, datasets: 3, measure: 'entropy', job: { estimator: 'plugin', normalize: false } },
];
export const FARM_SEED = 11;

