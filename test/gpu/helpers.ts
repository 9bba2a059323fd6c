/** Small seeded datasets for the gpu parity tests. */
import { readFileSync } from 'node:fs';
import type { Matrix } from '../../shared/data/matrix.js';
import { stream, type RandomStream } from '../../shared/rng/index.js';

export function matrix(n: number, d: number, f: (rng: RandomStream) => number, rng: RandomStream): Matrix {
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = f(rng);
  return { n, d, data };
}

/** x correlated with y so counts are not all alike; `gen` draws one coordinate. */
export interface Flavour {
  name: string;
  gen: (rng: RandomStream) => number;
  /** Whether the data are expected to take the exact (no recheck) float32 path. */
  exact: boolean;
}

export const FLAVOURS: Flavour[] = [
  { name: 'random gaussian', gen: (r) => r.nextGaussian(), exact: false },
  { name: 'ties (small integers)', gen: (r) => r.nextInt(4), exact: true },
  { name: 'decimal ties (steps of 0.1)', gen: (r) => r.nextInt(6) / 10, exact: false },
  { name: 'offset 1e6, spread 1e-3 (dyadic-exact after centring)', gen: (r) => 1e6 + r.nextFloat64() * 1e-3, exact: true },
  { name: 'offset 1e6, gaussian spread 10', gen: (r) => 1e6 + 10 * r.nextGaussian(), exact: false },
];

export function blocks(n: number, f: Flavour, seed: number): { x: Matrix; y: Matrix; z: Matrix } {
  const rng = stream(seed, 0, 99);
  const x = matrix(n, 1, f.gen, rng);
  const z = matrix(n, 1, f.gen, rng);
  const y = matrix(n, 2, f.gen, rng);
  // dependence: y0 += x, so MI is not ~0 and counts vary
  for (let i = 0; i < n; i++) y.data[i * 2] = y.data[i * 2]! + (x.data[i]! - (f.exact ? 0 : 0));
  return { x, y, z };
}

export { repoRoot, casesDir } from '../helpers/cases.js';

/** Numeric CSV with a header row → columns by name. */
export function readCsv(file: string): Map<string, Float64Array> {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const names = lines[0]!.split(',');
  const cols = names.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    cells.forEach((c, j) => (cols[j]![i - 1] = Number(c)));
  }
  return new Map(names.map((nm, j) => [nm, cols[j]!]));
}
