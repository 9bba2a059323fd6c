/** Duplicate-row counting (cells.ts) against a count from the definition: distinct rows by string key. */
import assert from 'node:assert/strict';
import { duplicateRows, rowCells } from '../../shared/estimators/cells.js';
import type { Matrix } from '../../shared/data/matrix.js';

/** N − number of distinct rows, with −0 and +0 one value (=== per coordinate). */
function referenceDuplicates(m: Matrix): number {
  const seen = new Set<string>();
  for (let i = 0; i < m.n; i++) seen.add(Array.from(m.data.subarray(i * m.d, (i + 1) * m.d), (v) => String(v === 0 ? 0 : v)).join(','));
  return m.n - seen.size;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('duplicateRows', () => {
  it('equals the definition on continuous, gridded and signed-zero data, in 1 to 3 columns', () => {
    const u = lcg(11);
    for (const d of [1, 2, 3]) {
      for (const grid of [0, 1, 4, 50]) {
        for (const n of [0, 1, 2, 37, 500]) {
          const data = new Float64Array(n * d);
          for (let i = 0; i < data.length; i++) {
            const v = u() * 2 - 1;
            data[i] = grid === 0 ? v : Math.round(v * grid) / grid; // grid 1: values in {−1, −0, 0, 1}
          }
          const m = { n, d, data };
          assert.equal(duplicateRows(m), referenceDuplicates(m), `d=${d} grid=${grid} n=${n}`);
          assert.equal(duplicateRows(m), n - rowCells(m).m);
        }
      }
    }
  });
  it('a distinct first column means no duplicates even when later columns repeat', () => {
    const m = { n: 4, d: 2, data: Float64Array.from([1, 5, 2, 5, 3, 5, -0, 5]) };
    assert.equal(duplicateRows(m), 0);
    const z = { n: 3, d: 2, data: Float64Array.from([0, 5, -0, 5, 1, 5]) }; // −0 and +0 are one value
    assert.equal(duplicateRows(z), 1);
  });
});
