/**
 * Micro timing of the issue-9 estimators (not a test): ksgMultiInfo at D = 3, 4 and N = 1e4,
 * 1e5 (one joint kNN pass + 2D range-count passes, compared with one ksg1 at the same N for
 * scale), gaussianMultiInfo and gcmiMi at N = 1e5, renyiNnr (ensemble, L = 3) at N = M = 1e4,
 * and the Theiler-window CMI at N = 2000, 5000. One thread, best of several runs (the machine
 * is shared). One JSON line per case, with the value, so before/after runs compare bit for bit.
 * Run: npx tsx bench/micro/multi.ts [reps] [case-name filter]
 */
import type { Matrix } from '../../shared/data/matrix.js';
import { gaussianMultiInfo } from '../../shared/estimators/gaussian-multi.js';
import { gcmiMi } from '../../shared/estimators/gcmi.js';
import { ksg1 } from '../../shared/estimators/ksg1.js';
import { ksgCmiTheiler } from '../../shared/estimators/ksg-cmi-theiler.js';
import { ksgMultiInfo, selectCols } from '../../shared/estimators/multi-info.js';
import { renyiNnr } from '../../shared/estimators/renyi-nnr.js';
import { stream } from '../../shared/rng/index.js';

const reps = Number(process.argv[2] ?? 5);
const only = process.argv[3] ?? '';

/** Columns X_d = Z + E_d (a common cause): dependent variables, as in the multi-info tests. */
function common(n: number, d: number, seed: number, shift = 0): Matrix {
  const r = stream(seed, 0), data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = r.nextGaussian();
    for (let c = 0; c < d; c++) data[i * d + c] = z + r.nextGaussian() + shift;
  }
  return { n, d, data };
}

function time(name: string, f: () => number): void {
  if (!name.includes(only)) return;
  const ms: number[] = [];
  let v = 0;
  for (let rep = 0; rep < reps; rep++) {
    const t = performance.now();
    v = f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ case: name, value: v, bestMs: +ms[0]!.toFixed(2), medianMs: +ms[ms.length >> 1]!.toFixed(2) }));
}

for (const n of [10_000, 100_000]) {
  const x2 = common(n, 2, 1);
  time(`ksg1 2-D N=${n} (scale)`, () => ksg1(selectCols(x2, [0]), selectCols(x2, [1]), 4));
  for (const d of [3, 4]) {
    const x = common(n, d, 2);
    time(`ksgMultiInfo D=${d} N=${n} (tc)`, () => ksgMultiInfo(x, 4).tc);
  }
}
const big = common(100_000, 4, 3);
time('gaussianMultiInfo D=4 N=1e5 (oinfo)', () => gaussianMultiInfo(big).oinfo);
time('gcmiMi 1+1 N=1e5', () => gcmiMi(selectCols(big, [0]), selectCols(big, [1])));
const p = common(10_000, 2, 4), q = common(10_000, 2, 5, 0.5);
time('renyiNnr 2-D N=M=1e4 alpha=0.5 (L=3)', () => renyiNnr(p, q, { alpha: 0.5 }));
for (const n of [2000, 5000]) {
  const x = common(n, 3, 6);
  time(`ksgCmiTheiler 1+1+1 N=${n} W=5`, () => ksgCmiTheiler(selectCols(x, [0]), selectCols(x, [1]), selectCols(x, [2]), 4, 5));
}
