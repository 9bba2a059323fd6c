import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ndtr, ndtri } from '../../shared/stats/normal.js';

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}
const fx = JSON.parse(readFileSync(join(repoRoot(), 'test/resampling/fixtures/scipy-ci.json'), 'utf8')) as {
  ndtr: [number, number][];
  ndtri: [number, number][];
};

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('stats: normal Φ and Φ⁻¹ (reference: scipy.special ndtr/ndtri, fixture scipy-ci.json)', () => {
  it('ndtr matches scipy to 1e-14 relative, tails included', () => {
    for (const [x, want] of fx.ndtr) assert.ok(rel(ndtr(x), want) < 1e-14, `ndtr(${x}) = ${ndtr(x)}, scipy ${want}`);
  });
  it('ndtri matches scipy to 1e-13 relative from 1e-300 to 1 − 1e-12', () => {
    for (const [p, want] of fx.ndtri) {
      if (want === 0) assert.ok(Math.abs(ndtri(p)) < 1e-15);
      else assert.ok(rel(ndtri(p), want) < 1e-13, `ndtri(${p}) = ${ndtri(p)}, scipy ${want}`);
    }
  });
  it('edge values: Φ⁻¹(0) = −∞, Φ⁻¹(1) = ∞, NaN outside [0, 1]; Φ(Φ⁻¹(p)) = p', () => {
    assert.equal(ndtri(0), -Infinity);
    assert.equal(ndtri(1), Infinity);
    assert.ok(Number.isNaN(ndtri(1.5)));
    for (const p of [1e-8, 0.01, 0.3, 0.5, 0.8, 0.999]) assert.ok(rel(ndtr(ndtri(p)), p) < 1e-14);
  });
});
