/**
 * Seeded benchmark datasets with known population MI, and the replicate row orders the
 * engine will use (so the scikit-learn loop runs on exactly the same resamples).
 */
import { type Dataset } from '../shared/data/matrix.js';
import { stream } from '../shared/rng/index.js';
import { bootstrapIndices } from '../shared/resampling/bootstrap.js';
import { shufflePermutation } from '../shared/resampling/permutation.js';

/** RNG domain tag of benchmark data ('BNCH'), distinct from the engine's own domains. */
export const BENCH_DOMAIN = 0x424e4348;

export interface BenchData {
  dataset: Dataset;
  /** Columns of X (0..dx-1) and of y (dx). */
  dx: number;
  /** Population I(X; y) in nats. */
  truth: number;
  /** Row-major n × (dx + 1): X columns then y, as written to the .npy file. */
  rows: Float64Array;
}

/**
 * y = Σ_j a_j x_j + σ e with x_j, e iid N(0, 1); I(X; y) = ½ ln(1 + Σ a_j² / σ²).
 * dx = 1 uses a = 0.6, σ = 0.8 (ρ = 0.6, I = −½ ln(1 − ρ²) ≈ 0.2231 nats).
 */
export function gaussianRegression(n: number, dx: number, seed: number): BenchData {
  const a = dx === 1 ? [0.6] : Array.from({ length: dx }, (_, j) => 0.5 / (j + 1));
  const sigma = dx === 1 ? 0.8 : 1;
  const rng = stream(seed, dx, BENCH_DOMAIN);
  const cols = Array.from({ length: dx + 1 }, () => new Float64Array(n));
  const rows = new Float64Array(n * (dx + 1));
  for (let i = 0; i < n; i++) {
    let y = 0;
    for (let j = 0; j < dx; j++) {
      const v = rng.nextGaussian();
      cols[j]![i] = v;
      rows[i * (dx + 1) + j] = v;
      y += a[j]! * v;
    }
    y += sigma * rng.nextGaussian();
    cols[dx]![i] = y;
    rows[i * (dx + 1) + dx] = y;
  }
  const names = [...Array.from({ length: dx }, (_, j) => `x${j}`), 'y'];
  const s2 = a.reduce((s, v) => s + v * v, 0);
  return { dataset: { names, columns: cols, n }, dx, truth: 0.5 * Math.log(1 + s2 / (sigma * sigma)), rows };
}

/** Row orders of replicates 0..R-1, row-major R × len, exactly as the engine draws them. */
export function replicateRows(kind: 'bootstrap-iid' | 'bootstrap-subsample' | 'permutation', seed: number, replicates: number, n: number, m: number): { data: Int32Array; len: number } {
  const len = kind === 'bootstrap-subsample' ? m : n;
  const data = new Int32Array(replicates * len);
  for (let r = 0; r < replicates; r++) {
    const idx = kind === 'permutation' ? shufflePermutation(seed, r, n) : bootstrapIndices(kind === 'bootstrap-iid' ? 'iid' : 'subsample', seed, r, n, m);
    data.set(idx, r * len);
  }
  return { data, len };
}

/** The summaries benches' pair: x, y standard normal with correlation 0.2 (stream 3/0/99), as a Dataset. */
export function weakPair(n: number): Dataset {
  const r = stream(3, 0, 99);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = r.nextGaussian();
    x[i] = a;
    y[i] = 0.2 * a + Math.sqrt(1 - 0.04) * r.nextGaussian();
  }
  return { names: ['x', 'y'], columns: [x, y], n };
}
