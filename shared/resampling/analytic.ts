/**
 * The analytic significance test of an information estimate: under the null of (conditional)
 * independence, 2N·Î (Î in nats, N rows) is asymptotically χ² with the degrees of freedom of
 * the corresponding likelihood-ratio test (Wilks 1938; for the plug-in G-test see Brillinger,
 * Braz. J. Probab. Stat. 18 (2004) 163; for Gaussian MI and CMI, Barnett & Bossomaier, PRL 109
 * (2012) 138105, eq. 5 — the null JIDT's Gaussian and discrete calculators use). The degrees
 * of freedom come from the catalog (each estimator's `chi2` entry):
 *   plug-in MI           (|X| − 1)(|Y| − 1)
 *   plug-in CMI / TE     (|X| − 1)(|Y| − 1)·|Z|          (TE: CMI on the embedding)
 *   Gaussian MI/CMI/TE   d_X · d_Y
 *   Gaussian TC          Σ_{i<j} d_i d_j
 * with |·| the observed alphabet (distinct rows) of a block. The mean of the null, df/(2N), is
 * the analytic bias JIDT's Gaussian calculators subtract.
 *
 * p = Q(df/2, N·Î), the regularised upper incomplete gamma function (Numerical Recipes §6.2:
 * series for x < a + 1, Lentz's continued fraction beyond), never exactly 0 in double unless it
 * underflows.
 */
import { lgamma } from '../stats/special.js';

/** Regularised lower incomplete gamma P(a, x) by its series (x < a + 1). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a, sum = term;
  for (let n = 1; n < 10_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}

/** Regularised upper incomplete gamma Q(a, x) by its continued fraction (x ≥ a + 1). */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

/** P(χ²_df ≥ stat): the survival function of the χ² distribution. */
export function chi2Survival(stat: number, df: number): number {
  if (!(df > 0)) return stat > 0 ? 0 : 1;
  if (!(stat > 0)) return 1;
  const a = df / 2, x = stat / 2;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x);
}

export interface AnalyticTest {
  /** 2N·Î (Î in nats). */
  statistic: number;
  df: number;
  pValue: number;
  /** Mean of the null distribution of Î, df/(2N) (nats): the analytic bias. */
  nullMean: number;
}

/** The χ² test of an estimate `theta` (nats) from `n` rows with `df` degrees of freedom. */
export function analyticTest(theta: number, n: number, df: number): AnalyticTest {
  const statistic = 2 * n * theta;
  return { statistic, df, pValue: chi2Survival(statistic, df), nullMean: df / (2 * n) };
}

export const ANALYTIC_CONVENTION = '2N·Î ~ χ²(df) under the null (likelihood-ratio / G-test asymptotics; Barnett & Bossomaier 2012; as JIDT)';
