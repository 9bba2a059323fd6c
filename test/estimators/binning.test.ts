/**
 * Binned entropy and MI (binning.ts): labels and plug-in sums against a reference written from
 * the definitions (docs/estimators.md), the three rules' behaviour on saturated data (the case
 * adaptive binning is for), the Miller–Madow and Panzeri–Treves terms, and analytic truth: the
 * entropy of a Gaussian over fixed-width bins and the MI of a bivariate Gaussian over its
 * equal-mass (quantile) cells, both computed from Φ by quadrature.
 */
import assert from 'node:assert/strict';
import { binColumn, binnedEntropy, binnedMi, type Binning } from '../../shared/estimators/binning.js';
import { stream } from '../../shared/rng/index.js';
import { ndtr, ndtri } from '../../shared/stats/normal.js';
import { createEngine } from '../../engine/embedded.js';

/** The rules written out: fixed by width, quantile / adaptive by counting order statistics ≤ v. */
function refLabels(v: number[], rule: Binning, B: number): number[] {
  if (rule === 'fixed') {
    const lo = Math.min(...v), hi = Math.max(...v);
    return v.map((t) => (hi === lo ? 0 : Math.min(B - 1, Math.floor((B * (t - lo)) / (hi - lo)))));
  }
  const s = [...v].sort((a, b) => a - b);
  const pool = rule === 'quantile' ? s : s.filter((t, i) => i === 0 || t !== s[i - 1]);
  const edges = Array.from({ length: B - 1 }, (_, b) => pool[Math.min(pool.length - 1, Math.floor(((b + 1) * pool.length) / B))]!);
  return v.map((t) => edges.filter((e) => e <= t).length);
}

function refEntropy(keys: string[]): { h: number; m: number } {
  const c = new Map<string, number>();
  for (const k of keys) c.set(k, (c.get(k) ?? 0) + 1);
  let h = 0;
  for (const n of c.values()) h -= (n / keys.length) * Math.log(n / keys.length);
  return { h, m: c.size };
}

function gauss(n: number, rho: number, seed: number): { x: number[]; y: number[] } {
  const r = stream(seed, 0, 158);
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = r.nextGaussian();
    x.push(a);
    y.push(rho * a + Math.sqrt(1 - rho * rho) * r.nextGaussian());
  }
  return { x, y };
}

const m1 = (v: number[]) => ({ n: v.length, d: 1, data: Float64Array.from(v) });
const m2 = (a: number[], b: number[]) => ({ n: a.length, d: 2, data: Float64Array.from(a.flatMap((t, i) => [t, b[i]!])) });
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('binned entropy and MI: fixed, quantile, adaptive; Miller–Madow, Panzeri–Treves', function () {
  this.timeout(60_000);
  const { x, y } = gauss(500, 0.7, 1);
  // saturated activity (tanh(8x), rounded to 3 decimals): many exact repeats at ±1
  const sat = x.map((t) => Math.round(Math.tanh(8 * t) * 1000) / 1000);

  for (const rule of ['fixed', 'quantile', 'adaptive'] as const) {
    it(`${rule}: labels, entropy and MI (none / Miller–Madow / Panzeri–Treves) equal the definitions`, () => {
      for (const [v, B] of [[x, 7], [sat, 10], [y.map((t) => Math.round(t)), 4]] as const) {
        assert.deepEqual(Array.from(binColumn(Float64Array.from(v), rule, B)), refLabels(v, rule, B));
      }
      const lx = refLabels(x, rule, 6), ly = refLabels(y, rule, 6), n = x.length;
      const hx = refEntropy(lx.map(String)), hy = refEntropy(ly.map(String)), hxy = refEntropy(lx.map((a, i) => `${a},${ly[i]}`));
      const mi = hx.h + hy.h - hxy.h;
      const o = (correction: 'none' | 'miller_madow' | 'panzeri_treves') => ({ rule, bins: 6, correction });
      close(binnedEntropy(m1(x), o('none')), hx.h, 1e-12, 'H');
      close(binnedEntropy(m1(x), o('miller_madow')), hx.h + (hx.m - 1) / (2 * n), 1e-12, 'H MM');
      close(binnedEntropy(m1(x), o('panzeri_treves')), hx.h + (6 - 1) / (2 * n), 1e-12, 'H PT');
      close(binnedEntropy(m2(x, y), o('none')), hxy.h, 1e-12, 'H joint (2 columns, each binned)');
      close(binnedMi(m1(x), m1(y), o('none')), mi, 1e-12, 'I');
      close(binnedMi(m1(x), m1(y), o('miller_madow')), mi + (hx.m + hy.m - hxy.m - 1) / (2 * n), 1e-12, 'I MM');
      close(binnedMi(m1(x), m1(y), o('panzeri_treves')), mi - ((hx.m - 1) * (hy.m - 1)) / (2 * n), 1e-12, 'I PT');
    });
  }

  it('saturated data: quantile edges collapse onto the repeated ±1, adaptive bins spread over the distinct levels', () => {
    const distinct = (rule: Binning) => new Set(binColumn(Float64Array.from(sat), rule, 10)).size;
    assert.ok(distinct('quantile') < 10, `quantile uses ${distinct('quantile')} bins`);
    assert.equal(distinct('adaptive'), 10);
  });

  it('truth: fixed-width binned entropy of N(0,1) = −Σ p_b ln p_b with p_b from Φ over the fitted edges (N = 20000, Miller–Madow)', () => {
    const g = gauss(20000, 0, 2).x;
    const lo = Math.min(...g), hi = Math.max(...g), B = 12;
    const edge = (b: number) => (b === 0 ? -Infinity : b === B ? Infinity : lo + ((hi - lo) * b) / B);
    let h = 0;
    for (let b = 0; b < B; b++) {
      const p = ndtr(edge(b + 1)) - ndtr(edge(b));
      if (p > 0) h -= p * Math.log(p);
    }
    const est = binnedEntropy(m1(g), { rule: 'fixed', bins: B, correction: 'miller_madow' });
    close(est, h, 0.01, 'H of the binned Gaussian');
  });

  it('truth: MI of a bivariate Gaussian (ρ = 0.7) over 8 × 8 equal-mass cells, by quadrature (N = 20000, Panzeri–Treves)', () => {
    const B = 8, rho = 0.7, s = Math.sqrt(1 - rho * rho);
    const q = Array.from({ length: B + 1 }, (_, b) => (b === 0 ? -8 : b === B ? 8 : ndtri(b / B)));
    // P(cell) = ∫_a^b φ(u) [Φ((d − ρu)/s) − Φ((c − ρu)/s)] du, Simpson with 400 panels
    const cell = (a: number, b: number, c: number, d: number) => {
      const m = 400, w = (b - a) / m;
      let t = 0;
      for (let i = 0; i <= m; i++) {
        const u = a + i * w;
        const f = (Math.exp(-u * u / 2) / Math.sqrt(2 * Math.PI)) * (ndtr((d - rho * u) / s) - ndtr((c - rho * u) / s));
        t += f * (i === 0 || i === m ? 1 : i % 2 ? 4 : 2);
      }
      return (t * w) / 3;
    };
    let truth = 0;
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
      const p = cell(q[i]!, q[i + 1]!, q[j]!, q[j + 1]!);
      truth += p * Math.log(p * B * B);
    }
    assert.ok(truth < -0.5 * Math.log(1 - rho * rho), 'binning loses information (data processing)');
    const g = gauss(20000, rho, 3);
    const est = binnedMi(m1(g.x), m1(g.y), { rule: 'quantile', bins: B, correction: 'panzeri_treves' });
    close(est, truth, 0.01, 'binned MI');
  });

  it('through the pipeline: options by name, reported by name, iid bootstrap allowed (plug-in family)', async () => {
    const engine = createEngine({ threads: 1 });
    try {
      const data = { names: ['a', 'b'], columns: [Float64Array.from(x), Float64Array.from(y)], n: x.length };
      const r = await engine.run({ measure: 'mi', estimator: 'binned', x: ['a'], y: ['b'], data, options: { binning: 'adaptive', bins: 6, correction: 'miller_madow' }, bootstrap: { replicates: 30, scheme: 'iid' } });
      assert.deepEqual(r.options, { binning: 'adaptive', bins: 6, correction: 'miller_madow' });
      assert.equal(r.estimate, binnedMi(m1(x.map((t) => t)), m1(y), { rule: 'adaptive', bins: 6, correction: 'miller_madow' }), 'normalising by the sd does not move adaptive edges');
      assert.ok(r.ci && r.ci.low < r.estimate && r.estimate < r.ci.high);
    } finally {
      await engine.close();
    }
  });
});
