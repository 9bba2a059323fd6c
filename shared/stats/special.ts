/**
 * Special functions for the estimators: digamma ψ (kNN estimators evaluate it at integer
 * counts millions of times, so integer arguments come from a cached table) and ln Γ.
 */

/** Euler–Mascheroni constant γ = −ψ(1). */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * Digamma ψ(x) = d/dx ln Γ(x) for real x, accurate to a few ulp away from its root
 * (x ≈ 1.4616). Method: reflection for x < 0 (ψ(1−x) − π / tan(πx)), the recurrence
 * ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the asymptotic series
 * ψ(x) ~ ln x − 1/(2x) − Σ_{n≥1} B_{2n} / (2n x^{2n}) through the x^{-14} term (the first
 * omitted term is < 5e-17 at x = 10). Poles (x = 0, −1, −2, …) give NaN.
 */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (x === Math.floor(x)) return NaN;
    // reflection: ψ(1 − x) − ψ(x) = π cot(πx)
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const t = inv * inv;
  // Bernoulli terms B_{2n}/(2n): 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12
  const series =
    t * (1 / 12 - t * (1 / 120 - t * (1 / 252 - t * (1 / 240 - t * (1 / 132 - t * (691 / 32760 - t * (1 / 12)))))));
  return acc + Math.log(x) - 0.5 * inv - series;
}

let table = new Float64Array(0);

/**
 * ψ(n) for a positive integer n, from a table grown on demand (each entry computed with
 * {@link digamma}, not by summing harmonic numbers, so no error accumulates with n).
 * Call {@link ensureDigammaTable} first in hot loops; this function grows the table itself.
 */
export function digammaInt(n: number): number {
  if (n >= table.length) ensureDigammaTable(n);
  return table[n]!;
}

/** Make ψ(1..n) available from the table (index 0 holds NaN: ψ has a pole at 0). */
export function ensureDigammaTable(n: number): Float64Array {
  if (n < table.length) return table;
  const size = Math.max(n + 1, Math.min(2 * table.length, n + 1 + 65536), 1024);
  const next = new Float64Array(size);
  next.set(table);
  next[0] = NaN;
  for (let i = Math.max(1, table.length); i < size; i++) next[i] = digamma(i);
  table = next;
  return table;
}

/**
 * ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error ~1e-15),
 * with the reflection formula for x < 0.5. Used for the Euclidean unit-ball volume.
 */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const c = LANCZOS;
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
