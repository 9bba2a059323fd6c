/**
 * A critic's score matrix on held-out rows and the weighted sums every variational bound is
 * made of. S[i·m + j] = f(x_i, y_j): the diagonal pairs are draws from p(x, y), the off-diagonal
 * pairs (x_i, y_j), i ≠ j, draws from p(x)p(y) (Poole et al., ICML 2019, section 2).
 *
 * Every sum takes row weights c (c_i = how often row i is in the sample): all ones for the
 * estimate, bootstrap counts for a resample of the held-out rows. Pairs of copies of one row
 * (i = j) are never counted as product-of-marginals pairs.
 */
export interface ScoreMatrix {
  m: number;
  data: Float64Array;
}

/** Σ c_i S_ii / Σ c_i: the sample mean of f under p(x, y). */
export function diagMean(s: ScoreMatrix, c: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < s.m; i++) {
    num += c[i]! * s.data[i * s.m + i]!;
    den += c[i]!;
  }
  return num / den;
}

/**
 * log of the weighted mean of exp(g(S_ij)) over i ≠ j, weights c_i c_j, computed with the
 * largest term factored out so large scores do not overflow. `g` defaults to the identity.
 */
export function offDiagLogMeanExp(s: ScoreMatrix, c: Float64Array, g: (v: number) => number = (v) => v): number {
  const { m, data } = s;
  let top = -Infinity;
  for (let i = 0; i < m; i++) {
    if (c[i] === 0) continue;
    for (let j = 0; j < m; j++) if (j !== i && c[j] !== 0) top = Math.max(top, g(data[i * m + j]!));
  }
  let num = 0, den = 0;
  for (let i = 0; i < m; i++) {
    const ci = c[i]!;
    if (ci === 0) continue;
    for (let j = 0; j < m; j++) {
      if (j === i || c[j] === 0) continue;
      const w = ci * c[j]!;
      num += w * Math.exp(g(data[i * m + j]!) - top);
      den += w;
    }
  }
  return Math.log(num / den) + top;
}

/**
 * InfoNCE's term with the held-out rows as one batch of K = Σ c rows: for each row i (weight
 * c_i), S_ii − log((1/K) Σ_j c_j exp(S_ij)), j over all rows including i itself; weighted mean.
 */
export function infoNceMean(s: ScoreMatrix, c: Float64Array): number {
  const { m, data } = s;
  let k = 0;
  for (let i = 0; i < m; i++) k += c[i]!;
  let total = 0;
  for (let i = 0; i < m; i++) {
    const ci = c[i]!;
    if (ci === 0) continue;
    let top = -Infinity;
    for (let j = 0; j < m; j++) if (c[j] !== 0) top = Math.max(top, data[i * m + j]!);
    let sum = 0;
    for (let j = 0; j < m; j++) if (c[j] !== 0) sum += c[j]! * Math.exp(data[i * m + j]! - top);
    total += ci * (data[i * m + i]! - (Math.log(sum / k) + top));
  }
  return total / k;
}

/** All-ones weights: the plain held-out sample. */
export function unitWeights(m: number): Float64Array {
  return new Float64Array(m).fill(1);
}
