import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import type { Matrix } from '../../shared/data/matrix.js';
import { hstack } from '../../shared/data/matrix.js';
import { kthDistancesAll, othersStrictAll } from '../../shared/estimators/counts.js';
import { createPermutationContext, estimateOnRows } from '../../shared/estimators/index.js';
import { ksg1 } from '../../shared/estimators/ksg1.js';
import { strictRadius, TIE_RELATIVE, tieTolerance } from '../../shared/estimators/ties.js';
import { columnOrder, jointOrders, neighbourIndex, rangeCounter } from '../../shared/knn/index.js';
import { ksg1Counts2d, WASM_MAX_CROWDING } from '../../shared/knn/wasm/ksg1-2d.js';
import { repoRoot } from '../helpers/cases.js';

const col = (a: Float64Array): Matrix => ({ n: a.length, d: 1, data: a });

/** The JavaScript path's radii and counts (what ksg1FromParts sums when ksg1 does not take the kernel). */
function jsCounts(x: Float64Array, y: Float64Array, k: number) {
  const xm = col(x), ym = col(y), xc = rangeCounter(xm), yc = rangeCounter(ym);
  const eps = kthDistancesAll(neighbourIndex(hstack(xm, ym), jointOrders([xm, ym], [xc, yc])), k);
  const tol = tieTolerance(xm, ym);
  for (let i = 0; i < eps.length; i++) eps[i] = strictRadius(eps[i]!, tol);
  return { eps, nx: othersStrictAll(xc, xm, eps), ny: othersStrictAll(yc, ym, eps) };
}

/** The definition, O(n²): k-th joint max-norm distance (self excluded), tie-adjusted; strict counts. */
function bruteCounts(x: Float64Array, y: Float64Array, k: number) {
  const n = x.length, tol = tieTolerance(col(x), col(y));
  const eps = new Float64Array(n), nx = new Int32Array(n), ny = new Int32Array(n);
  const d = new Float64Array(n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0, t = 0; j < n; j++) if (j !== i) d[t++] = Math.max(Math.abs(x[j]! - x[i]!), Math.abs(y[j]! - y[i]!));
    const r = strictRadius(Float64Array.from(d).sort()[k - 1]!, tol);
    eps[i] = r;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (Math.abs(x[j]! - x[i]!) < r) nx[i]!++;
      if (Math.abs(y[j]! - y[i]!) < r) ny[i]!++;
    }
  }
  return { eps, nx, ny };
}

function assertSame(a: { eps: Float64Array; nx: Int32Array; ny: Int32Array }, b: typeof a, what: string): void {
  for (let i = 0; i < a.eps.length; i++) {
    if (!Object.is(a.eps[i], b.eps[i]) || a.nx[i] !== b.nx[i] || a.ny[i] !== b.ny[i]) {
      assert.fail(`${what}: row ${i}: eps ${a.eps[i]} vs ${b.eps[i]}, nx ${a.nx[i]} vs ${b.nx[i]}, ny ${a.ny[i]} vs ${b.ny[i]}`);
    }
  }
}

/** Pairs (x, y) of n rows: continuous and dependent, on a 0.1 grid (ties), heavy-tailed, offset, with copies and signed zeros. */
const pairArb = fc
  .record({ n: fc.integer({ min: 256, max: 1200 }), kind: fc.constantFrom('cont', 'ties', 'heavy', 'offset', 'copies', 'zeros'), seed: fc.integer(), k: fc.constantFrom(1, 2, 3, 5, 10) })
  .map(({ n, kind, seed, k }) => {
    let s = seed >>> 0 || 1;
    const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
    const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = g(), b = 0.6 * a + 0.8 * g();
      if (kind === 'ties') { x[i] = Math.round(a * 10) / 10; y[i] = Math.round(b * 10) / 10; }
      else if (kind === 'heavy') { x[i] = a / (u() - 0.5); y[i] = b / (u() - 0.5); }
      else if (kind === 'offset') { x[i] = 1e9 + a * 1e-3; y[i] = -5e8 + b * 1e-3; }
      else if (kind === 'zeros') { x[i] = u() < 0.3 ? (u() < 0.5 ? -0 : 0) : a; y[i] = u() < 0.3 ? (u() < 0.5 ? -0 : 0) : b; }
      else { x[i] = a; y[i] = b; }
    }
    if (kind === 'copies') for (let i = 0; i < n; i++) { const j = Math.floor(u() * n); x[i] = x[j]!; y[i] = y[j]!; } // a bootstrap-like resample
    return { x, y, k, kind };
  });

describe('knn: the WebAssembly KSG-1 kernel gives the JavaScript path\'s radii and counts exactly', () => {
  it('equals the JavaScript path on continuous, tied, heavy-tailed, offset, copied and signed-zero data', () => {
    fc.assert(
      fc.property(pairArb, ({ x, y, k, kind }) => {
        const w = ksg1Counts2d(x, y, k, TIE_RELATIVE, Infinity);
        assert.ok(w, `the kernel serves ${kind} data`);
        assertSame(w, jsCounts(x, y, k), kind);
      }),
      { numRuns: 60 },
    );
  });

  it('equals the definition (brute force) on small samples', () => {
    fc.assert(
      fc.property(pairArb.filter((p) => p.x.length <= 400), ({ x, y, k, kind }) => {
        assertSame(ksg1Counts2d(x, y, k, TIE_RELATIVE, Infinity)!, bruteCounts(x, y, k), kind);
      }),
      { numRuns: 12 },
    );
  });

  it('ksg1 takes the kernel for two 1-D blocks and gives the JavaScript path\'s estimate bit for bit, 16-bit radix digits included', () => {
    for (const n of [300, 5_000, 60_000]) {
      let s = n;
      const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
      const x = Float64Array.from({ length: n }, () => u() - 0.5);
      const y = Float64Array.from(x, (v) => v * v + 0.3 * u());
      assert.ok(ksg1Counts2d(x, y, 3, TIE_RELATIVE, WASM_MAX_CROWDING), `n = ${n}: the kernel serves`);
      const viaKernel = ksg1(col(x), col(y), 3);
      const viaJs = ksg1(col(x), col(y), 3, [columnOrder(x, 1, 0), columnOrder(y, 1, 0)]);
      assert.ok(Object.is(viaKernel, viaJs), `n = ${n}: ${viaKernel} vs ${viaJs}`);
      assert.ok(viaKernel > 0.3, `n = ${n}: y depends on x (${viaKernel})`);
    }
  });

  it('a ksg1 permutation replicate takes the kernel from the marginals\' orders and equals the JavaScript path on the permuted data', () => {
    fc.assert(
      fc.property(pairArb, fc.integer(), ({ x, y, k, kind }, seed) => {
        const n = x.length;
        const ctx = createPermutationContext('mi', 'ksg1', { x: col(x), y: col(y) }, { k });
        let s = seed >>> 0 || 1;
        const perm = Int32Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const j = s % (i + 1);
          [perm[i], perm[j]] = [perm[j]!, perm[i]!];
        }
        const yp = Float64Array.from(perm, (p) => y[p]!);
        const viaJs = ksg1(col(x), col(yp), k, [columnOrder(x, 1, 0), columnOrder(yp, 1, 0)]);
        const viaContext = ctx.estimate(perm);
        assert.ok(Object.is(viaContext, viaJs), `${kind}, n = ${n}, k = ${k}: ${viaContext} vs ${viaJs}`);
      }),
      { numRuns: 40 },
    );
  });

  it('a ksg1 resampling replicate (subsample or iid bootstrap rows) takes the kernel from the parent\'s orders and equals the JavaScript path on the gathered rows', () => {
    fc.assert(
      fc.property(pairArb, fc.integer(), fc.boolean(), ({ x, y, k, kind }, seed, iid) => {
        const n = x.length, m = iid ? n : Math.max(256, n >> 1);
        let s = seed >>> 0 || 1;
        const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
        const rows = Int32Array.from({ length: n }, (_, i) => i);
        if (iid) for (let i = 0; i < n; i++) rows[i] = next() % n;
        else for (let i = n - 1; i > 0; i--) { const j = next() % (i + 1); [rows[i], rows[j]] = [rows[j]!, rows[i]!]; }
        const pick = rows.subarray(0, m);
        const gx = Float64Array.from(pick, (r) => x[r]!), gy = Float64Array.from(pick, (r) => y[r]!);
        const viaJs = ksg1(col(gx), col(gy), k, [columnOrder(gx, 1, 0), columnOrder(gy, 1, 0)]);
        const viaRows = estimateOnRows('mi', 'ksg1', { x: col(x), y: col(y) }, { k }, pick);
        assert.ok(Object.is(viaRows, viaJs), `${kind}, ${iid ? 'iid' : 'subsample'}, m = ${m}, k = ${k}: ${viaRows} vs ${viaJs}`);
      }),
      { numRuns: 40 },
    );
  });

  it('declines crowded data (the kd-tree serves it) and ksg1 still answers exactly', () => {
    const n = 4000;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
    const y = Float64Array.from(x, (v, i) => v + (i % 7) * 1e-9); // y ≈ x: every row on the diagonal cells
    assert.equal(ksg1Counts2d(x, y, 3, TIE_RELATIVE, WASM_MAX_CROWDING), undefined);
    assert.ok(Object.is(ksg1(col(x), col(y), 3), ksg1(col(x), col(y), 3, [columnOrder(x, 1, 0), columnOrder(y, 1, 0)])));
  });

  it('the committed module is what the AssemblyScript source compiles to', function () {
    this.timeout(120_000);
    const r = spawnSync(process.execPath, [path.join(repoRoot(), 'scripts', 'build-wasm.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
