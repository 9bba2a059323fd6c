/**
 * How far a kNN MI estimate drifts as ties take over (issue 12: "KSG on discrete data").
 * Data: a ρ = 0.6 bivariate Gaussian rounded to a grid of step h; as h grows more points have
 * their k-th neighbour at distance 0. For each h: the share of points with a zero k-th joint
 * distance in the joint space and in the worse marginal (shared/estimators/ties-guard.ts), ksg1 and mixed_ksg at N = 5000, and
 * the truth I(round(X/h); round(Y/h)) from the plugin estimate at N = 2e6 (bias ~ cells/N).
 *   npx tsx bench/micro/ties.ts
 */
import { estimate } from '../../shared/estimators/index.js';
import { columnsToMatrix, hstack } from '../../shared/data/matrix.js';
import { stream } from '../../shared/rng/index.js';
import { zeroDistanceShare } from '../../shared/estimators/ties-guard.js';

function draw(n: number, h: number, seed: number) {
  const r = stream(seed, 0, 99);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = r.nextGaussian(), b = 0.6 * a + 0.8 * r.nextGaussian();
    x[i] = h > 0 ? Math.round(a / h) : a;
    y[i] = h > 0 ? Math.round(b / h) : b;
  }
  return { x: columnsToMatrix([x]), y: columnsToMatrix([y]) };
}

const k = 3;
console.log('h\tjointShare\tmarginalShare\tksg1\tmixed_ksg\ttruth\tksg1-truth');
for (const h of [0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2]) {
  const d = draw(5000, h, 1);
  const share = zeroDistanceShare(hstack(d.x, d.y), k);
  const marg = Math.max(zeroDistanceShare(d.x, k), zeroDistanceShare(d.y, k));
  const ksg = estimate('mi', 'ksg1', d, { k });
  const mixed = estimate('mi', 'mixed_ksg', d, { k });
  const truth = h >= 0.05 ? estimate('mi', 'plugin', draw(2_000_000, h, 2), { k }) : -0.5 * Math.log(1 - 0.36);
  console.log([h, share.toFixed(3), marg.toFixed(3), ksg.toFixed(3), mixed.toFixed(3), truth.toFixed(3), (ksg - truth).toFixed(3)].join('\t'));
}
