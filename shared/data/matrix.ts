import { DataError } from '../errors.js';
import { stackDivided } from './wasm/columns.js';

/** A loaded table: named numeric columns of equal length (column-major). */
export interface Dataset {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
  /** Number of rows. */
  readonly n: number;
}

/** Dense row-major n × d block of points: the form every estimator and kNN structure takes. */
export interface Matrix {
  readonly n: number;
  readonly d: number;
  /** Row-major: point i, coordinate j is data[i * d + j]. */
  readonly data: Float64Array;
}

/**
 * Stack columns side by side into a row-major matrix (a copy), column j divided by
 * `divisors[j]` if given (normalisation in the same pass; a divisor 1 copies exactly).
 */
export function columnsToMatrix(columns: readonly Float64Array[], divisors?: readonly number[]): Matrix {
  const d = columns.length;
  if (d === 0) throw new DataError('no columns selected');
  const n = columns[0]!.length;
  columns.forEach((c, j) => {
    if (c.length !== n) throw new DataError(`column ${j} has ${c.length} rows, expected ${n}`);
  });
  const s = columns.map((_, j) => divisors?.[j] ?? 1);
  // long columns: the same quotients from the WebAssembly kernel
  let data = stackDivided(columns, s, n);
  if (!data) {
    data = new Float64Array(n * d);
    for (let j = 0; j < d; j++) {
      const c = columns[j]!, sj = s[j]!;
      for (let i = 0; i < n; i++) data[i * d + j] = c[i]! / sj;
    }
  }
  return { n, d, data };
}

/** Rows `idx` of `m`, in that order (bootstrap draws, permutations, subsamples). */
export function gatherRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const { d } = m;
  const n = idx.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const src = idx[i]! * d;
    for (let j = 0; j < d; j++) data[i * d + j] = m.data[src + j]!;
  }
  return { n, d, data };
}

/** Concatenate matrices with the same n column-wise (x | y | z → joint space). */
export function hstack(...ms: Matrix[]): Matrix {
  const n = ms[0]!.n;
  let d = 0;
  for (const m of ms) {
    if (m.n !== n) throw new DataError(`cannot join blocks with ${m.n} and ${n} rows`);
    d += m.d;
  }
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let o = i * d;
    for (const m of ms) {
      for (let j = 0; j < m.d; j++) data[o++] = m.data[i * m.d + j]!;
    }
  }
  return { n, d, data };
}
