/**
 * The column-scan kernel (wasm/columns.ts via data/wasm/columns.ts) gives the bits of the
 * JavaScript loops it stands for, on long columns of random doubles of every magnitude with
 * −0, repeats, NaN and ±Infinity mixed in; the callers (sampleSd, columnsToMatrix,
 * checkResolution, checkFinite, duplicateRows) take it from KERNEL_MIN_VALUES values on.
 */
import assert from 'node:assert/strict';
import { columnMoments, distinctStrided, firstNonFinite, KERNEL_MIN_VALUES, maxAbsAbove, stackDivided } from '../../shared/data/wasm/columns.js';

let s = 5;
const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);

/** n doubles: uniform, wide magnitudes, a few repeats, zeros of both signs; `odd` adds NaN and ±Infinity. */
function column(n: number, odd = false): Float64Array {
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    c[i] = r < 0.01 ? -0 : r < 0.02 ? 0 : r < 0.03 && i > 0 ? c[Math.floor(rnd() * i)]! : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
  }
  if (odd) c[Math.floor(rnd() * n)] = pickOdd();
  return c;
}
const pickOdd = () => [NaN, Infinity, -Infinity][Math.floor(rnd() * 3)]!;
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('column-scan kernel', () => {
  const sizes = [KERNEL_MIN_VALUES, KERNEL_MIN_VALUES + 1, 20_011];

  it('moments: the two-pass sums of sampleSd', () => {
    for (const n of sizes) {
      for (const odd of [false, true]) {
        const c = column(n, odd);
        let mean = 0;
        for (let i = 0; i < n; i++) mean += c[i]!;
        mean /= n;
        let sq = 0;
        for (let i = 0; i < n; i++) sq += (c[i]! - mean) ** 2;
        const k = columnMoments(c);
        if (!k) return; // no WebAssembly here
        assert.ok(same(k.mean, mean) && same(k.squares, sq), `n=${n}: ${k.mean} ${k.squares} vs ${mean} ${sq}`);
      }
    }
  });

  it('stackDivided: the quotients of columnsToMatrix, in place in the rows', () => {
    for (const n of sizes) {
      for (const d of [1, 3]) {
        const cols = Array.from({ length: d }, () => column(n, rnd() < 0.3));
        const divisors = cols.map((_, j) => (j === 0 ? 1 : (rnd() + 0.1) * 10 ** Math.floor(rnd() * 6 - 3)));
        const k = stackDivided(cols, divisors, n);
        if (!k) return;
        for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) assert.ok(same(k[i * d + j]!, cols[j]![i]! / divisors[j]!), `n=${n} i=${i} j=${j}`);
      }
    }
  });

  it('maxAbsAbove, firstNonFinite, distinctStrided: the first index and verdict of the loops', () => {
    for (const n of sizes) {
      for (const odd of [false, true]) {
        const c = column(n, odd);
        for (const above of [0, 1, 1e19]) {
          let best = -1, max = above;
          for (let i = 0; i < n; i++) if (Math.abs(c[i]!) > max) { max = Math.abs(c[i]!); best = i; }
          assert.equal(maxAbsAbove(c, above) ?? best, best);
        }
        assert.equal(firstNonFinite(c) ?? -2, c.findIndex((v) => !Number.isFinite(v)));
        for (const d of [1, 2]) {
          const m = Math.floor(n / d);
          const firsts = Array.from({ length: m }, (_, i) => c[i * d]!);
          const numbers = firsts.filter((v) => !Number.isNaN(v)); // NaN === nothing
          const want = new Set(numbers.map((v) => (v === 0 ? 0 : v))).size === numbers.length;
          let bits = 1;
          while (1 << bits < m + (m >> 1)) bits++;
          assert.equal(distinctStrided(c, m, d, bits) ?? want, want, `n=${n} d=${d}`);
          const distinctColumn = Float64Array.from({ length: m * d }, (_, i) => (i % d === 0 ? i / d - m / 2 : 7));
          assert.equal(distinctStrided(distinctColumn, m, d, bits) ?? true, true);
        }
      }
    }
  });
});
